// Loads Terraform configurations as JSON (HashiCorp's hcl2json, via @cdktf/hcl2json in tools/validate) and gives
// the policy rules a small model: every resource, data source, module call, provider and local of a directory.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../../tools/validate/package.json', import.meta.url));
const { parse } = require('@cdktf/hcl2json');

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const infraRoot = path.join(repoRoot, 'infra');

const parsed = new Map(); // file name + text -> JSON, so mutation tests re-parse only what they change

async function parseFile(file, text) {
  const key = `${file}\0${text}`;
  if (!parsed.has(key)) parsed.set(key, await parse(file, text));
  return parsed.get(key);
}

/**
 * Blocks of a kind inside a parsed body: the static ones and the content of `dynamic "<name>"` blocks, so a rule
 * sees a statement or rule whether it is written out or generated.
 */
export const blocks = (body, name) => {
  if (!body || typeof body !== 'object') return [];
  const written = Array.isArray(body[name]) ? body[name] : [];
  const generated = (body.dynamic?.[name] ?? []).flatMap((d) => d.content ?? []);
  return [...written, ...generated];
};

/**
 * Terraform directories under infra/: every folder holding .tf files, except tool and test data and folders named
 * _* (envs/_shared: files the environment roots include through symlinks, not a configuration of their own).
 */
export function terraformDirs(root = infraRoot) {
  const found = [];
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.tf'))) found.push(path.relative(root, dir));
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_') && e.name !== 'policy' && e.name !== 'node_modules') walk(path.join(dir, e.name));
    }
  };
  walk(root);
  return found.sort();
}

/** The kind of a directory: an environment root, another root (bootstrap, organization) or a module. */
export function kindOf(dir) {
  if (dir.startsWith('envs/')) return 'env';
  if (dir.startsWith('modules/')) return 'module';
  return 'root';
}

/**
 * Parses one configuration from { fileName: text }. Returns
 *   { dir, kind, resources: [{type, name, body, file}], data: [...], modules: [{name, body, file}],
 *     providers: [{name, body, file}], locals: {name: value}, variables: {name: body}, terraform: [body] }
 */
export async function parseConfig(dir, files) {
  const config = { dir, kind: kindOf(dir), resources: [], data: [], modules: [], providers: [], locals: {}, variables: {}, outputs: {}, terraform: [], files };
  for (const [file, text] of Object.entries(files)) {
    let json;
    try {
      json = await parseFile(`${dir}/${file}`, text);
    } catch (error) {
      throw new Error(`${dir}/${file}: ${error.message}`);
    }
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, list] of Object.entries(byName)) for (const body of list) config.resources.push({ type, name, body, file });
    }
    for (const [type, byName] of Object.entries(json.data ?? {})) {
      for (const [name, list] of Object.entries(byName)) for (const body of list) config.data.push({ type, name, body, file });
    }
    for (const [name, list] of Object.entries(json.module ?? {})) for (const body of list) config.modules.push({ name, body, file });
    for (const [name, list] of Object.entries(json.provider ?? {})) for (const body of list) config.providers.push({ name, body, file });
    for (const body of json.locals ?? []) Object.assign(config.locals, body);
    for (const [name, list] of Object.entries(json.variable ?? {})) config.variables[name] = list[0];
    for (const [name, list] of Object.entries(json.output ?? {})) config.outputs[name] = list[0];
    config.terraform.push(...(json.terraform ?? []));
  }
  return config;
}

/**
 * Loads every configuration under infra/. `overrides` maps "dir/file.tf" to replacement text (null deletes the
 * file); the violation tests use it to plant a mistake in an otherwise real tree.
 */
export async function loadTree({ root = infraRoot, overrides = {} } = {}) {
  const configs = new Map();
  for (const dir of terraformDirs(root)) {
    const files = {};
    for (const name of fs.readdirSync(path.join(root, dir)).filter((n) => n.endsWith('.tf')).sort()) {
      files[name] = fs.readFileSync(path.join(root, dir, name), 'utf8');
    }
    for (const [key, text] of Object.entries(overrides)) {
      if (path.dirname(key) !== dir) continue;
      if (text === null) delete files[path.basename(key)];
      else files[path.basename(key)] = text;
    }
    configs.set(dir, await parseConfig(dir, files));
  }
  return configs;
}

/** A tree from inline fixtures: { "modules/x": { "main.tf": "..." } }. */
export async function treeFromSources(sources) {
  const configs = new Map();
  for (const [dir, files] of Object.entries(sources)) configs.set(dir, await parseConfig(dir, files));
  return configs;
}

/** Reads a file of the real tree (for mutations). */
export const readInfra = (relative) => fs.readFileSync(path.join(infraRoot, relative), 'utf8');
