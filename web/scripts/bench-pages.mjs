// Storefront page-load benchmark: loads each page RUNS times in headless Chromium through the edge, cold (new browser
// context: empty cache) and warm (same context: cached assets), and prints median timings from the browser's own
// Navigation and Paint Timing entries plus the JS heap after load. Used by benchmarks/storefront.sh.
//
//   node scripts/bench-pages.mjs BASE_URL [RUNS]
import { chromium } from '@playwright/test';

const [base = 'http://127.0.0.1:8080', runsText = '10'] = process.argv.slice(2);
const runs = Number(runsText);
const browser = await chromium.launch({
  executablePath: process.env.BAZAAR_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
});

async function productPath() {
  const response = await fetch(`${base}/api/v1/products?sort=rating&limit=1`);
  const page = await response.json();
  return `/p/${page.items[0].slug}`;
}

const pages = [
  ['home', '/', 'h1'],
  ['category', '/c/clothing', '.product-card'],
  ['search', '/search?q=runing%20shoes', '.product-card'],
  ['product', await productPath(), '.purchase'],
];

/** Loads path and waits until selector shows: the page is usable, not just parsed. */
async function measure(page, path, selector) {
  const started = Date.now();
  await page.goto(base + path, { waitUntil: 'load' });
  await page.waitForSelector(selector);
  const usable = Date.now() - started;
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const bytes = performance.getEntriesByType('resource').reduce((sum, r) => sum + (r.transferSize || 0), nav.transferSize || 0);
    return { ttfb: nav.responseStart, fcp: paint ? paint.startTime : NaN, domContentLoaded: nav.domContentLoadedEventEnd, bytes,
      heap: performance.memory ? performance.memory.usedJSHeapSize : NaN };
  });
  return { ...timing, usable };
}

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};

console.log('| page | cache | TTFB ms | first paint ms | DOMContentLoaded ms | usable ms | transferred KB | JS heap MB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, path, selector] of pages) {
  for (const cache of ['cold', 'warm']) {
    const samples = [];
    if (cache === 'cold') {
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext();
        samples.push(await measure(await context.newPage(), path, selector));
        await context.close();
      }
    } else {
      const shared = await browser.newContext();
      const warmPage = await shared.newPage();
      await measure(warmPage, path, selector); // fill the cache once
      for (let i = 0; i < runs; i++) samples.push(await measure(warmPage, path, selector));
      await shared.close();
    }
    const m = (key) => median(samples.map((s) => s[key]));
    console.log(`| ${name} | ${cache} | ${m('ttfb').toFixed(0)} | ${m('fcp').toFixed(0)} | ${m('domContentLoaded').toFixed(0)} | ${m('usable').toFixed(0)} | ${(m('bytes') / 1024).toFixed(0)} | ${(m('heap') / 1048576).toFixed(1)} |`);
  }
}
await browser.close();
