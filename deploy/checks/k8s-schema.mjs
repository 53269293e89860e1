#!/usr/bin/env node
// Schema check of rendered Kubernetes manifests, offline:
//   built-in kinds  -> TypeScript against kubernetes-types (unknown fields, wrong types, missing required fields)
//                      and kubernetes-models' validators (formats: quantities, int32, enums it knows)
//   custom kinds    -> deploy/checks/crds.mjs (structural checks of the fields we use)
//   anything else   -> an error: a kind nobody checks is a kind nobody should ship unnoticed.
// Usage: node deploy/checks/k8s-schema.mjs FILE...   (exit 1 on any problem)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { loadYamlDocuments, validateDir } from './lib.mjs';
import { checkCustomResource } from './crds.mjs';

const problems = [];
const typed = [];
let models = 0, custom = 0;

for (const file of process.argv.slice(2)) {
  for (const obj of loadYamlDocuments(file)) {
    const where = `${path.basename(file)}: ${obj.kind}/${obj.metadata?.name}`;
    const crd = checkCustomResource(obj);
    if (crd) { custom++; problems.push(...crd.map((p) => `${path.basename(file)}: ${p}`)); continue; }
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['core', obj.apiVersion];
    const typesGroup = group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
    const typesFile = path.join(validateDir, 'node_modules/kubernetes-types', typesGroup, `${version}.d.ts`);
    if (!fs.existsSync(typesFile)) { problems.push(`${where}: no schema for ${obj.apiVersion} ${obj.kind}`); continue; }
    typed.push({ where, type: `import('kubernetes-types/${typesGroup}/${version}').${obj.kind}`, obj });
    const modelFile = path.join(validateDir, 'node_modules/kubernetes-models', group === 'core' ? '' : group, version, `${obj.kind}.js`);
    if (!fs.existsSync(modelFile)) { problems.push(`${where}: kubernetes-models has no ${obj.apiVersion} ${obj.kind}`); continue; }
    try {
      const Model = (await import(pathToFileURL(modelFile)))[obj.kind];
      new Model(obj).validate();
      models++;
    } catch (e) {
      problems.push(`${where}: ${e.message}`);
    }
  }
}

if (typed.length) {
  const dir = fs.mkdtempSync(path.join(validateDir, '.check-'));
  try {
    const source = typed.map((t, i) => `// ${t.where}\nexport const r${i}: ${t.type} = ${JSON.stringify(t.obj, null, 2)};`).join('\n');
    fs.writeFileSync(path.join(dir, 'manifests.ts'), source);
    execFileSync(path.join(validateDir, 'node_modules/.bin/tsc'),
      ['--noEmit', '--strict', '--skipLibCheck', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', path.join(dir, 'manifests.ts')],
      { cwd: validateDir, stdio: 'pipe' });
  } catch (e) {
    const out = String(e.stdout ?? '') + String(e.stderr ?? '');
    const lines = fs.existsSync(path.join(dir, 'manifests.ts')) ? fs.readFileSync(path.join(dir, 'manifests.ts'), 'utf8').split('\n') : [];
    for (const m of out.matchAll(/manifests\.ts\((\d+),\d+\): (error TS\d+: [^\n]+)/g)) {
      // Name the object the error is in: the nearest "// file: Kind/name" line above it.
      let n = Number(m[1]) - 1;
      while (n > 0 && !lines[n]?.startsWith('// ')) n--;
      problems.push(`${lines[n]?.slice(3) ?? '?'}: ${m[2]}`);
    }
    if (!problems.length) problems.push(out.trim() || String(e));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log(`${typed.length} objects type-checked, ${models} validated by kubernetes-models, ${custom} custom resources checked`);
