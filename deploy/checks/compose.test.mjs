// Keeps the three ways of running Bazaar in step: the start command (./bazaar, export_service_env), docker-compose.yml
// and the Helm chart use the same environment variable names and the ports of scripts/services.sh.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, readServices, loadYamlDocuments, renderedManifests, ENVIRONMENTS } from './lib.mjs';

const services = readServices();
const names = services.map((s) => s.name);

/** Variable names export_service_env sets for SERVICE ($other loops expand to every service). */
export function startCommandEnv(service) {
  const text = fs.readFileSync(path.join(repoRoot, 'bazaar'), 'utf8');
  const body = text.match(/^export_service_env\(\) \{\n([\s\S]*?)^\}/m);
  if (!body) throw new Error('bazaar: export_service_env() not found');
  const vars = new Set();
  let onlyFor = null; // inside `if [[ $name == <service> ]]`: that service's variables only
  for (const line of body[1].split('\n')) {
    const only = line.match(/^\s*if \[\[ \$name == ([a-z]+) \]\]/);
    if (only) onlyFor = only[1];
    if (/^\s*fi\s*$/.test(line)) onlyFor = null;
    if (onlyFor && service !== onlyFor) continue;
    const exported = line.match(/^\s*export\s+(.*)$/);
    if (!exported) continue;
    // NAME=value pairs; a quoted value is consumed whole, so "…;Maximum Pool Size=40" is not taken for a variable.
    for (const m of exported[1].matchAll(/(?:^|\s)"?([A-Za-z_][A-Za-z0-9_]*(?:\$other)?)=("[^"]*"|\S*)/g)) {
      if (m[1].endsWith('$other')) for (const n of names) vars.add(m[1].replace('$other', n));
      else vars.add(m[1]);
    }
  }
  return vars;
}

const compose = loadYamlDocuments(path.join(repoRoot, 'docker-compose.yml'))[0];

describe('docker-compose.yml matches the start command', () => {
  it('has a service and a seed job for every service in scripts/services.sh, and nothing unknown', () => {
    const expected = new Set(['postgres', 'redis', 'edge', ...names, ...names.map((n) => `${n}-seed`)]);
    assert.deepEqual(Object.keys(compose.services).sort(), [...expected].sort());
  });
  for (const { name, port } of services) {
    it(`${name}: the same environment variable names as export_service_env`, () => {
      assert.deepEqual(Object.keys(compose.services[name].environment).sort(), [...startCommandEnv(name)].sort());
      assert.deepEqual(Object.keys(compose.services[`${name}-seed`].environment).sort(), [...startCommandEnv(name)].sort());
    });
    it(`${name}: published on its port ${port}, talks to the others on theirs`, () => {
      const env = compose.services[name].environment;
      assert.deepEqual(compose.services[name].ports, [`127.0.0.1:${port}:8080`]);
      assert.equal(env.ServiceAuth__ClientId, name);
      assert.match(env.ConnectionStrings__Database, new RegExp(`Database=bazaar_${name};`));
      for (const other of names) assert.equal(env[`Services__${other}`], `http://${other}:8080`);
      assert.equal(compose.services[`${name}-seed`].build.args.SERVICE, name[0].toUpperCase() + name.slice(1));
    });
  }
  it('the edge is published on 8080, as ./bazaar up serves it', () => {
    assert.deepEqual(compose.services.edge.ports, ['127.0.0.1:8080:8080']);
  });
});

// The cluster differs on purpose: no demo data (Seed__*), no database for a service without one, SMTP instead of the
// mailbox folder when email.smtp.host is set; it adds OTEL_*, Media__S3*, Email__From and Email__Smtp__*.
const CLUSTER_ONLY = /^(OTEL_|Media__S3|Media__Store$|Email__From$|Email__Smtp__)/;
for (const env of ENVIRONMENTS) {
  describe(`Helm chart (${env}) matches the start command`, () => {
    const objs = renderedManifests(env);
    for (const name of names) {
      it(`${name}: the same environment variable names, except the documented cluster differences`, () => {
        const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
        assert.ok(deployment, `no Deployment ${name}`);
        const container = deployment.spec.template.spec.containers[0];
        const chart = new Set(container.env.map((e) => e.name));
        const missing = [...startCommandEnv(name)].filter((v) => !chart.has(v))
          .filter((v) => !v.startsWith('Seed__'))
          .filter((v) => !(v === 'ConnectionStrings__Database' && name === 'cart'))
          .filter((v) => !(v === 'Email__Mailbox' && chart.has('Email__Smtp__Host')));
        assert.deepEqual(missing, [], 'set by ./bazaar but not by the chart');
        const extra = [...chart].filter((v) => !startCommandEnv(name).has(v) && !CLUSTER_ONLY.test(v));
        assert.deepEqual(extra, [], 'set by the chart but unknown to ./bazaar');
        assert.deepEqual(container.ports.map((p) => p.containerPort), [8080]);
      });
    }
    it('a Service named after every component, on port 8080 (the edge image routes to "<name>:8080")', () => {
      for (const name of [...names, 'edge']) {
        const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === name);
        assert.ok(svc, `no Service ${name}`);
        assert.equal(svc.spec.ports[0].port, 8080);
      }
    });
  });
}
