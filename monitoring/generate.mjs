#!/usr/bin/env node
// Generates the Grafana dashboards (monitoring/dashboards/*.json) and the service-level rule files
// (monitoring/rules/slo.yml, monitoring/rules/services.yml) from scripts/services.sh, so a new service gets its
// dashboard and alerts by joining that list. The output is committed; the deploy checks regenerate it and fail on
// any difference.
//
//   node monitoring/generate.mjs            write the files
//   node monitoring/generate.mjs --check    exit 1 and list the files that differ from what would be generated
//
// Metric names follow src/ServiceDefaults/Telemetry/PrometheusMetrics.cs: the instrument name with dots as
// underscores, the unit as a suffix (_seconds, _bytes), _total on counters. Every series carries job=<service>
// (local Prometheus: monitoring/prometheus; cluster: the ServiceMonitor names the job after the Service).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The one parser of scripts/services.sh (the deploy checks use it too); it needs no validator packages.
import { readServices } from '../deploy/checks/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HTTP = 'http_server_request_duration_seconds';
const NOT_PLUMBING = 'http_route!~"/health/.*|/metrics"';
const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

// Service-level objectives over 30 days. "bad" counts failing requests; for latency, requests slower than the
// threshold (a histogram bucket boundary the exporter has: 0.5 and 2.5 are in its default buckets).
export const SLOS = [
  {
    id: 'checkout-availability', alert: 'CheckoutAvailabilityBudgetBurn', objective: 0.999,
    what: 'checkouts (POST /api/v1/orders) answered without a server error',
    total: `${HTTP}_count{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`,
    bad: `${HTTP}_count{job="ordering",http_route="/api/v1/orders",http_request_method="POST",http_response_status_code=~"5.."}`,
  },
  {
    id: 'checkout-latency', alert: 'CheckoutLatencyBudgetBurn', objective: 0.99,
    what: 'checkouts answered within 2.5 s',
    total: `${HTTP}_count{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`,
    good: `${HTTP}_bucket{job="ordering",http_route="/api/v1/orders",http_request_method="POST",le="2.5"}`,
  },
  {
    id: 'catalog-availability', alert: 'CatalogAvailabilityBudgetBurn', objective: 0.999,
    what: 'catalog requests answered without a server error',
    total: `${HTTP}_count{job="catalog",${NOT_PLUMBING}}`,
    bad: `${HTTP}_count{job="catalog",${NOT_PLUMBING},http_response_status_code=~"5.."}`,
  },
  {
    id: 'catalog-latency', alert: 'CatalogLatencyBudgetBurn', objective: 0.99,
    what: 'catalog requests answered within 500 ms',
    total: `${HTTP}_count{job="catalog",${NOT_PLUMBING}}`,
    good: `${HTTP}_bucket{job="catalog",${NOT_PLUMBING},le="0.5"}`,
  },
];

const RUNBOOKS = 'https://github.com/bazaar-shop/bazaar/blob/main/docs/runbooks';

// ---------------------------------------------------------------------------------------------------------------
// Rules (YAML written by hand: a fixed, small shape, so no YAML library is needed here)

/** A YAML single-quoted scalar: PromQL's double quotes stay readable. */
const sq = (text) => `'${String(text).replaceAll("'", "''")}'`;

function yamlRule(rule) {
  const lines = [];
  const key = rule.record ? 'record' : 'alert';
  lines.push(`      - ${key}: ${rule.record ?? rule.alert}`);
  lines.push(`        expr: ${sq(rule.expr)}`);
  if (rule.for) lines.push(`        for: ${rule.for}`);
  for (const section of ['labels', 'annotations']) {
    if (!rule[section]) continue;
    lines.push(`        ${section}:`);
    for (const [k, v] of Object.entries(rule[section])) lines.push(`          ${k}: ${sq(v)}`);
  }
  return lines.join('\n');
}

function yamlRuleFile(header, groups) {
  const out = [...header.map((l) => `# ${l}`.trimEnd()), 'groups:'];
  for (const group of groups) {
    out.push(`  - name: ${group.name}`);
    if (group.interval) out.push(`    interval: ${group.interval}`);
    out.push('    rules:');
    for (const rule of group.rules) out.push(yamlRule(rule));
  }
  return out.join('\n') + '\n';
}

function errorRatio(slo, window) {
  const total = `sum(rate(${slo.total}[${window}]))`;
  return slo.bad
    ? `sum(rate(${slo.bad}[${window}])) / ${total}`
    : `(${total} - sum(rate(${slo.good}[${window}]))) / ${total}`;
}

export function sloRules() {
  const groups = [];
  for (const slo of SLOS) {
    const budget = +(1 - slo.objective).toFixed(6);
    const ratio = (w) => `slo:error_ratio:rate${w}{slo="${slo.id}"}`;
    const burn = (factor, long, short) => `(${ratio(long)} > ${factor} * ${budget} and ${ratio(short)} > ${factor} * ${budget})`;
    const annotations = (speed) => ({
      summary: `${slo.id}: the 30-day error budget is burning ${speed}`,
      description: `SLO: ${slo.objective * 100}% of ${slo.what}, over 30 days. The error ratio is on the overview dashboard.`,
      runbook_url: `${RUNBOOKS}/${slo.alert}.md`,
    });
    groups.push({
      name: `slo-${slo.id}`,
      rules: [
        ...SLO_WINDOWS.map((w) => ({ record: 'slo:error_ratio:rate' + w, expr: errorRatio(slo, w), labels: { slo: slo.id } })),
        {
          // Fast burn: 2% of the budget in an hour, or 5% in six hours (Google SRE workbook, multiwindow multi-burn-rate).
          alert: slo.alert, expr: `${burn(14.4, '1h', '5m')} or ${burn(6, '6h', '30m')}`, for: '2m',
          labels: { severity: 'page', slo: slo.id }, annotations: annotations('fast'),
        },
        {
          // Slow burn: 10% of the budget in three days.
          alert: slo.alert, expr: `${burn(3, '1d', '2h')} or ${burn(1, '3d', '6h')}`, for: '15m',
          labels: { severity: 'ticket', slo: slo.id }, annotations: annotations('slowly'),
        },
      ],
    });
  }
  return yamlRuleFile(
    ['Generated by monitoring/generate.mjs from its SLOS list; edit that, then run it. Checked for drift.',
      'Multiwindow, multi-burn-rate alerts on 30-day SLOs; the tests are in monitoring/tests/slo.test.yml.'],
    groups,
  );
}

export function serviceRules(services) {
  const jobs = services.map((s) => s.name).join('|');
  const rules = [
    {
      alert: 'ServiceDown',
      expr: `up{job=~"${jobs}"} == 0`,
      for: '3m',
      labels: { severity: 'page' },
      annotations: {
        summary: '{{ $labels.job }} instance {{ $labels.instance }} cannot be scraped',
        description: 'Prometheus has not reached /metrics of {{ $labels.job }} on {{ $labels.instance }} for 3 minutes.',
        runbook_url: `${RUNBOOKS}/ServiceDown.md`,
      },
    },
    {
      alert: 'ServiceHighErrorRate',
      expr: `(sum by (job) (rate(${HTTP}_count{job=~"${jobs}",http_response_status_code=~"5.."}[5m])) / sum by (job) (rate(${HTTP}_count{job=~"${jobs}"}[5m]))) > 0.05 and sum by (job) (rate(${HTTP}_count{job=~"${jobs}"}[5m])) > 0.2`,
      for: '10m',
      labels: { severity: 'page' },
      annotations: {
        summary: '{{ $labels.job }} answers more than 5% of requests with a server error',
        description: '{{ $value | humanizePercentage }} of {{ $labels.job }} requests failed with 5xx over the last 5 minutes.',
        runbook_url: `${RUNBOOKS}/ServiceHighErrorRate.md`,
      },
    },
    {
      alert: 'ServiceCallsRefused',
      expr: `sum by (job, server_address) (rate(http_client_request_duration_seconds_count{job=~"${jobs}",http_response_status_code=~"401|403",server_address!="edge"}[5m])) > 0`,
      for: '10m',
      labels: { severity: 'page' },
      annotations: {
        summary: '{{ $labels.job }} has its calls to {{ $labels.server_address }} turned away as unauthorised',
        description:
          '{{ $value | printf "%.2f" }} calls a second from {{ $labels.job }} to {{ $labels.server_address }} got 401 or 403 over the last 5 minutes. They count as unanswered: carts show no prices, checkouts do not start, the saga sweeper keeps retrying.',
        runbook_url: `${RUNBOOKS}/ServiceCallsRefused.md`,
      },
    },
    {
      alert: 'DatabasePoolSaturation',
      expr: `sum by (job, instance) (db_client_connection_count{job=~"${jobs}",db_client_connection_state="used"}) / sum by (job, instance) (db_client_connection_max{job=~"${jobs}"}) > 0.9`,
      for: '10m',
      labels: { severity: 'ticket' },
      annotations: {
        summary: '{{ $labels.job }} on {{ $labels.instance }} uses over 90% of its database connections',
        description: 'The Npgsql pool is {{ $value | humanizePercentage }} busy; requests will queue for a connection.',
        runbook_url: `${RUNBOOKS}/DatabasePoolSaturation.md`,
      },
    },
    {
      alert: 'ThreadPoolStarvation',
      expr: `max by (job, instance) (dotnet_thread_pool_queue_length{job=~"${jobs}"}) > 100`,
      for: '5m',
      labels: { severity: 'ticket' },
      annotations: {
        summary: '{{ $labels.job }} on {{ $labels.instance }} has a growing .NET thread-pool queue',
        description: '{{ $value }} work items are waiting for a thread-pool thread.',
        runbook_url: `${RUNBOOKS}/ThreadPoolStarvation.md`,
      },
    },
  ];
  return yamlRuleFile(
    ['Generated by monitoring/generate.mjs for every service in scripts/services.sh; edit the generator, then run it.',
      'Availability and saturation of the services themselves; the tests are in monitoring/tests/services.test.yml.'],
    [{ name: 'bazaar-services', rules }],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Dashboards (Grafana provisioning JSON: no __inputs; the data source is a variable)

const DS = { type: 'prometheus', uid: '${datasource}' };

function dashboard(uid, title, description, panels, extraVariables = []) {
  let id = 1;
  const laidOut = [];
  let x = 0, y = 0, rowHeight = 0;
  for (const p of panels) {
    if (p.type === 'row') {
      if (x > 0) { y += rowHeight; x = 0; rowHeight = 0; }
      laidOut.push({ id: id++, type: 'row', title: p.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      continue;
    }
    const w = p.w ?? 12, h = p.h ?? 8;
    if (x + w > 24) { y += rowHeight; x = 0; rowHeight = 0; }
    laidOut.push({
      id: id++,
      type: p.type ?? 'timeseries',
      title: p.title,
      description: p.description ?? '',
      datasource: DS,
      gridPos: { h, w, x, y },
      fieldConfig: { defaults: { unit: p.unit ?? 'short', ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) }, overrides: [] },
      options: p.type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
        : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
      targets: p.targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, expr, legendFormat, range: true })),
    });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return {
    uid,
    title,
    description,
    tags: ['bazaar'],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    annotations: { list: [] },
    links: [{ title: 'Bazaar dashboards', type: 'dashboards', tags: ['bazaar'], asDropdown: true, icon: 'external link', includeVars: false, keepTime: true, targetBlank: false, tooltip: '', url: '' }],
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0, refresh: 1, options: [] },
        ...extraVariables,
      ],
    },
    panels: laidOut,
  };
}

const rate = (selector, by) => `sum by (${by}) (rate(${selector}[$__rate_interval]))`;
const quantile = (q, selector, by) => `histogram_quantile(${q}, sum by (le, ${by}) (rate(${selector}[$__rate_interval])))`;

function redDashboard(service) {
  const job = `job="${service.name}"`;
  const sel = `{${job},${NOT_PLUMBING}}`;
  const errSel = `{${job},${NOT_PLUMBING},http_response_status_code=~"5.."}`;
  return dashboard(`bazaar-${service.name}`, `Bazaar / ${service.name}`,
    `Rate, errors and duration by route for ${service.name}, then its saturation (CPU, memory, thread pool, database pool). Generated by monitoring/generate.mjs.`,
    [
      { type: 'row', title: 'Rate, errors, duration' },
      { title: 'Requests per second by route', unit: 'reqps', targets: [[rate(`${HTTP}_count${sel}`, 'http_route'), '{{http_route}}']] },
      { title: 'Responses by status code', unit: 'reqps', targets: [[rate(`${HTTP}_count${sel}`, 'http_response_status_code'), '{{http_response_status_code}}']] },
      { title: 'Server error ratio by route', unit: 'percentunit', min: 0, targets: [[`${rate(`${HTTP}_count${errSel}`, 'http_route')} / ${rate(`${HTTP}_count${sel}`, 'http_route')}`, '{{http_route}}']] },
      { title: 'p95 duration by route', unit: 's', targets: [[quantile(0.95, `${HTTP}_bucket${sel}`, 'http_route'), '{{http_route}}']] },
      { title: 'Duration quantiles (all routes)', unit: 's', targets: [
        [quantile(0.5, `${HTTP}_bucket${sel}`, 'job'), 'p50'],
        [quantile(0.95, `${HTTP}_bucket${sel}`, 'job'), 'p95'],
        [quantile(0.99, `${HTTP}_bucket${sel}`, 'job'), 'p99'],
      ] },
      { title: 'Calls to other services: p95 by server', unit: 's', targets: [[quantile(0.95, `http_client_request_duration_seconds_bucket{${job}}`, 'server_address'), '{{server_address}}']] },
      { type: 'row', title: 'Saturation' },
      { title: 'CPU (cores) by instance', unit: 'short', w: 8, targets: [[rate(`dotnet_process_cpu_time_seconds_total{${job}}`, 'instance'), '{{instance}}']] },
      { title: 'Working set by instance', unit: 'bytes', w: 8, targets: [[`sum by (instance) (dotnet_process_memory_working_set_bytes{${job}})`, '{{instance}}']] },
      { title: 'Thread-pool queue length', unit: 'short', w: 8, targets: [[`sum by (instance) (dotnet_thread_pool_queue_length{${job}})`, '{{instance}}']] },
      { title: 'Database connections in use / max', unit: 'short', w: 12, targets: [
        [`sum by (instance) (db_client_connection_count{${job},db_client_connection_state="used"})`, 'used {{instance}}'],
        [`sum by (instance) (db_client_connection_max{${job}})`, 'max {{instance}}'],
      ] },
      { title: 'Database operation p95', unit: 's', w: 12, targets: [[quantile(0.95, `db_client_operation_duration_seconds_bucket{${job}}`, 'instance'), '{{instance}}']] },
      { title: 'Requests rejected by rate limiting', unit: 'reqps', w: 12, targets: [[rate(`aspnetcore_rate_limiting_requests_total{${job},aspnetcore_rate_limiting_result!="acquired"}`, 'aspnetcore_rate_limiting_result'), '{{aspnetcore_rate_limiting_result}}']] },
      { title: 'GC collections per second by generation', unit: 'short', w: 12, targets: [[rate(`dotnet_gc_collections_total{${job}}`, 'dotnet_gc_heap_generation'), '{{dotnet_gc_heap_generation}}']] },
    ]);
}

function overviewDashboard(services) {
  const jobs = `job=~"${services.map((s) => s.name).join('|')}"`;
  const sel = `{${jobs},${NOT_PLUMBING}}`;
  return dashboard('bazaar-overview', 'Bazaar / Platform overview',
    'Every service at a glance: traffic, server errors, latency, availability, replicas and restarts. Generated by monitoring/generate.mjs.',
    [
      { type: 'stat', title: 'Checkout SLO: error ratio (1h)', unit: 'percentunit', w: 6, h: 5, targets: [['slo:error_ratio:rate1h{slo="checkout-availability"}', 'checkout']] },
      { type: 'stat', title: 'Catalog SLO: error ratio (1h)', unit: 'percentunit', w: 6, h: 5, targets: [['slo:error_ratio:rate1h{slo="catalog-availability"}', 'catalog']] },
      { type: 'stat', title: 'Targets up', unit: 'short', w: 6, h: 5, targets: [[`sum(up{${jobs}})`, 'up']] },
      { type: 'stat', title: 'Requests per second', unit: 'reqps', w: 6, h: 5, targets: [[`sum(rate(${HTTP}_count${sel}[$__rate_interval]))`, 'all']] },
      { title: 'Requests per second by service', unit: 'reqps', targets: [[rate(`${HTTP}_count${sel}`, 'job'), '{{job}}']] },
      { title: 'Server error ratio by service', unit: 'percentunit', min: 0, targets: [[`${rate(`${HTTP}_count{${jobs},${NOT_PLUMBING},http_response_status_code=~"5.."}`, 'job')} / ${rate(`${HTTP}_count${sel}`, 'job')}`, '{{job}}']] },
      { title: 'p95 duration by service', unit: 's', targets: [[quantile(0.95, `${HTTP}_bucket${sel}`, 'job'), '{{job}}']] },
      { title: 'Up instances by service', unit: 'short', targets: [[`sum by (job) (up{${jobs}})`, '{{job}}']] },
      { title: 'Replicas: current and maximum (HPA)', unit: 'short', targets: [
        ['sum by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace=~"bazaar.*"})', '{{horizontalpodautoscaler}}'],
        ['sum by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"bazaar.*"})', 'max {{horizontalpodautoscaler}}'],
      ] },
      { title: 'Container restarts (1h)', unit: 'short', targets: [['sum by (container) (increase(kube_pod_container_status_restarts_total{namespace=~"bazaar.*"}[1h]))', '{{container}}']] },
      { title: 'CPU by service (cores)', unit: 'short', targets: [[rate(`dotnet_process_cpu_time_seconds_total{${jobs}}`, 'job'), '{{job}}']] },
      { title: 'Working set by service', unit: 'bytes', targets: [[`sum by (job) (dotnet_process_memory_working_set_bytes{${jobs}})`, '{{job}}']] },
    ]);
}

function checkoutDashboard() {
  const orders = `${HTTP}_count{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`;
  return dashboard('bazaar-checkout', 'Bazaar / Checkout and business',
    'The checkout funnel (placed, reserved, assessed, authorized, confirmed) and the business figures: orders, revenue, payment declines, risk decisions, expired reservations. Generated by monitoring/generate.mjs.',
    [
      { type: 'stat', title: 'Orders confirmed (24h)', unit: 'short', w: 6, h: 5, targets: [['sum(increase(bazaar_ordering_checkouts_total{outcome="confirmed"}[24h]))', 'confirmed']] },
      { type: 'stat', title: 'Checkout success ratio (1h)', unit: 'percentunit', w: 6, h: 5, targets: [['sum(rate(bazaar_ordering_checkouts_total{outcome="confirmed"}[1h])) / sum(rate(bazaar_ordering_checkouts_total[1h]))', 'confirmed']] },
      { type: 'stat', title: 'Payment decline ratio (1h)', unit: 'percentunit', w: 6, h: 5, targets: [['sum(rate(bazaar_payments_operations_total{kind="authorization",status="failed"}[1h])) / sum(rate(bazaar_payments_operations_total{kind="authorization"}[1h]))', 'declined']] },
      {
        type: 'stat', title: 'Revenue (24h, minor units)', unit: 'short', w: 6, h: 5,
        description: 'Totals of the orders confirmed in the last 24 hours, per currency, in minor units (cents): the counter bazaar.ordering.revenue.',
        targets: [['sum by (currency) (increase(bazaar_ordering_revenue_total{job="ordering"}[24h]))', '{{currency}}']],
      },
      { title: 'Checkouts placed per second', unit: 'reqps', description: 'POST /api/v1/orders by status code (a replayed idempotency key counts again).', targets: [[rate(orders, 'http_response_status_code'), '{{http_response_status_code}}']] },
      { title: 'Checkout outcomes per second', unit: 'short', description: 'confirmed, on_hold (risk review), rejected (stock or risk), payment_failed.', targets: [[rate('bazaar_ordering_checkouts_total', 'outcome'), '{{outcome}}']] },
      { title: 'Checkout duration quantiles', unit: 's', targets: [
        [quantile(0.5, `${HTTP}_bucket{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`, 'job'), 'p50'],
        [quantile(0.95, `${HTTP}_bucket{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`, 'job'), 'p95'],
        [quantile(0.99, `${HTTP}_bucket{job="ordering",http_route="/api/v1/orders",http_request_method="POST"}`, 'job'), 'p99'],
      ] },
      { title: 'Risk decisions per second', unit: 'short', targets: [[rate('bazaar_risk_decisions_total', 'decision'), '{{decision}}']] },
      { title: 'Payment operations per second', unit: 'short', targets: [[rate('bazaar_payments_operations_total', 'kind, status'), '{{kind}} {{status}}']] },
      { title: 'Payment provider errors per second', unit: 'short', targets: [[rate('bazaar_payments_provider_errors_total', 'operation, reason'), '{{operation}} {{reason}}']] },
      { title: 'Payment webhooks per second', unit: 'short', description: 'Provider webhook deliveries by result: processed, duplicate (a redelivery), ignored (about nothing of ours), in_progress (an earlier delivery of the event is being processed), retry (not settled yet, the provider delivers again), rejected (bad or stale signature; alert PaymentWebhooksRejected when nothing else is accepted).', targets: [[rate('bazaar_payments_webhooks_total', 'result'), '{{result}}']] },
      { title: 'Payment calls with unknown outcome for over 30 minutes', unit: 'short', description: 'Provider calls (by kind) whose outcome the resolver has not been able to find out from the provider for longer than Payments:UnknownStuckAfter (alert PaymentOutcomesUnknown). Every payments replica reports the same count, hence max.', targets: [['max by (kind) (bazaar_payments_unknown_outcomes{job="payments"})', '{{kind}}']] },
      { title: 'Orders stuck in checkout (last sweep)', unit: 'short', description: 'Orders the saga sweeper found stuck at its last sweep, by status (alert OrdersStuckInCheckout). Every ordering replica reports the same backlog, hence max.', targets: [['max by (status) (bazaar_ordering_saga_stuck_orders{job="ordering"})', '{{status}}']] },
      { title: 'Refunds with no recorded outcome (last sweep)', unit: 'short', description: 'Refund attempts older than Ordering:Saga:RefundStuckAfter whose outcome the order has not recorded; each sweep settles them from the payment ledger (alert RefundsUnsettled). Every ordering replica reports the same count, hence max.', targets: [['max(bazaar_ordering_unsettled_refunds{job="ordering"})', 'unsettled']] },
      { title: 'Reservations expired per second', unit: 'short', targets: [[`sum(rate(bazaar_catalog_reservations_expired_total[$__rate_interval]))`, 'expired']] },
      { title: 'Risk assessed without velocity (Redis down)', unit: 'short', targets: [[`sum(rate(bazaar_risk_velocity_unavailable_total[$__rate_interval]))`, 'without velocity']] },
      { title: 'Registrations and sign-ins', unit: 'short', targets: [
        [`sum(rate(bazaar_identity_registrations_total[$__rate_interval]))`, 'registrations'],
        [rate('bazaar_identity_sign_ins_total', 'outcome'), 'sign-in {{outcome}}'],
      ] },
      { title: 'E-mails sent and failed', unit: 'short', targets: [
        [rate('bazaar_email_sent_total', 'job'), 'sent {{job}}'],
        [rate('bazaar_email_failed_total', 'job'), 'failed {{job}}'],
      ] },
    ]);
}

function postgresDashboard(services) {
  const jobs = `job=~"${services.map((s) => s.name).join('|')}"`;
  return dashboard('bazaar-postgresql', 'Bazaar / PostgreSQL',
    'PostgreSQL as the services see it (Npgsql pool and command metrics) and, where postgres_exporter runs (locally, or against Aurora), as the server sees it. Aurora\'s own CloudWatch metrics are in the AWS console. Generated by monitoring/generate.mjs.',
    [
      { type: 'row', title: 'From the services (Npgsql)' },
      { title: 'Connections in use by service', unit: 'short', targets: [[`sum by (job) (db_client_connection_count{${jobs},db_client_connection_state="used"})`, '{{job}}']] },
      { title: 'Pool usage (used / max) by service', unit: 'percentunit', max: 1, targets: [[`sum by (job) (db_client_connection_count{${jobs},db_client_connection_state="used"}) / sum by (job) (db_client_connection_max{${jobs}})`, '{{job}}']] },
      { title: 'Requests waiting for a connection', unit: 'short', targets: [[`sum by (job) (db_client_connection_npgsql_pending_requests{${jobs}})`, '{{job}}']] },
      { title: 'Operation p95 by service', unit: 's', targets: [[quantile(0.95, `db_client_operation_duration_seconds_bucket{${jobs}}`, 'job'), '{{job}}']] },
      { title: 'Operations per second by service', unit: 'short', targets: [[rate(`db_client_operation_duration_seconds_count{${jobs}}`, 'job'), '{{job}}']] },
      { title: 'Failed operations and pool timeouts', unit: 'short', targets: [
        [rate(`db_client_operation_failed_total{${jobs}}`, 'job'), 'failed {{job}}'],
        [rate(`db_client_connection_npgsql_timeouts_total{${jobs}}`, 'job'), 'timeouts {{job}}'],
      ] },
      { type: 'row', title: 'From the server (postgres_exporter)' },
      { type: 'stat', title: 'Server up', unit: 'short', w: 6, h: 5, targets: [['min(pg_up)', 'up']] },
      { title: 'Backends by database', unit: 'short', w: 9, targets: [['sum by (datname) (pg_stat_database_numbackends{datname=~"bazaar_.*"})', '{{datname}}']] },
      { title: 'Transactions per second by database', unit: 'short', w: 9, targets: [[`sum by (datname) (rate(pg_stat_database_xact_commit{datname=~"bazaar_.*"}[$__rate_interval]) + rate(pg_stat_database_xact_rollback{datname=~"bazaar_.*"}[$__rate_interval]))`, '{{datname}}']] },
      { title: 'Cache hit ratio by database', unit: 'percentunit', targets: [[`sum by (datname) (rate(pg_stat_database_blks_hit{datname=~"bazaar_.*"}[$__rate_interval])) / (sum by (datname) (rate(pg_stat_database_blks_hit{datname=~"bazaar_.*"}[$__rate_interval])) + sum by (datname) (rate(pg_stat_database_blks_read{datname=~"bazaar_.*"}[$__rate_interval])))`, '{{datname}}']] },
      { title: 'Deadlocks and conflicts', unit: 'short', targets: [
        [`sum by (datname) (rate(pg_stat_database_deadlocks{datname=~"bazaar_.*"}[$__rate_interval]))`, 'deadlocks {{datname}}'],
        [`sum by (datname) (rate(pg_stat_database_conflicts{datname=~"bazaar_.*"}[$__rate_interval]))`, 'conflicts {{datname}}'],
      ] },
    ]);
}

function redisDashboard() {
  return dashboard('bazaar-redis', 'Bazaar / Redis',
    'The two Redis (ADR 0015) from redis_exporter: redis-state (carts, risk velocity; never evicts, refuses writes when full) and redis-cache (catalog cache, rate limits; evicts), plus what the services report when Redis is unavailable. Generated by monitoring/generate.mjs.',
    [
      { type: 'stat', title: 'Redis up', unit: 'short', w: 6, h: 5, targets: [['min(redis_up)', 'up']] },
      { type: 'stat', title: 'Memory used / max (fullest Redis)', unit: 'percentunit', w: 6, h: 5, targets: [['max(redis_memory_used_bytes / (redis_memory_max_bytes > 0))', 'used']] },
      { type: 'stat', title: 'Connected clients', unit: 'short', w: 6, h: 5, targets: [['sum(redis_connected_clients)', 'clients']] },
      { type: 'stat', title: 'Evicted keys (1h)', unit: 'short', w: 6, h: 5, targets: [['sum(increase(redis_evicted_keys_total[1h]))', 'evicted']] },
      { title: 'Commands per second', unit: 'short', targets: [['sum(rate(redis_commands_processed_total[$__rate_interval]))', 'commands']] },
      { title: 'Keyspace hit ratio', unit: 'percentunit', max: 1, targets: [['sum(rate(redis_keyspace_hits_total[$__rate_interval])) / (sum(rate(redis_keyspace_hits_total[$__rate_interval])) + sum(rate(redis_keyspace_misses_total[$__rate_interval])))', 'hits']] },
      { title: 'Memory by Redis', unit: 'bytes', targets: [['sum by (instance) (redis_memory_used_bytes)', 'used {{instance}}'], ['sum by (instance) (redis_memory_max_bytes)', 'max {{instance}}']] },
      { title: 'Keys by database', unit: 'short', targets: [['sum by (db) (redis_db_keys)', '{{db}}']] },
      { title: 'Command latency by command (avg)', unit: 's', targets: [['sum by (cmd) (rate(redis_commands_duration_seconds_total[$__rate_interval])) / sum by (cmd) (rate(redis_commands_total[$__rate_interval]))', '{{cmd}}']] },
      { title: 'Risk assessments without velocity counters', unit: 'short', description: 'Risk decides without velocity rules while Redis is unreachable.', targets: [['sum(rate(bazaar_risk_velocity_unavailable_total[$__rate_interval]))', 'without velocity']] },
    ]);
}

// ---------------------------------------------------------------------------------------------------------------

/** Every generated file: { relative path: content }. */
export function generate() {
  const services = readServices();
  const files = {
    'monitoring/rules/slo.yml': sloRules(),
    'monitoring/rules/services.yml': serviceRules(services),
    'monitoring/dashboards/overview.json': overviewDashboard(services),
    'monitoring/dashboards/checkout.json': checkoutDashboard(),
    'monitoring/dashboards/postgresql.json': postgresDashboard(services),
    'monitoring/dashboards/redis.json': redisDashboard(),
  };
  for (const s of services) files[`monitoring/dashboards/service-${s.name}.json`] = redDashboard(s);
  return Object.fromEntries(Object.entries(files).map(([f, c]) => [f, typeof c === 'string' ? c : JSON.stringify(c, null, 2) + '\n']));
}

/**
 * The files that differ from what generate() writes: [{ rel, reason }], reason 'stale' (missing or different content)
 * or 'orphaned' (a generated service dashboard whose service left scripts/services.sh).
 */
export function staleFiles(files = generate()) {
  const out = [];
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) out.push({ rel, reason: 'stale' });
  }
  for (const f of fs.readdirSync(path.join(root, 'monitoring/dashboards'))) {
    const rel = `monitoring/dashboards/${f}`;
    if (f.startsWith('service-') && !(rel in files)) out.push({ rel, reason: 'orphaned' });
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = generate();
  const stale = staleFiles(files);
  if (process.argv.includes('--check')) {
    if (stale.length) {
      console.error(`out of date (run node monitoring/generate.mjs):\n  ${stale.map((s) => s.reason === 'orphaned' ? `${s.rel} (service no longer listed)` : s.rel).join('\n  ')}`);
      process.exit(1);
    }
  } else {
    for (const { rel, reason } of stale) {
      const file = path.join(root, rel);
      if (reason === 'orphaned') { fs.rmSync(file); console.log(`removed ${rel}`); continue; }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, files[rel]);
      console.log(`wrote ${rel}`);
    }
  }
}
