// Project policy over rendered Kubernetes manifests: Pod Security "restricted" (encoded here, because no
// apiserver runs offline), probes, resources, autoscaling, disruption budgets, network isolation, namespace labels.
// Each rule takes the list of objects and returns human-readable violations (empty = compliant).
const WORKLOADS = ['Deployment', 'StatefulSet', 'Job'];
const name = (o) => `${o.kind}/${o.metadata?.name}`;
const podSpec = (o) => o.spec?.template?.spec ?? {};
const containers = (o) => [...(podSpec(o).initContainers ?? []), ...(podSpec(o).containers ?? [])];
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A Kubernetes quantity as a number (cores for CPU, bytes for memory). */
export function quantity(q) {
  const m = String(q).match(/^([0-9.]+)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const unit = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2]] ?? 1;
  return Number(m[1]) * unit;
}

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
  // The chart renders no Namespace (its pre-install hooks run in the namespace before any ordinary resource of the
  // release exists); context.namespaces holds the definitions that do create it: Argo CD's managedNamespaceMetadata
  // (with CreateNamespace=true) and deploy/helm/namespace.yaml for a plain helm install.
  'the namespace enforces Pod Security "restricted" and has a quota and limit range'(objs, { namespaces = [] } = {}) {
    const out = [];
    for (const n of objs.filter((o) => o.kind === 'Namespace')) out.push(`${name(n)}: rendered by the chart, but its hooks run in it before it would exist`);
    if (!namespaces.length) out.push('nothing creates the namespace (no Argo CD managedNamespaceMetadata, no namespace manifest)');
    for (const n of namespaces) for (const mode of ['enforce', 'audit', 'warn']) {
      if (n.metadata?.labels?.[`pod-security.kubernetes.io/${mode}`] !== 'restricted') out.push(`${name(n)}: pod-security.kubernetes.io/${mode} is not restricted`);
    }
    if (!objs.some((o) => o.kind === 'ResourceQuota')) out.push('no ResourceQuota');
    if (!objs.some((o) => o.kind === 'LimitRange')) out.push('no LimitRange');
    return out;
  },
  // With IP targets the ALB sends straight to pods; without the controller's readiness gate, a rollout can take the old
  // pods away before the ALB has found the new ones healthy (two 10-second checks), and requests meet 502s.
  'with IP targets, the namespace has the load balancer controller inject pod readiness gates'(objs, { namespaces = [] } = {}) {
    const ipTargets = objs.some((o) => o.kind === 'Ingress' && o.metadata?.annotations?.['alb.ingress.kubernetes.io/target-type'] === 'ip');
    if (!ipTargets) return [];
    return namespaces.filter((n) => n.metadata?.labels?.['elbv2.k8s.aws/pod-readiness-gate-inject'] !== 'enabled')
      .map((n) => `${name(n)}: no elbv2.k8s.aws/pod-readiness-gate-inject: enabled`);
  },
  // A budget that allows no eviction when the HPA sits at its minimum blocks every node drain (cluster upgrades,
  // Karpenter consolidation, spot reclaims).
  'no PodDisruptionBudget forbids every eviction at the HPA minimum'(objs) {
    const out = [];
    for (const pdb of objs.filter((o) => o.kind === 'PodDisruptionBudget')) {
      const d = objs.find((o) => o.kind === 'Deployment' && matches(pdb.spec?.selector?.matchLabels, o.spec.template.metadata?.labels));
      const hpa = d && objs.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === d.metadata.name);
      const min = hpa?.spec.minReplicas ?? d?.spec.replicas ?? 1;
      const { minAvailable, maxUnavailable } = pdb.spec ?? {};
      const allowed = (v, total) => (typeof v === 'string' && v.endsWith('%') ? Math.floor((total * parseInt(v, 10)) / 100) : Number(v));
      if (minAvailable !== undefined) {
        const needed = typeof minAvailable === 'string' && minAvailable.endsWith('%') ? Math.ceil((min * parseInt(minAvailable, 10)) / 100) : Number(minAvailable);
        if (needed >= min) out.push(`${name(pdb)}: minAvailable ${minAvailable} with ${min} replicas at the HPA minimum allows no eviction`);
      } else if (!(allowed(maxUnavailable, min) >= 1)) out.push(`${name(pdb)}: maxUnavailable ${maxUnavailable} with ${min} replicas allows no eviction`);
    }
    return out;
  },
  // requests and limits of: every Deployment at its HPA maximum plus one surge pod (maxSurge 1), every StatefulSet,
  // every Job (the migration hooks run while the old pods still serve).
  'the ResourceQuota fits every HPA at its maximum, a rollout surge and the migration Jobs'(objs) {
    const quota = objs.find((o) => o.kind === 'ResourceQuota');
    if (!quota) return [];
    const need = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0, pods: 0, persistentvolumeclaims: 0 };
    for (const s of objs.filter((x) => x.kind === 'StatefulSet')) need.persistentvolumeclaims += (s.spec.replicas ?? 1) * (s.spec.volumeClaimTemplates ?? []).length;
    for (const o of objs.filter((x) => WORKLOADS.includes(x.kind))) {
      const hpa = objs.find((h) => h.kind === 'HorizontalPodAutoscaler' && h.spec?.scaleTargetRef?.kind === o.kind && h.spec.scaleTargetRef.name === o.metadata.name);
      const pods = o.kind === 'Deployment' ? (hpa?.spec.maxReplicas ?? o.spec.replicas ?? 1) + 1 : o.kind === 'Job' ? (o.spec.parallelism ?? 1) : (o.spec.replicas ?? 1);
      need.pods += pods;
      for (const c of containers(o)) for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) {
        need[`${kind}.${r}`] += pods * quantity(c.resources?.[kind]?.[r] ?? '0');
      }
    }
    return Object.entries(need).filter(([k, v]) => quota.spec.hard?.[k] !== undefined && v > quantity(quota.spec.hard[k]) + 1e-9)
      .map(([k, v]) => `${name(quota)}: ${k} is ${quota.spec.hard[k]}, the workloads need ${k.endsWith('memory') ? `${(v / 2 ** 30).toFixed(2)}Gi` : +v.toFixed(3)}`);
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
  // Carts and risk's velocity counters exist only in Redis (ADR 0015): their Redis refuses writes when full instead
  // of evicting. In the cluster that is the StatefulSet behind the host the service connects to; with ElastiCache it
  // is the secret the service's ExternalSecret reads, which infra creates for the noeviction replication group.
  'services whose data lives only in Redis use a Redis that never evicts'(objs, { redisStateServices = [] } = {}) {
    return redisStateServices.flatMap((svc) => {
      const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === svc);
      const env = deployment && podSpec(deployment).containers?.[0]?.env?.find((e) => e.name === 'ConnectionStrings__Redis');
      if (!env) return [`${svc}: no ConnectionStrings__Redis`];
      if (env.valueFrom?.secretKeyRef) {
        const secret = env.valueFrom.secretKeyRef.name;
        const external = objs.find((o) => o.kind === 'ExternalSecret' && o.spec?.target?.name === secret);
        const keys = (external?.spec?.data ?? []).filter((d) => d.secretKey.startsWith('redis_')).map((d) => d.remoteRef?.key);
        return keys.length && keys.every((k) => /\/redis-state$/.test(k)) ? []
          : [`${svc}: Redis from ${keys.length ? keys.join(', ') : `no ExternalSecret for ${secret}`}, not the redis-state secret`];
      }
      const host = String(env.value ?? '').split(/[:,]/)[0];
      const service = objs.find((o) => o.kind === 'Service' && o.metadata.name === host);
      const redis = service && objs.find((o) => o.kind === 'StatefulSet' && matches(service.spec?.selector, o.spec.template.metadata?.labels));
      if (!redis) return [`${svc}: Redis host ${host} is no StatefulSet of the chart`];
      // Said explicitly, not left to Redis's default (noeviction too): a config file or a later default cannot change it.
      const args = podSpec(redis).containers?.[0]?.args ?? [];
      const at = args.indexOf('--maxmemory-policy');
      return at >= 0 && args[at + 1] === 'noeviction' ? []
        : [`${svc}: ${name(redis)} runs with ${at >= 0 ? `maxmemory-policy ${args[at + 1]}` : 'no --maxmemory-policy'}, not noeviction`];
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
