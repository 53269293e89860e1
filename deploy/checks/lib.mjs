// Shared glue for the deployment checks: reading rendered manifests and the repository's own lists.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const validateDir = path.join(repoRoot, 'tools/validate');
// The validators live in tools/validate/node_modules (scripts/validation-tools.sh installs them).
export const requireTool = createRequire(path.join(validateDir, 'package.json'));

/** Every non-empty YAML document of a file (or a string), as plain objects; throws on a YAML error. */
export function loadYamlDocuments(fileOrText, { isText = false } = {}) {
  const text = isText ? fileOrText : fs.readFileSync(fileOrText, 'utf8');
  // Loaded here, not at import: monitoring/generate.mjs imports readServices and runs without the validators.
  const { parseAllDocuments } = requireTool('yaml');
  const docs = [];
  for (const doc of parseAllDocuments(text, { merge: true })) {
    if (doc.errors.length) throw new Error(`${isText ? 'YAML' : fileOrText}: ${doc.errors[0].message}`);
    const value = doc.toJS({ maxAliasCount: -1 });
    if (value != null) docs.push(value);
  }
  return docs;
}

/** The rendered chart of one environment (written by scripts/check-deploy.sh). */
export function renderedManifests(env) {
  const dir = process.env.BAZAAR_RENDERED_DIR;
  if (!dir) throw new Error('BAZAAR_RENDERED_DIR is not set (scripts/check-deploy.sh sets it)');
  return loadYamlDocuments(path.join(dir, `${env}.yaml`));
}

/** The services of scripts/services.sh, in list order: [{ name, port, routes }]. */
export function readServices() {
  const text = fs.readFileSync(path.join(repoRoot, 'scripts/services.sh'), 'utf8');
  const block = text.match(/^SERVICES=\(\n([\s\S]*?)^\)/m);
  if (!block) throw new Error('scripts/services.sh: no SERVICES=( ... ) array');
  return [...block[1].matchAll(/^\s*"([a-z][a-z0-9]*) (\d+) ([^"]*)"/gm)]
    .map((m) => ({ name: m[1], port: Number(m[2]), routes: m[3] }));
}

export const ENVIRONMENTS = ['dev', 'staging', 'prod'];
