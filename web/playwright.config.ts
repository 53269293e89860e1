import { defineConfig } from '@playwright/test';

// Browser tests run against a running platform through its edge (./bazaar test starts one on free ports and sets
// BAZAAR_EDGE_URL). Debian's Chromium, headless; Playwright downloads no browser.
const baseURL = process.env.BAZAAR_EDGE_URL ?? 'http://localhost:8080';

export default defineConfig({
  testDir: 'e2e',
  outputDir: process.env.BAZAAR_E2E_ARTIFACTS ? `${process.env.BAZAAR_E2E_ARTIFACTS}/results` : 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: process.env.BAZAAR_E2E_REPORT ?? 'test-results/report.json' }]],
  use: {
    baseURL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.BAZAAR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
