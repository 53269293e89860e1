#!/usr/bin/env node
// Dashboards: each JSON file type-checked as @grafana/schema's Dashboard, and every panel query parsed by promtool
// (written as recording rules, with Grafana's variables replaced by values PromQL accepts).
// Usage: node deploy/checks/dashboards.mjs FILE...   (exit 1 on any problem)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { validateDir } from './lib.mjs';

const files = process.argv.slice(2);
const problems = [];
const dir = fs.mkdtempSync(path.join(validateDir, '.check-'));
try {
  const dashboards = files.map((f) => ({ file: f, json: JSON.parse(fs.readFileSync(f, 'utf8')) }));
  const source = ["import type { Dashboard } from '@grafana/schema';",
    ...dashboards.map((d, i) => `// ${path.basename(d.file)}\nexport const d${i}: Dashboard = ${JSON.stringify(d.json, null, 2)};`)].join('\n');
  fs.writeFileSync(path.join(dir, 'dashboards.ts'), source);
  try {
    execFileSync(path.join(validateDir, 'node_modules/.bin/tsc'),
      ['--noEmit', '--strict', '--skipLibCheck', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', path.join(dir, 'dashboards.ts')],
      { cwd: validateDir, stdio: 'pipe' });
  } catch (e) {
    const out = String(e.stdout ?? '') + String(e.stderr ?? '');
    const lines = source.split('\n');
    for (const m of out.matchAll(/dashboards\.ts\((\d+),\d+\): (error TS\d+: [^\n]+)/g)) {
      let n = Number(m[1]) - 1;
      while (n > 0 && !lines[n]?.startsWith('// ')) n--;
      problems.push(`${lines[n]?.slice(3) ?? '?'}: ${m[2]}`);
    }
    if (!problems.length) problems.push(out.trim());
  }

  // Panel queries as recording rules; promtool reports the rule (and so the panel) it cannot parse.
  const rules = [];
  const uids = new Set();
  for (const { file, json } of dashboards) {
    if (!json.uid || uids.has(json.uid)) problems.push(`${path.basename(file)}: missing or duplicate uid ${json.uid}`);
    uids.add(json.uid);
    const panels = (json.panels ?? []).flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]));
    for (const p of panels) for (const t of p.targets ?? []) {
      if (!t.expr) { problems.push(`${path.basename(file)}: panel "${p.title}" target ${t.refId} has no expr`); continue; }
      const expr = t.expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$__range', '1h')
        .replace(/\$\{?[A-Za-z_]\w*\}?/g, 'x');
      rules.push({ record: `panel:${rules.length}`, expr, labels: { dashboard: path.basename(file), panel: p.title } });
    }
  }
  const ruleFile = path.join(dir, 'panels.rules.json');
  fs.writeFileSync(ruleFile, JSON.stringify({ groups: [{ name: 'panels', rules }] }));
  try {
    execFileSync('promtool', ['check', 'rules', ruleFile], { stdio: 'pipe' });
  } catch (e) {
    const out = String(e.stdout ?? '') + String(e.stderr ?? '');
    for (const m of out.matchAll(/rule (\d+), "panel:\d+": could not parse expression: ([^\n]+)/g)) {
      const r = rules[Number(m[1]) - 1];
      problems.push(`${r?.labels.dashboard}: panel "${r?.labels.panel}": ${m[2]}`);
    }
    if (!problems.length) problems.push(out.trim());
  }
  if (problems.length) { console.log(problems.join('\n')); process.exitCode = 1; }
  else console.log(`${dashboards.length} dashboards type-checked, ${rules.length} panel queries parsed`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
