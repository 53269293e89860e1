// The observability assets stay consistent: generated files are up to date, every alert has a runbook it links to,
// the chart ships every rule file and dashboard, and the edge image renders the one nginx template.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, loadYamlDocuments, renderedManifests } from './lib.mjs';
import { staleFiles } from '../../monitoring/generate.mjs';

const ruleFiles = fs.readdirSync(path.join(repoRoot, 'monitoring/rules')).filter((f) => f.endsWith('.yml'));
const alerts = ruleFiles.flatMap((f) => loadYamlDocuments(path.join(repoRoot, 'monitoring/rules', f))[0].groups
  .flatMap((g) => g.rules.filter((r) => r.alert).map((r) => ({ file: f, ...r }))));

describe('monitoring assets', () => {
  it('generated dashboards and rules are up to date (none stale or orphaned) with scripts/services.sh and monitoring/generate.mjs', () => {
    // The generator's own --check: content differences and orphaned service dashboards.
    const stale = staleFiles().map(({ rel, reason }) => `${rel} (${reason})`);
    assert.deepEqual(stale, [], 'run: node monitoring/generate.mjs');
  });
  it('every alert has a severity, a summary and a runbook_url pointing at docs/runbooks/<alert>.md, which exists', () => {
    for (const a of alerts) {
      assert.match(a.labels?.severity ?? '', /^(page|ticket)$/, `${a.alert}: severity`);
      assert.ok(a.annotations?.summary, `${a.alert}: summary`);
      assert.ok(String(a.annotations?.runbook_url).endsWith(`/docs/runbooks/${a.alert}.md`), `${a.alert}: runbook_url`);
      assert.ok(fs.existsSync(path.join(repoRoot, 'docs/runbooks', `${a.alert}.md`)), `docs/runbooks/${a.alert}.md is missing`);
    }
  });
  it('the alerts the issue asks for exist', () => {
    const names = new Set(alerts.map((a) => a.alert));
    for (const n of ['CheckoutAvailabilityBudgetBurn', 'CheckoutLatencyBudgetBurn', 'CatalogAvailabilityBudgetBurn', 'CatalogLatencyBudgetBurn',
      'ServiceHighErrorRate', 'PodRestartLoop', 'HpaAtMaximum', 'ContainerMemoryNearLimit', 'OrdersStuckInCheckout', 'PaymentDeclineSpike', 'RiskDeclineSpike']) {
      assert.ok(names.has(n), `no alert ${n}`);
    }
  });
  it('every alert has a promtool unit test that expects it to fire (an alert_rule_test with non-empty exp_alerts)', () => {
    const dir = path.join(repoRoot, 'monitoring/tests');
    const ruleTests = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'))
      .flatMap((f) => loadYamlDocuments(path.join(dir, f)).flatMap((d) => d.tests ?? []))
      .flatMap((t) => t.alert_rule_test ?? []);
    const firing = new Set(ruleTests.filter((t) => Array.isArray(t.exp_alerts) && t.exp_alerts.length).map((t) => t.alertname));
    const missing = [...new Set(alerts.map((x) => x.alert))].filter((a) => !firing.has(a));
    assert.deepEqual(missing, [], 'alerts with no alert_rule_test expecting them to fire');
  });
  it('the chart ships every rule file as a PrometheusRule (for a cluster with its own Prometheus) and every dashboard as a sidecar ConfigMap', () => {
    // EKS environments turn PrometheusRules off (AMP evaluates monitoring/rules, loaded by infra); the render with
    // monitoring.prometheusRules=true is the chart for a cluster that runs its own Prometheus Operator.
    const rules = renderedManifests('dev-own-prometheus').filter((o) => o.kind === 'PrometheusRule').map((o) => o.metadata.name).sort();
    assert.deepEqual(rules, ruleFiles.map((f) => `bazaar-${f.replace(/\.yml$/, '')}`).sort());
    const objs = renderedManifests('prod');
    const dashboards = fs.readdirSync(path.join(repoRoot, 'monitoring/dashboards')).filter((f) => f.endsWith('.json'));
    for (const d of dashboards) {
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.data?.[d]);
      assert.ok(cm, `no ConfigMap carries ${d}`);
      assert.equal(cm.metadata.labels.grafana_dashboard, '1');
      assert.deepEqual(JSON.parse(cm.data[d]), JSON.parse(fs.readFileSync(path.join(repoRoot, 'monitoring/dashboards', d), 'utf8')));
    }
  });
  it('the edge image renders the one nginx template with scripts/render-edge.sh', () => {
    const dockerfile = fs.readFileSync(path.join(repoRoot, 'deploy/docker/edge.Dockerfile'), 'utf8');
    assert.match(dockerfile, /COPY deploy\/edge\/ deploy\/edge\//);
    assert.match(dockerfile, /RUN scripts\/render-edge\.sh .*--upstream '\{name\}:8080'/s);
  });
});

describe('ADOT collector configuration', () => {
  const config = loadYamlDocuments(path.join(repoRoot, 'monitoring/otel/adot-collector.yaml'))[0];
  it('every pipeline uses only defined receivers, processors and exporters, and every extension is defined', () => {
    for (const [pipeline, p] of Object.entries(config.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters']) {
        for (const c of p[kind] ?? []) assert.ok(c in (config[kind] ?? {}), `${pipeline}: ${kind} ${c} is not defined`);
      }
    }
    for (const e of config.service.extensions) assert.ok(e in config.extensions, `extension ${e} is not defined`);
  });
  it('metrics go to AMP signed with sigv4, traces to X-Ray, logs to CloudWatch, all from OTLP', () => {
    const { metrics, traces, logs } = config.service.pipelines;
    for (const p of [metrics, traces, logs]) assert.ok(p.receivers.includes('otlp'));
    assert.deepEqual(metrics.exporters, ['prometheusremotewrite']);
    assert.equal(config.exporters.prometheusremotewrite.auth.authenticator, 'sigv4auth');
    assert.deepEqual(traces.exporters, ['awsxray']);
    assert.deepEqual(logs.exporters, ['awscloudwatchlogs']);
  });
  it('AMP series carry job="<service>" like the rules: service.namespace is dropped before prometheusremotewrite', () => {
    const { metrics } = config.service.pipelines;
    const deletes = metrics.processors.filter((p) => p.startsWith('resource')).flatMap((p) => config.processors[p].attributes ?? [])
      .some((a) => a.key === 'service.namespace' && a.action === 'delete');
    assert.ok(deletes, 'the metrics pipeline keeps service.namespace: AMP would get job="bazaar/<service>"');
    assert.equal(config.exporters.prometheusremotewrite.resource_to_telemetry_conversion?.enabled, false);
  });
  it("every ${env:...} the collector reads is set by infra's Helm release; logs go to infra's log group", () => {
    const addons = fs.readFileSync(path.join(repoRoot, 'infra/modules/cluster-addons/main.tf'), 'utf8');
    const release = addons.slice(addons.indexOf('resource "helm_release" "adot_collector"'));
    const block = release.slice(0, release.indexOf('\n}\n'));
    const set = new Set([...block.matchAll(/\{\s*name\s*=\s*"([A-Z_][A-Z0-9_]*)"/g)].map((m) => m[1]));
    const text = fs.readFileSync(path.join(repoRoot, 'monitoring/otel/adot-collector.yaml'), 'utf8').replace(/^\s*#.*$/gm, '');
    const read = [...new Set([...text.matchAll(/\$\{env:([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]))];
    assert.deepEqual(read.filter((v) => !set.has(v)), [], 'read by the collector, not set in extraEnvs');
    assert.match(block, /name = "BAZAAR_LOG_GROUP", value = var\.application_log_group/);
    assert.equal(config.exporters.awscloudwatchlogs.log_group_name, '${env:BAZAAR_LOG_GROUP}');
    assert.match(block, /namespace\s*=\s*"observability"/);
    assert.match(block, /clusterRole = \{\s*create = true/, 'the prometheus/up receiver needs a ClusterRole to discover pods');
    const identity = fs.readFileSync(path.join(repoRoot, 'infra/modules/workload-identity/main.tf'), 'utf8');
    assert.match(identity, /resource "aws_eks_pod_identity_association" "adot" \{\s*for_each = \{\s*observability = "adot-collector"/, 'Pod Identity for observability/adot-collector');
  });
  it('up{job="<service>"} comes from a scrape that keeps nothing else (no double series next to OTLP)', () => {
    const scrape = config.receivers['prometheus/up'].config.scrape_configs[0];
    assert.ok(config.service.pipelines.metrics.receivers.includes('prometheus/up'));
    assert.ok(scrape.relabel_configs.some((r) => r.target_label === 'job' && r.source_labels[0] === '__meta_kubernetes_pod_label_app_kubernetes_io_name'));
    assert.ok(scrape.metric_relabel_configs.some((r) => r.action === 'drop' && r.regex === '.+'));
  });
  it('the EKS environments leave service scraping to the collector (no ServiceMonitors next to OTLP)', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      assert.equal(renderedManifests(env).filter((o) => o.kind === 'ServiceMonitor').length, 0, env);
    }
  });
});
