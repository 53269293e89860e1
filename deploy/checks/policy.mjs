// Project policy over rendered Kubernetes manifests: Pod Security "restricted" (encoded here, because no
// apiserver runs offline), probes, resources, autoscaling, disruption budgets, network isolation, namespace labels.
// Each rule takes the list of objects and returns human-readable violations (empty = compliant).
const WORKLOADS = ['Deployment', 'StatefulSet', 'Job'];
const name = (o) => `${o.kind}/${o.metadata?.name}`;
const podSpec = (o) => o.spec?.template?.spec ?? {};
const containers = (o) => [...(podSpec(o).initContainers ?? []), ...(podSpec(o).containers ?? [])];
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

export const rules = {
  'every container has CPU and memory requests and limits'(objs) {
    return objs.filter((o) => WORKLOADS.includes(o.kind)).flatMap((o) => containers(o).flatMap((c) =>
      ['requests', 'limits'].flatMap((kind) => ['cpu', 'memory']
        .filter((r) => !c.resources?.[kind]?.[r]).map((r) => `${name(o)} container ${c.name}: no ${kind}.${r}`))));
  },
  'every long-running container has startup, liveness and readiness probes'(objs) {
    return objs.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)).flatMap((o) => (podSpec(o).containers ?? []).flatMap((c) =>
      ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((p) => !c[p]).map((p) => `${name(o)} container ${c.name}: no ${p}`)));
  },
  'every pod meets Pod Security "restricted" and has a read-only root filesystem'(objs) {
    const out = [];
    for (const o of objs.filter((x) => WORKLOADS.includes(x.kind))) {
      const spec = podSpec(o);
      const psc = spec.securityContext ?? {};
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f]) out.push(`${name(o)}: ${f} is set`);
      for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`${name(o)}: hostPath volume ${v.name}`);
      for (const c of containers(o)) {
        const sc = c.securityContext ?? {};
        const where = `${name(o)} container ${c.name}`;
        if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) out.push(`${where}: runAsNonRoot is not true`);
        if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push(`${where}: runs as uid 0`);
        if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
        if (sc.privileged) out.push(`${where}: privileged`);
        if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem is not true`);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
        if ((sc.capabilities?.add ?? []).length) out.push(`${where}: adds capabilities ${sc.capabilities.add.join(',')}`);
        const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
        if (!['RuntimeDefault', 'Localhost'].includes(seccomp)) out.push(`${where}: seccompProfile is not RuntimeDefault`);
      }
    }
    return out;
  },
  'no pod mounts a service account token and every ServiceAccount disables automounting'(objs) {
    return [
      ...objs.filter((o) => WORKLOADS.includes(o.kind) && podSpec(o).automountServiceAccountToken !== false)
        .map((o) => `${name(o)}: automountServiceAccountToken is not false`),
      ...objs.filter((o) => o.kind === 'ServiceAccount' && o.automountServiceAccountToken !== false)
        .map((o) => `${name(o)}: automountServiceAccountToken is not false`),
    ];
  },
  'every Deployment has an HPA (CPU and memory, scale-down stabilisation) and a PDB'(objs) {
    const out = [];
    for (const d of objs.filter((o) => o.kind === 'Deployment')) {
      const hpa = objs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.kind === 'Deployment' && o.spec.scaleTargetRef.name === d.metadata.name);
      if (!hpa) out.push(`${name(d)}: no HorizontalPodAutoscaler`);
      else {
        const resources = (hpa.spec.metrics ?? []).filter((m) => m.type === 'Resource').map((m) => m.resource.name);
        for (const r of ['cpu', 'memory']) if (!resources.includes(r)) out.push(`${name(hpa)}: no ${r} metric`);
        if (!(hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds >= 60)) out.push(`${name(hpa)}: no scale-down stabilisation window`);
        if (!(hpa.spec.minReplicas >= 2)) out.push(`${name(hpa)}: minReplicas below 2`);
      }
      const labels = d.spec.template.metadata?.labels ?? {};
      if (!objs.some((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec?.selector?.matchLabels, labels))) out.push(`${name(d)}: no PodDisruptionBudget selects its pods`);
    }
    return out;
  },
  'every Deployment rolls out with maxSurge 1, maxUnavailable 0 and spreads over zones and nodes'(objs) {
    const out = [];
    for (const d of objs.filter((o) => o.kind === 'Deployment')) {
      const ru = d.spec.strategy?.rollingUpdate;
      if (d.spec.strategy?.type !== 'RollingUpdate' || ru?.maxSurge !== 1 || ru?.maxUnavailable !== 0) out.push(`${name(d)}: strategy is not RollingUpdate maxSurge 1 / maxUnavailable 0`);
      const keys = (podSpec(d).topologySpreadConstraints ?? []).map((t) => t.topologyKey);
      for (const k of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) if (!keys.includes(k)) out.push(`${name(d)}: no topology spread over ${k}`);
    }
    return out;
  },
  'the namespace enforces Pod Security "restricted" and has a quota and limit range'(objs) {
    const out = [];
    const ns = objs.filter((o) => o.kind === 'Namespace');
    if (!ns.length) out.push('no Namespace');
    for (const n of ns) for (const mode of ['enforce', 'audit', 'warn']) {
      if (n.metadata.labels?.[`pod-security.kubernetes.io/${mode}`] !== 'restricted') out.push(`${name(n)}: pod-security.kubernetes.io/${mode} is not restricted`);
    }
    if (!objs.some((o) => o.kind === 'ResourceQuota')) out.push('no ResourceQuota');
    if (!objs.some((o) => o.kind === 'LimitRange')) out.push('no LimitRange');
    return out;
  },
  'network policies deny all ingress and egress by default'(objs) {
    const denyAll = objs.some((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec?.podSelector ?? { x: 1 }).length === 0 &&
      ['Ingress', 'Egress'].every((t) => (o.spec.policyTypes ?? []).includes(t)) && !o.spec.ingress?.length && !o.spec.egress?.length);
    return denyAll ? [] : ['no NetworkPolicy with an empty podSelector denying both Ingress and Egress'];
  },
  'every pod is selected by a NetworkPolicy of its own besides the default deny'(objs) {
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec?.podSelector?.matchLabels ?? {}).length);
    return objs.filter((o) => WORKLOADS.includes(o.kind))
      .filter((o) => !policies.some((p) => matches(p.spec.podSelector.matchLabels, o.spec.template.metadata?.labels)))
      .map((o) => `${name(o)}: no NetworkPolicy allows its traffic`);
  },
  'images are pinned (a digest or a version tag, never latest)'(objs) {
    return objs.filter((o) => WORKLOADS.includes(o.kind)).flatMap((o) => containers(o)
      .filter((c) => !/@sha256:[a-f0-9]{64}$/.test(c.image) && (/:latest$/.test(c.image) || !/:[^/]+$/.test(c.image)))
      .map((c) => `${name(o)} container ${c.name}: image ${c.image} is not pinned`));
  },
  'every Service selects the pods of a workload'(objs) {
    const pods = objs.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)).map((o) => o.spec.template.metadata?.labels ?? {});
    return objs.filter((o) => o.kind === 'Service' && !pods.some((l) => matches(o.spec?.selector, l))).map((o) => `${name(o)}: selects no pods`);
  },
  'every database service has a pre-install/pre-upgrade migration Job running "migrate"'(objs, { databaseServices = [] } = {}) {
    return databaseServices.flatMap((svc) => {
      const job = objs.find((o) => o.kind === 'Job' && o.metadata.name === `${svc}-migrate`);
      if (!job) return [`no Job ${svc}-migrate`];
      const out = [];
      if (!/pre-install/.test(job.metadata.annotations?.['helm.sh/hook'] ?? '') || !/pre-upgrade/.test(job.metadata.annotations['helm.sh/hook'])) out.push(`${name(job)}: not a pre-install,pre-upgrade hook`);
      if (!(podSpec(job).containers?.[0]?.args ?? []).includes('migrate')) out.push(`${name(job)}: does not run "migrate"`);
      return out;
    });
  },
  'priority classes that pods use exist'(objs) {
    const classes = new Set(objs.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name));
    return objs.filter((o) => WORKLOADS.includes(o.kind) && podSpec(o).priorityClassName && !classes.has(podSpec(o).priorityClassName))
      .map((o) => `${name(o)}: PriorityClass ${podSpec(o).priorityClassName} is not rendered`);
  },
  'the ALB Ingress has a certificate, the WAF ACL, the HTTPS redirect and a health check path'(objs) {
    const ingresses = objs.filter((o) => o.kind === 'Ingress');
    if (!ingresses.length) return ['no Ingress'];
    return ingresses.flatMap((i) => {
      const a = i.metadata.annotations ?? {};
      const out = [];
      if (i.spec.ingressClassName !== 'alb') out.push(`${name(i)}: ingressClassName is not alb`);
      for (const k of ['certificate-arn', 'wafv2-acl-arn', 'ssl-redirect', 'healthcheck-path']) if (!a[`alb.ingress.kubernetes.io/${k}`]) out.push(`${name(i)}: no alb.ingress.kubernetes.io/${k}`);
      return out;
    });
  },
};

/** All violations of all rules: { rule: [violation] } with only the rules that failed. */
export function evaluate(objs, context) {
  return Object.fromEntries(Object.entries(rules).map(([r, f]) => [r, f(objs, context)]).filter(([, v]) => v.length));
}
