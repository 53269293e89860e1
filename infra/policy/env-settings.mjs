// Writes each environment's `module "settings"` arguments as a .tfvars.json, so scripts/check-infra.sh can plan
// modules/settings with exactly what envs/<env>/main.tf passes: the validation rules then run on the real values.
// Usage: node infra/policy/env-settings.mjs OUT_DIR   (prints the environments written, one a line)
import fs from 'node:fs';
import path from 'node:path';
import { loadTree } from './lib/hcl.mjs';
import { settingsOf } from './lib/rules.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: env-settings.mjs OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

/** Replaces "${local.x}" with the root's literal local; anything else computed is an error (roots pass literals). */
function literal(config, value, where) {
  if (typeof value === 'string' && value.includes('${')) {
    const m = value.match(/^\$\{local\.(\w+)\}$/);
    if (m && m[1] in config.locals) return literal(config, config.locals[m[1]], where);
    throw new Error(`${config.dir}: ${where} is computed (${value}); environment settings must be literals`);
  }
  if (Array.isArray(value)) return value.map((v, i) => literal(config, v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(config, v, `${where}.${k}`)]));
  return value;
}

const tree = await loadTree();
for (const config of tree.values()) {
  if (config.kind !== 'env') continue;
  const env = path.basename(config.dir);
  const settings = settingsOf(config);
  if (!settings) throw new Error(`${config.dir}: no module "settings"`);
  const { source, ...args } = settings;
  fs.writeFileSync(path.join(out, `${env}.tfvars.json`), JSON.stringify(literal(config, args, 'module.settings'), null, 2));
  console.log(env);
}
