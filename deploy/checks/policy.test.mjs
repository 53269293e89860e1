// Policy tests on the rendered chart of each environment, and proof that each policy catches a violation.
// Run by scripts/check-deploy.sh (which renders the chart into $BAZAAR_RENDERED_DIR first).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rules } from './policy.mjs';
import { renderedManifests, loadYamlDocuments, repoRoot, ENVIRONMENTS } from './lib.mjs';

const DATABASE_SERVICES = ['catalog', 'identity', 'ordering', 'payments', 'risk'];
const byKindName = (objs, kind, n) => objs.find((o) => o.kind === kind && o.metadata.name === n);
const applicationSet = loadYamlDocuments(path.join(repoRoot, 'deploy/argocd/applicationset.yaml'))[0];
const argoApp = applicationSet.spec.template.spec;

// What creates the namespace: Argo CD (CreateNamespace=true with managedNamespaceMetadata) and the manifest for a
// plain helm install. Both must carry the Pod Security labels.
function namespaceDefinitions() {
  const out = loadYamlDocuments(path.join(repoRoot, 'deploy/helm/namespace.yaml'));
  if ((argoApp.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true')) {
    out.push({ kind: 'Namespace', metadata: { name: 'bazaar (Argo CD managedNamespaceMetadata)', labels: argoApp.syncPolicy.managedNamespaceMetadata?.labels } });
  }
  return out;
}
// What these services keep in Redis exists nowhere else: carts (src/Cart) and risk's velocity counters (src/Risk).
const REDIS_STATE_SERVICES = ['cart', 'risk'];
const context = { databaseServices: DATABASE_SERVICES, redisStateServices: REDIS_STATE_SERVICES, namespaces: namespaceDefinitions() };

// infra's subnet plan (infra/modules/settings): private-data = cidrsubnet(vpc_cidr, 6, 36 + i), public =
// cidrsubnet(vpc_cidr, 4, 6 + i), one per zone; the VPC range, zone count and account come from infra/envs/<env>.
function cidrsubnet(cidr, newbits, num) {
  const [ip, len] = cidr.split('/');
  const base = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = Number(len) + newbits;
  const n = base + num * 2 ** (32 - size);
  return `${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}/${size}`;
}
function infraEnvironment(env) {
  const main = fs.readFileSync(path.join(repoRoot, `infra/envs/${env}/main.tf`), 'utf8');
  const providers = fs.readFileSync(path.join(repoRoot, `infra/envs/${env}/providers.tf`), 'utf8');
  const vpc = main.match(/vpc_cidr\s*=\s*"([^"]+)"/)[1];
  const azs = Number(main.match(/az_count\s*=\s*(\d+)/)[1]);
  const account = providers.match(/account_id\s*=\s*"(\d{12})"/)[1];
  const zones = [...Array(azs).keys()];
  const deletionProtection = main.match(/deletion_protection\s*=\s*(true|false)/)[1] === 'true';
  return { account, deletionProtection, data: zones.map((i) => cidrsubnet(vpc, 6, 36 + i)), public: zones.map((i) => cidrsubnet(vpc, 4, 6 + i)) };
}
// The services' health checks give up after these many seconds (src/ServiceDefaults/Health/HealthSetup.cs, by tag). A
// probe that gives up first fails a pod whose check was about to answer: during a Redis failover the Redis check
// would have reported Degraded (still ready), and a timed-out probe takes every pod out of the load balancer instead.
const HEALTH_CHECK_SECONDS = (() => {
  const source = fs.readFileSync(path.join(repoRoot, 'src/ServiceDefaults/Health/HealthSetup.cs'), 'utf8');
  const out = { Ready: 0, Startup: 0 };
  for (const m of source.matchAll(/tags: \[(Ready|Startup)\][^;]*?timeout: TimeSpan\.FromSeconds\((\d+)\)/g)) out[m[1]] = Math.max(out[m[1]], Number(m[2]));
  return out;
})();
function probeProblems(objs) {
  const out = [];
  for (const d of objs.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'edge')) {
    const c = d.spec.template.spec.containers[0];
    if (!(c.readinessProbe.timeoutSeconds > HEALTH_CHECK_SECONDS.Ready)) out.push(`${d.metadata.name}: readiness timeout ${c.readinessProbe.timeoutSeconds}s, checks take up to ${HEALTH_CHECK_SECONDS.Ready}s`);
    if (!(c.startupProbe.timeoutSeconds > HEALTH_CHECK_SECONDS.Startup)) out.push(`${d.metadata.name}: startup timeout ${c.startupProbe.timeoutSeconds}s, checks take up to ${HEALTH_CHECK_SECONDS.Startup}s`);
  }
  return out;
}

// The longest the edge waits for a service: proxy_connect_timeout + proxy_read_timeout (deploy/edge/nginx.conf.template).
// A value the pattern does not find stops the run: NaN would pass every comparison below unnoticed.
const edgeTemplate = fs.readFileSync(path.join(repoRoot, 'deploy/edge/nginx.conf.template'), 'utf8');
const EDGE_UPSTREAM_SECONDS = ['connect', 'read'].map((kind) => {
  const seconds = Number(edgeTemplate.match(new RegExp(`proxy_${kind}_timeout (\\d+)s;`))?.[1]);
  assert.ok(Number.isFinite(seconds), `proxy_${kind}_timeout in seconds not found in deploy/edge/nginx.conf.template`);
  return seconds;
}).reduce((a, b) => a + b);

// Shutdown: a pod's grace period covers its preStop pause and then the longest a request in flight may still take: the
// services' HostOptions.ShutdownTimeout (src/ServiceDefaults/ServiceDefaultsExtensions.cs), the edge's wait for a
// service (nginx finishes requests in flight on SIGQUIT). Otherwise a rollout cuts a request the pod had accepted.
const SHUTDOWN_SECONDS = {
  api: Number(fs.readFileSync(path.join(repoRoot, 'src/ServiceDefaults/ServiceDefaultsExtensions.cs'), 'utf8')
    .match(/ShutdownTimeout = TimeSpan\.FromSeconds\((\d+)\)/)?.[1]),
  edge: EDGE_UPSTREAM_SECONDS,
};
function shutdownProblems(objs) {
  const out = [];
  for (const d of objs.filter((o) => o.kind === 'Deployment')) {
    const spec = d.spec.template.spec;
    const component = d.metadata.name === 'edge' ? 'edge' : 'api';
    const preStop = spec.containers[0].lifecycle?.preStop?.sleep?.seconds ?? 0;
    const needed = preStop + SHUTDOWN_SECONDS[component];
    if (!((spec.terminationGracePeriodSeconds ?? 30) >= needed)) {
      out.push(`${d.metadata.name}: grace period ${spec.terminationGracePeriodSeconds ?? 30}s, needs ${preStop}s preStop + ${SHUTDOWN_SECONDS[component]}s for requests in flight`);
    }
  }
  return out;
}

// Aurora's default max_connections is LEAST(DBInstanceClassMemory / 9531392, 5000) (Aurora User Guide, "Maximum
// connections to an Aurora PostgreSQL DB instance"); Serverless v2 sizes it by its maximum capacity, 2 GiB per ACU.
// Total memory stands in for DBInstanceClassMemory (a little less), so the limit is taken at 80 %.
const INSTANCE_MEMORY_GIB = { 'db.t4g.medium': 4, 'db.t4g.large': 8, 'db.r7g.large': 16, 'db.r7g.xlarge': 32, 'db.r7g.2xlarge': 64 };
function auroraMaxConnections(env) {
  const main = fs.readFileSync(path.join(repoRoot, `infra/envs/${env}/main.tf`), 'utf8');
  const instanceClass = main.match(/instance_class\s*=\s*"([^"]+)"/)[1];
  const gib = instanceClass === 'db.serverless' ? 2 * Number(main.match(/max_capacity_acu\s*=\s*([0-9.]+)/)[1]) : INSTANCE_MEMORY_GIB[instanceClass];
  assert.ok(gib, `the memory of ${instanceClass} is not known here: add it to INSTANCE_MEMORY_GIB`);
  return { instanceClass, limit: Math.min(Math.floor((gib * 2 ** 30) / 9531392), 5000) };
}
// Connections the platform can open at full scale: every database service's replicas at the HPA maximum plus its
// surge pod, times the pool size in its connection string, and one migration Job per service with its own pool.
function connectionsAtFullScale(objs) {
  const poolOf = (connectionString) => Number(connectionString.match(/Maximum Pool Size=(\d+)/)?.[1] ?? 100); // Npgsql's default
  let total = 0;
  const parts = [];
  for (const svc of DATABASE_SERVICES) {
    const hpa = objs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === svc);
    const surge = byKindName(objs, 'Deployment', svc).spec.strategy.rollingUpdate.maxSurge;
    assert.equal(typeof surge, 'number', `${svc}: maxSurge as a number of pods`);
    const pool = poolOf(byKindName(objs, 'ExternalSecret', svc).spec.target.template.data.ConnectionStrings__Database);
    const migration = poolOf(byKindName(objs, 'ExternalSecret', `${svc}-migration`).spec.target.template.data.ConnectionStrings__Database);
    total += (hpa.spec.maxReplicas + surge) * pool + migration;
    parts.push(`${svc} (${hpa.spec.maxReplicas}+${surge}) x ${pool} + ${migration}`);
  }
  return { total, parts };
}
// The IngressGroup infra looks the ALB up by (infra/modules/edge, variable ingress_group).
const INFRA_INGRESS_GROUP = fs.readFileSync(path.join(repoRoot, 'infra/modules/edge/variables.tf'), 'utf8')
  .match(/variable "ingress_group" \{[\s\S]*?default\s*=\s*"([^"]+)"/)[1];
// What infra relies on in the Ingress: modules/edge finds the ALB by the IngressGroup tag and points health.<host>
// (its Route 53 health check, https://health.<host>/healthz) at it; Terraform owns the DNS names; the ALB's
// attributes come from infra/<env>.yaml with deletion protection from the settings (on in prod).
function ingressProblems(objs, env) {
  const ingress = byKindName(objs, 'Ingress', 'edge');
  if (!ingress) return ['no Ingress edge'];
  const out = [];
  const annotations = ingress.metadata.annotations ?? {};
  if (annotations['alb.ingress.kubernetes.io/group.name'] !== INFRA_INGRESS_GROUP) out.push(`group.name is ${annotations['alb.ingress.kubernetes.io/group.name']}, infra looks for ${INFRA_INGRESS_GROUP}`);
  if ('bazaar.io/external-dns' in annotations) out.push('bazaar.io/external-dns: Terraform owns the apex and health.<host>');
  const host = ingress.spec.rules[0].host;
  const health = ingress.spec.rules.find((r) => r.host === `health.${host}`);
  const paths = (health?.http.paths ?? []).map((p) => [p.path, p.pathType, p.backend.service?.name, p.backend.service?.port?.name].join(' '));
  if (paths.join() !== '/healthz Exact edge http') out.push(`health.${host}: paths ${JSON.stringify(paths)}, want /healthz Exact to edge:http`);
  if (!ingress.spec.tls?.[0]?.hosts?.includes(`health.${host}`)) out.push(`tls hosts lack health.${host}`);
  const attributes = lbAttributes(ingress);
  const want = env === 'prod' ? 'true' : String(infraEnvironment(env).deletionProtection);
  if (attributes['deletion_protection.enabled'] !== want) out.push(`deletion_protection.enabled is ${attributes['deletion_protection.enabled']}, want ${want}`);
  if (attributes['access_logs.s3.enabled'] !== 'true') out.push('ALB access logs are off');
  // The edge answers a slow service (connect, then read) before the ALB gives up on the idle connection, so the client
  // gets the edge's 504 problem details rather than the ALB's HTML 504.
  const idle = Number(attributes['idle_timeout.timeout_seconds'] ?? 60); // AWS's default
  if (EDGE_UPSTREAM_SECONDS >= idle) out.push(`the edge waits up to ${EDGE_UPSTREAM_SECONDS}s for a service, not below the ALB's idle timeout of ${idle}s`);
  return out;
}
const lbAttributes = (ingress) => Object.fromEntries((ingress.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes'] ?? '')
  .split(',').filter(Boolean).map((kv) => kv.split('=')));
const ipBlocks = (policy) => (policy.spec.egress ?? []).flatMap((e) => (e.to ?? []).map((t) => t.ipBlock?.cidr).filter(Boolean));

for (const env of ENVIRONMENTS) {
  describe(`policy (${env})`, () => {
    const objs = renderedManifests(env);
    for (const [rule, check] of Object.entries(rules)) {
      it(rule, () => assert.deepEqual(check(objs, context), []));
    }
    it('HPA ranges: edge 2-10, risk 3-20, other services 2-20 at most', () => {
      for (const hpa of objs.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
        const [min, max] = hpa.metadata.name === 'edge' ? [2, 10] : hpa.metadata.name === 'risk' ? [3, 20] : [2, 20];
        assert.ok(hpa.spec.minReplicas === min && hpa.spec.maxReplicas <= max, `${hpa.metadata.name}: ${hpa.spec.minReplicas}-${hpa.spec.maxReplicas}`);
        if (env === 'prod') assert.equal(hpa.spec.maxReplicas, max, `${hpa.metadata.name}: prod maxReplicas`);
      }
    });
    it("database and Redis egress goes to the private-data subnets of infra's subnet plan, ALB ingress from the public ones", () => {
      const plan = infraEnvironment(env);
      const migrations = byKindName(objs, 'NetworkPolicy', 'migrations');
      assert.deepEqual(ipBlocks(migrations).sort(), [...plan.data].sort(), 'migrations NetworkPolicy');
      for (const svc of DATABASE_SERVICES) {
        const blocks = ipBlocks(byKindName(objs, 'NetworkPolicy', svc));
        for (const cidr of plan.data) assert.ok(blocks.includes(cidr), `${svc}: no egress to ${cidr}`);
        assert.ok(blocks.every((b) => plan.data.includes(b)), `${svc}: egress to ${blocks} outside ${plan.data}`);
      }
      const edge = byKindName(objs, 'NetworkPolicy', 'edge');
      const from = (edge.spec.ingress ?? []).flatMap((i) => (i.from ?? []).map((f) => f.ipBlock?.cidr).filter(Boolean));
      assert.deepEqual(from.sort(), [...plan.public].sort(), 'edge ingress from the ALB subnets');
    });
    it("the sandbox's webhooks may go from payments to the edge, and only payments' may", () => {
      const selects = (peer, name) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === name;
      const edgeIngress = byKindName(objs, 'NetworkPolicy', 'edge').spec.ingress.flatMap((i) => i.from ?? []);
      assert.deepEqual(edgeIngress.filter((f) => f.podSelector).map((f) => f.podSelector.matchLabels['app.kubernetes.io/name']), ['payments']);
      const paymentsEnv = byKindName(objs, 'Deployment', 'payments').spec.template.spec.containers[0].env;
      assert.equal(paymentsEnv.find((e) => e.name === 'Payments__Sandbox__WebhookUrl')?.value, 'http://edge:8080/api/v1/payments/webhooks/sandbox');
      for (const policy of objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'edge')) {
        const toEdge = (policy.spec.egress ?? []).some((e) => (e.to ?? []).some((t) => selects(t, 'edge')));
        assert.equal(toEdge, policy.metadata.name === 'payments', `${policy.metadata.name}: egress to the edge`);
      }
    });
    it("IRSA: the roles follow infra's names in the environment's account; only AWS callers carry one", () => {
      const { account } = infraEnvironment(env);
      const role = (sa) => byKindName(objs, 'ServiceAccount', sa)?.metadata.annotations?.['eks.amazonaws.com/role-arn'];
      assert.equal(role('catalog'), `arn:aws:iam::${account}:role/bazaar-${env}-catalog`);
      assert.equal(role('migrations'), `arn:aws:iam::${account}:role/bazaar-${env}-migrations`);
      assert.equal(role('secrets-reader'), `arn:aws:iam::${account}:role/bazaar-${env}-external-secrets`);
      for (const sa of ['identity', 'cart', 'ordering', 'payments', 'risk', 'edge']) assert.equal(role(sa), undefined, `${sa} has an IAM role it does not use`);
      const images = objs.filter((o) => o.kind === 'Deployment').map((d) => d.spec.template.spec.containers[0].image);
      for (const image of images) assert.match(image, /^222222222222\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/bazaar\//, 'images come from the shared-services registry');
    });
    it('spot: staging and prod Deployments tolerate the spot taint and spread over capacity types; Jobs stay off spot', () => {
      const tolerates = (o) => (o.spec.template.spec.tolerations ?? []).some((t) => t.key === 'bazaar.io/spot');
      for (const d of objs.filter((o) => o.kind === 'Deployment')) {
        const spreads = (d.spec.template.spec.topologySpreadConstraints ?? []).some((t) => t.topologyKey === 'eks.amazonaws.com/capacityType');
        assert.equal(tolerates(d), env !== 'dev', `${d.metadata.name}: spot toleration`);
        assert.equal(spreads, env !== 'dev', `${d.metadata.name}: spread over capacity types`);
      }
      for (const o of objs.filter((x) => ['Job', 'StatefulSet'].includes(x.kind))) assert.ok(!tolerates(o), `${o.kind}/${o.metadata.name} tolerates spot`);
    });
    it("Ingress: in infra's IngressGroup, health.<host>/healthz (Exact) to the edge, no ExternalDNS opt-in, deletion protection as infra's settings say, the edge answering before the ALB's idle timeout", () => {
      assert.deepEqual(ingressProblems(objs, env), []);
    });
    it('no PrometheusRule: the EKS environments evaluate the rules in AMP (infra loads monitoring/rules)', () => {
      assert.deepEqual(objs.filter((o) => o.kind === 'PrometheusRule').map((o) => o.metadata.name), []);
    });
    it('migrations: DatabaseAdmin from the master secret (username, password) with host and port of the service secret, database postgres, TLS', () => {
      const { account } = infraEnvironment(env);
      const masterSecret = new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:${account}:secret:rds!cluster-`);
      const store = byKindName(objs, 'SecretStore', 'aws-secrets-manager-migrations');
      assert.ok(store, 'no SecretStore for the migrations');
      assert.equal(store.spec.provider.aws.auth.jwt.serviceAccountRef.name, 'migrations');
      assert.equal(byKindName(objs, 'ServiceAccount', 'migrations').metadata.annotations['eks.amazonaws.com/role-arn'], `arn:aws:iam::${account}:role/bazaar-${env}-migrations`);
      for (const svc of DATABASE_SERVICES) {
        const es = byKindName(objs, 'ExternalSecret', `${svc}-migration`);
        const admin = es.spec.target.template.data.ConnectionStrings__DatabaseAdmin;
        const parts = Object.fromEntries(admin.split(';').map((kv) => kv.split('=')));
        assert.deepEqual(parts, {
          Host: '{{ .db_host }}', Port: '{{ .db_port }}', Username: '{{ .admin_username }}', Password: '{{ .admin_password }}',
          Database: 'postgres', Pooling: 'false', 'SSL Mode': 'Require',
        }, `${svc}: ConnectionStrings__DatabaseAdmin`);
        const byKey = Object.fromEntries(es.spec.data.map((d) => [d.secretKey, d]));
        for (const field of ['host', 'port']) assert.deepEqual(byKey[`db_${field}`].remoteRef, { key: `bazaar/${env}/${svc}/database`, property: field });
        for (const field of ['username', 'password']) {
          const d = byKey[`admin_${field}`];
          assert.match(d.remoteRef.key, masterSecret, `${svc}: admin_${field} from the master secret`);
          assert.equal(d.remoteRef.property, field);
          assert.deepEqual(d.sourceRef?.storeRef, { kind: 'SecretStore', name: 'aws-secrets-manager-migrations' }, `${svc}: admin_${field} read as the migrations ServiceAccount`);
        }
        assert.ok(!es.spec.data.some((d) => /^admin_/.test(d.secretKey) && d.sourceRef?.storeRef?.name !== 'aws-secrets-manager-migrations'));
        const env_ = byKindName(objs, 'Job', `${svc}-migrate`).spec.template.spec.containers[0].env;
        assert.deepEqual(env_.find((e) => e.name === 'ConnectionStrings__DatabaseAdmin')?.valueFrom.secretKeyRef, { name: `${svc}-migration`, key: 'ConnectionStrings__DatabaseAdmin' });
      }
    });
    it("probes wait longer than the services' health checks", () => {
      assert.ok(HEALTH_CHECK_SECONDS.Ready > 0 && HEALTH_CHECK_SECONDS.Startup > 0, `health check timeouts not found: ${JSON.stringify(HEALTH_CHECK_SECONDS)}`);
      assert.deepEqual(probeProblems(objs), []);
    });
    it('grace periods cover the preStop pause and the requests in flight', () => {
      assert.ok(SHUTDOWN_SECONDS.api > 0 && SHUTDOWN_SECONDS.edge > 0, `shutdown timeouts not found: ${JSON.stringify(SHUTDOWN_SECONDS)}`);
      assert.deepEqual(shutdownProblems(objs), []);
      // The ALB, too, lets a draining edge pod's requests finish before it closes their connections.
      for (const ingress of objs.filter((o) => o.kind === 'Ingress')) {
        const delay = Number(ingress.metadata.annotations['alb.ingress.kubernetes.io/target-group-attributes']?.match(/deregistration_delay\.timeout_seconds=(\d+)/)?.[1]);
        assert.ok(delay >= SHUTDOWN_SECONDS.edge, `${ingress.metadata.name}: deregistration delay ${delay}s, the edge's requests may take ${SHUTDOWN_SECONDS.edge}s`);
      }
    });
    it("database connections at full scale fit Aurora's max_connections (80 %)", () => {
      const { instanceClass, limit } = auroraMaxConnections(env);
      const { total, parts } = connectionsAtFullScale(objs);
      assert.ok(total <= 0.8 * limit, `${total} connections (${parts.join(', ')}) against ${limit} on ${instanceClass}`);
    });
    it('PriorityClasses are ordinary resources, not hooks (a hook is deleted and recreated on every upgrade)', () => {
      for (const pc of objs.filter((o) => o.kind === 'PriorityClass')) assert.equal(pc.metadata.annotations?.['helm.sh/hook'], undefined, pc.metadata.name);
      for (const job of objs.filter((o) => o.kind === 'Job')) assert.equal(job.spec.template.spec.priorityClassName, undefined, `${job.metadata.name} names a PriorityClass that does not exist yet on a first install`);
    });
  });
}

describe('migrations without a master secret (migrations.masterSecret empty)', () => {
  it('no DatabaseAdmin, no migrations SecretStore: the service user creates its own database', () => {
    const objs = renderedManifests('dev-no-master-secret');
    assert.equal(byKindName(objs, 'SecretStore', 'aws-secrets-manager-migrations'), undefined);
    for (const svc of DATABASE_SERVICES) {
      const es = byKindName(objs, 'ExternalSecret', `${svc}-migration`);
      assert.deepEqual(Object.keys(es.spec.target.template.data), ['ConnectionStrings__Database']);
      assert.ok(!es.spec.data.some((d) => d.secretKey.startsWith('admin_')));
      const job = byKindName(objs, 'Job', `${svc}-migrate`);
      assert.ok(!job.spec.template.spec.containers[0].env.some((e) => e.name === 'ConnectionStrings__DatabaseAdmin'));
    }
  });
});

describe('Argo CD', () => {
  it('the HPA keeps the replica count: /spec/replicas ignored and RespectIgnoreDifferences=true', () => {
    assert.ok((argoApp.ignoreDifferences ?? []).some((d) => d.kind === 'Deployment' && (d.jsonPointers ?? []).includes('/spec/replicas')));
    assert.ok(argoApp.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true'));
  });
  it('Argo CD creates the namespace with its labels; values files load in the documented order', () => {
    assert.ok(argoApp.syncPolicy.syncOptions.includes('CreateNamespace=true'));
    assert.deepEqual(argoApp.source.helm.valueFiles, ['values-{{ .env }}.yaml', 'releases/{{ .env }}.yaml', 'infra/{{ .env }}.yaml']);
  });
});

describe('policy catches violations (mutated prod manifests)', () => {
  const fresh = () => structuredClone(renderedManifests('prod'));
  const expectViolation = (rule, mutate, pattern) => {
    const objs = fresh();
    mutate(objs);
    const found = rules[rule](objs, context);
    assert.ok(found.some((v) => pattern.test(v)), `expected a violation matching ${pattern}, got ${JSON.stringify(found)}`);
  };
  it('IP targets without pod readiness gates', () => {
    const namespaces = structuredClone(context.namespaces);
    delete namespaces[0].metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject'];
    const found = rules['with IP targets, the namespace has the load balancer controller inject pod readiness gates'](fresh(), { ...context, namespaces });
    assert.ok(found.some((v) => /pod-readiness-gate-inject/.test(v)), JSON.stringify(found));
  });
  it('a readiness probe that gives up before the health checks', () => {
    const objs = fresh();
    byKindName(objs, 'Deployment', 'cart').spec.template.spec.containers[0].readinessProbe.timeoutSeconds = HEALTH_CHECK_SECONDS.Ready;
    assert.match(probeProblems(objs).join('\n'), /cart: readiness timeout/);
  });
  it('an edge grace period shorter than its upstream read timeout', () => {
    const objs = fresh();
    byKindName(objs, 'Deployment', 'edge').spec.template.spec.terminationGracePeriodSeconds = 30;
    assert.match(shutdownProblems(objs).join('\n'), /edge: grace period 30s/);
  });
  it('a pool of 40 per replica in prod', () => {
    const objs = fresh();
    for (const svc of DATABASE_SERVICES) {
      const data = byKindName(objs, 'ExternalSecret', svc).spec.target.template.data;
      data.ConnectionStrings__Database = data.ConnectionStrings__Database.replace(/Maximum Pool Size=\d+/, 'Maximum Pool Size=40');
    }
    assert.ok(connectionsAtFullScale(objs).total > 0.8 * auroraMaxConnections('prod').limit);
  });
  it('cart reading the cache Redis secret', () => expectViolation('services whose data lives only in Redis use a Redis that never evicts',
    (o) => { for (const d of byKindName(o, 'ExternalSecret', 'cart').spec.data) d.remoteRef.key = d.remoteRef.key.replace('redis-state', 'redis-cache'); },
    /cart: Redis from bazaar\/prod\/redis-cache/));
  it('a missing readiness probe', () => expectViolation('every long-running container has startup, liveness and readiness probes',
    (o) => delete byKindName(o, 'Deployment', 'catalog').spec.template.spec.containers[0].readinessProbe, /catalog.*readinessProbe/));
  it('a container without a memory limit', () => expectViolation('every container has CPU and memory requests and limits',
    (o) => delete byKindName(o, 'Deployment', 'edge').spec.template.spec.containers[0].resources.limits.memory, /edge.*limits\.memory/));
  it('a writable root filesystem', () => expectViolation('every pod meets Pod Security "restricted" and has a read-only root filesystem',
    (o) => { byKindName(o, 'Deployment', 'ordering').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; }, /ordering.*readOnlyRootFilesystem/));
  it('privilege escalation allowed in a migration Job', () => expectViolation('every pod meets Pod Security "restricted" and has a read-only root filesystem',
    (o) => { byKindName(o, 'Job', 'payments-migrate').spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; }, /payments-migrate.*allowPrivilegeEscalation/));
  it('a capability added', () => expectViolation('every pod meets Pod Security "restricted" and has a read-only root filesystem',
    (o) => { byKindName(o, 'Deployment', 'risk').spec.template.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN']; }, /risk.*NET_ADMIN/));
  it('a mounted service account token', () => expectViolation('no pod mounts a service account token and every ServiceAccount disables automounting',
    (o) => { byKindName(o, 'Deployment', 'cart').spec.template.spec.automountServiceAccountToken = true; }, /Deployment\/cart/));
  it('a Deployment without an HPA', () => expectViolation('every Deployment has an HPA (CPU and memory, scale-down stabilisation) and a PDB',
    (o) => o.splice(o.indexOf(byKindName(o, 'HorizontalPodAutoscaler', 'payments')), 1), /payments: no HorizontalPodAutoscaler/));
  it('a Deployment without a PDB', () => expectViolation('every Deployment has an HPA (CPU and memory, scale-down stabilisation) and a PDB',
    (o) => o.splice(o.indexOf(byKindName(o, 'PodDisruptionBudget', 'identity')), 1), /identity: no PodDisruptionBudget/));
  it('maxUnavailable above 0', () => expectViolation('every Deployment rolls out with maxSurge 1, maxUnavailable 0 and spreads over zones and nodes',
    (o) => { byKindName(o, 'Deployment', 'edge').spec.strategy.rollingUpdate.maxUnavailable = 1; }, /edge: strategy/));
  it('the default-deny policy removed', () => expectViolation('network policies deny all ingress and egress by default',
    (o) => o.splice(o.indexOf(byKindName(o, 'NetworkPolicy', 'default-deny')), 1), /no NetworkPolicy/));
  it('a namespace enforcing only "baseline"', () => {
    const namespaces = structuredClone(context.namespaces);
    namespaces[0].metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
    const found = rules['the namespace enforces Pod Security "restricted" and has a quota and limit range'](fresh(), { ...context, namespaces });
    assert.ok(found.some((v) => /enforce is not restricted/.test(v)), JSON.stringify(found));
  });
  it('Argo CD managing the namespace without the labels', () => {
    const namespaces = structuredClone(context.namespaces);
    delete namespaces.at(-1).metadata.labels;
    const found = rules['the namespace enforces Pod Security "restricted" and has a quota and limit range'](fresh(), { ...context, namespaces });
    assert.ok(found.some((v) => /managedNamespaceMetadata.*enforce is not restricted/.test(v)), JSON.stringify(found));
  });
  it('a Namespace rendered by the chart', () => expectViolation('the namespace enforces Pod Security "restricted" and has a quota and limit range',
    (o) => { o.push({ kind: 'Namespace', metadata: { name: 'bazaar' } }); }, /rendered by the chart/));
  it('a PDB with minAvailable equal to the HPA minimum', () => expectViolation('no PodDisruptionBudget forbids every eviction at the HPA minimum',
    (o) => { const p = byKindName(o, 'PodDisruptionBudget', 'ordering').spec; delete p.maxUnavailable; p.minAvailable = 2; }, /ordering: minAvailable 2 with 2 replicas/));
  it('a PDB with maxUnavailable 0', () => expectViolation('no PodDisruptionBudget forbids every eviction at the HPA minimum',
    (o) => { byKindName(o, 'PodDisruptionBudget', 'edge').spec.maxUnavailable = 0; }, /edge: maxUnavailable 0/));
  it('a quota below the HPA maxima', () => expectViolation('the ResourceQuota fits every HPA at its maximum, a rollout surge and the migration Jobs',
    (o) => { byKindName(o, 'HorizontalPodAutoscaler', 'catalog').spec.maxReplicas = 60; }, /requests\.cpu is 72, the workloads need/));
  it('an image on :latest', () => expectViolation('images are pinned (a digest or a version tag, never latest)',
    (o) => { byKindName(o, 'Deployment', 'catalog').spec.template.spec.containers[0].image = 'bazaar/catalog:latest'; }, /catalog.*not pinned/));
  it('a migration Job that is not a hook', () => expectViolation('every database service has a pre-install/pre-upgrade migration Job running "migrate"',
    (o) => { delete byKindName(o, 'Job', 'risk-migrate').metadata.annotations['helm.sh/hook']; }, /risk-migrate: not a pre-install/));
  const ingressViolation = (mutate, pattern) => {
    const objs = fresh();
    mutate(byKindName(objs, 'Ingress', 'edge'));
    const found = ingressProblems(objs, 'prod');
    assert.ok(found.some((v) => pattern.test(v)), `expected a violation matching ${pattern}, got ${JSON.stringify(found)}`);
  };
  it('prod ALB without deletion protection', () => ingressViolation((i) => {
    const key = 'alb.ingress.kubernetes.io/load-balancer-attributes';
    i.metadata.annotations[key] = i.metadata.annotations[key].replace('deletion_protection.enabled=true', 'deletion_protection.enabled=false');
  }, /deletion_protection\.enabled is false/));
  it('an ALB that gives up on an idle connection before the edge answers', () => ingressViolation((i) => {
    i.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes'] += ',idle_timeout.timeout_seconds=30';
  }, /not below the ALB's idle timeout of 30s/));
  it('an Ingress outside the IngressGroup infra looks up', () => ingressViolation((i) => { delete i.metadata.annotations['alb.ingress.kubernetes.io/group.name']; }, /group\.name/));
  it('an Ingress without the health host rule', () => ingressViolation((i) => { i.spec.rules.pop(); }, /health\..*paths \[\]/));
  it('a health rule matching by prefix', () => ingressViolation((i) => { i.spec.rules.at(-1).http.paths[0].pathType = 'Prefix'; }, /health\./));
  it('an Ingress opting in to ExternalDNS', () => ingressViolation((i) => { i.metadata.annotations['bazaar.io/external-dns'] = 'true'; }, /external-dns/));
  it('an Ingress without the WAF ACL', () => expectViolation('the ALB Ingress has a certificate, the WAF ACL, the HTTPS redirect and a health check path',
    (o) => { delete byKindName(o, 'Ingress', 'edge').metadata.annotations['alb.ingress.kubernetes.io/wafv2-acl-arn']; }, /wafv2-acl-arn/));
});

describe('Redis that must not forget (mutated dev manifests: both Redis in the cluster)', () => {
  const evicting = 'services whose data lives only in Redis use a Redis that never evicts';
  const violations = (rule, mutate) => {
    const objs = structuredClone(renderedManifests('dev'));
    mutate(objs);
    return rules[rule](objs, context).join('\n');
  };
  const stateArgs = (objs) => byKindName(objs, 'StatefulSet', 'redis-state').spec.template.spec.containers[0].args;
  it('the state Redis evicting', () => assert.match(violations(evicting, (o) => {
    const args = stateArgs(o);
    args[args.indexOf('--maxmemory-policy') + 1] = 'allkeys-lru';
  }), /cart: StatefulSet\/redis-state runs with maxmemory-policy allkeys-lru/));
  it('the state Redis leaving its policy to the default', () => assert.match(violations(evicting, (o) => {
    const args = stateArgs(o);
    args.splice(args.indexOf('--maxmemory-policy'), 2);
  }), /risk: StatefulSet\/redis-state runs with no --maxmemory-policy/));
  it('risk connecting to the cache Redis', () => assert.match(violations(evicting, (o) => {
    byKindName(o, 'Deployment', 'risk').spec.template.spec.containers[0].env.find((e) => e.name === 'ConnectionStrings__Redis').value = 'redis-cache:6379';
  }), /risk: StatefulSet\/redis-cache runs with maxmemory-policy allkeys-lru/));
  it('a volume quota below the Redis volumes', () => assert.match(violations('the ResourceQuota fits every HPA at its maximum, a rollout surge and the migration Jobs',
    (o) => { byKindName(o, 'ResourceQuota', 'bazaar').spec.hard.persistentvolumeclaims = '1'; }), /persistentvolumeclaims is 1, the workloads need 2/));
});

describe("each service's Redis in the chart is the one infra lets it read", () => {
  // infra/modules/settings: redis_clients = { <service> = "cache" | "state", ... } (the IRSA grants follow it).
  const settings = fs.readFileSync(path.join(repoRoot, 'infra/modules/settings/main.tf'), 'utf8');
  const clients = Object.fromEntries([...settings.match(/redis_clients\s*=\s*\{([^}]*)\}/)[1].matchAll(/(\w+)\s*=\s*"(\w+)"/g)].map((m) => [m[1], m[2]]));
  it('finds the services whose data lives only in Redis among them, on the state Redis', () =>
    assert.deepEqual(REDIS_STATE_SERVICES.map((svc) => clients[svc]), REDIS_STATE_SERVICES.map(() => 'state'), JSON.stringify(clients)));
  for (const env of ['staging', 'prod']) {
    it(`${env}: the ExternalSecrets read those secrets`, () => {
      const objs = renderedManifests(env);
      for (const [svc, role] of Object.entries(clients)) {
        const keys = byKindName(objs, 'ExternalSecret', svc).spec.data.filter((d) => d.secretKey.startsWith('redis_')).map((d) => d.remoteRef.key);
        assert.deepEqual([...new Set(keys)], [`bazaar/${env}/redis-${role}`], svc);
      }
    });
  }
});
