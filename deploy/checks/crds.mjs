// Structural checks for the custom resources the chart and deploy/argocd render. No schema of these CRDs is
// available offline (no apiserver, no kubeconform schemas), so each check encodes the fields we rely on: the
// required ones, the allowed keys where a typo would silently do nothing, and the value shapes.
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checker(kindLabel) {
  const problems = [];
  const at = (p, msg) => problems.push(`${kindLabel}: ${p}: ${msg}`);
  return {
    problems,
    object(p, v) { if (!isObject(v)) { at(p, 'must be an object'); return false; } return true; },
    string(p, v) { if (typeof v !== 'string' || v === '') { at(p, 'must be a non-empty string'); return false; } return true; },
    array(p, v, min = 1) { if (!Array.isArray(v) || v.length < min) { at(p, `must be a list with at least ${min} item(s)`); return false; } return true; },
    keys(p, v, allowed) { if (isObject(v)) for (const k of Object.keys(v)) if (!allowed.includes(k)) at(p, `unknown field "${k}" (allowed: ${allowed.join(', ')})`); },
    oneOf(p, v, values) { if (!values.includes(v)) at(p, `must be one of ${values.join(', ')}, not ${JSON.stringify(v)}`); },
    fail: at,
  };
}

const CHECKS = {
  'monitoring.coreos.com/v1/ServiceMonitor'(spec, c) {
    if (!c.object('spec', spec)) return;
    c.keys('spec', spec, ['selector', 'namespaceSelector', 'endpoints', 'jobLabel', 'targetLabels', 'podTargetLabels', 'sampleLimit']);
    c.object('spec.selector', spec.selector);
    if (c.array('spec.endpoints', spec.endpoints)) spec.endpoints.forEach((e, i) => {
      c.keys(`spec.endpoints[${i}]`, e, ['port', 'targetPort', 'path', 'scheme', 'interval', 'scrapeTimeout', 'honorLabels', 'relabelings', 'metricRelabelings', 'tlsConfig']);
      if (!e.port && !e.targetPort) c.fail(`spec.endpoints[${i}]`, 'needs port or targetPort');
      if (e.interval && !/^\d+[smh]$/.test(e.interval)) c.fail(`spec.endpoints[${i}].interval`, 'must be a duration like 30s');
    });
  },
  'monitoring.coreos.com/v1/PrometheusRule'(spec, c) {
    if (!c.object('spec', spec)) return;
    c.keys('spec', spec, ['groups']);
    if (c.array('spec.groups', spec.groups)) spec.groups.forEach((g, i) => {
      c.keys(`spec.groups[${i}]`, g, ['name', 'interval', 'rules', 'limit', 'partial_response_strategy']);
      c.string(`spec.groups[${i}].name`, g.name);
      if (c.array(`spec.groups[${i}].rules`, g.rules)) g.rules.forEach((r, j) => {
        const p = `spec.groups[${i}].rules[${j}]`;
        c.keys(p, r, ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
        if (!!r.record === !!r.alert) c.fail(p, 'needs exactly one of record and alert');
        c.string(`${p}.expr`, r.expr);
      });
    });
  },
  'external-secrets.io/v1/ExternalSecret'(spec, c) {
    if (!c.object('spec', spec)) return;
    c.keys('spec', spec, ['refreshInterval', 'secretStoreRef', 'target', 'data', 'dataFrom']);
    if (c.object('spec.secretStoreRef', spec.secretStoreRef)) {
      c.string('spec.secretStoreRef.name', spec.secretStoreRef.name);
      c.oneOf('spec.secretStoreRef.kind', spec.secretStoreRef.kind, ['SecretStore', 'ClusterSecretStore']);
    }
    if (c.object('spec.target', spec.target)) {
      c.keys('spec.target', spec.target, ['name', 'creationPolicy', 'deletionPolicy', 'template', 'immutable']);
      c.string('spec.target.name', spec.target.name);
      if (spec.target.creationPolicy) c.oneOf('spec.target.creationPolicy', spec.target.creationPolicy, ['Owner', 'Orphan', 'Merge', 'None']);
      if (spec.target.deletionPolicy) c.oneOf('spec.target.deletionPolicy', spec.target.deletionPolicy, ['Delete', 'Merge', 'Retain']);
    }
    const keys = new Set();
    if (c.array('spec.data', spec.data)) spec.data.forEach((d, i) => {
      c.keys(`spec.data[${i}]`, d, ['secretKey', 'remoteRef', 'sourceRef']);
      c.string(`spec.data[${i}].secretKey`, d.secretKey);
      keys.add(d.secretKey);
      if (c.object(`spec.data[${i}].remoteRef`, d.remoteRef)) {
        c.keys(`spec.data[${i}].remoteRef`, d.remoteRef, ['key', 'property', 'version', 'decodingStrategy', 'conversionStrategy', 'metadataPolicy']);
        c.string(`spec.data[${i}].remoteRef.key`, d.remoteRef.key);
      }
    });
    // Every {{ .name }} the template uses must be fetched by spec.data.
    for (const [k, v] of Object.entries(spec.target?.template?.data ?? {})) {
      for (const m of String(v).matchAll(/\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}/g)) {
        if (!keys.has(m[1])) c.fail(`spec.target.template.data.${k}`, `uses .${m[1]}, which spec.data does not fetch`);
      }
    }
  },
  'external-secrets.io/v1/SecretStore'(spec, c) {
    if (!c.object('spec', spec) || !c.object('spec.provider', spec.provider)) return;
    c.keys('spec.provider', spec.provider, ['aws']);
    const aws = spec.provider.aws;
    if (c.object('spec.provider.aws', aws)) {
      c.keys('spec.provider.aws', aws, ['service', 'region', 'auth', 'role']);
      c.oneOf('spec.provider.aws.service', aws.service, ['SecretsManager', 'ParameterStore']);
      c.string('spec.provider.aws.region', aws.region);
    }
  },
  'argoproj.io/v1alpha1/ApplicationSet'(spec, c) {
    if (!c.object('spec', spec)) return;
    c.array('spec.generators', spec.generators);
    const app = spec.template?.spec;
    if (!c.object('spec.template.spec', app)) return;
    c.keys('spec.template.spec', app, ['project', 'source', 'sources', 'destination', 'syncPolicy', 'ignoreDifferences', 'revisionHistoryLimit']);
    c.string('spec.template.spec.project', app.project);
    if (c.object('spec.template.spec.source', app.source)) {
      c.string('spec.template.spec.source.repoURL', app.source.repoURL);
      c.string('spec.template.spec.source.path', app.source.path);
    }
    c.object('spec.template.spec.destination', app.destination);
  },
  'argoproj.io/v1alpha1/AppProject'(spec, c) {
    if (!c.object('spec', spec)) return;
    c.array('spec.sourceRepos', spec.sourceRepos);
    if (c.array('spec.destinations', spec.destinations)) spec.destinations.forEach((d, i) => {
      c.keys(`spec.destinations[${i}]`, d, ['name', 'server', 'namespace']);
      c.string(`spec.destinations[${i}].namespace`, d.namespace);
    });
  },
};

/** Problems of one custom resource, or null when its kind is not a custom kind we know. */
export function checkCustomResource(obj) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const check = CHECKS[key];
  if (!check) return null;
  const c = checker(`${obj.kind}/${obj.metadata?.name ?? '?'}`);
  if (!obj.metadata?.name) c.fail('metadata.name', 'is required');
  check(obj.spec, c);
  return c.problems;
}
