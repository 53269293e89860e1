// Policy tests on the rendered chart of each environment, and proof that each policy catches a violation.
// Run by scripts/check-deploy.sh (which renders the chart into $BAZAAR_RENDERED_DIR first).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from './policy.mjs';
import { renderedManifests, ENVIRONMENTS } from './lib.mjs';

const DATABASE_SERVICES = ['catalog', 'identity', 'ordering', 'payments', 'risk'];
const context = { databaseServices: DATABASE_SERVICES };
const byKindName = (objs, kind, n) => objs.find((o) => o.kind === kind && o.metadata.name === n);

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
  });
}

describe('policy catches violations (mutated prod manifests)', () => {
  const fresh = () => structuredClone(renderedManifests('prod'));
  const expectViolation = (rule, mutate, pattern) => {
    const objs = fresh();
    mutate(objs);
    const found = rules[rule](objs, context);
    assert.ok(found.some((v) => pattern.test(v)), `expected a violation matching ${pattern}, got ${JSON.stringify(found)}`);
  };
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
  it('a namespace enforcing only "baseline"', () => expectViolation('the namespace enforces Pod Security "restricted" and has a quota and limit range',
    (o) => { o.find((x) => x.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'; }, /enforce is not restricted/));
  it('an image on :latest', () => expectViolation('images are pinned (a digest or a version tag, never latest)',
    (o) => { byKindName(o, 'Deployment', 'catalog').spec.template.spec.containers[0].image = 'bazaar/catalog:latest'; }, /catalog.*not pinned/));
  it('a migration Job that is not a hook', () => expectViolation('every database service has a pre-install/pre-upgrade migration Job running "migrate"',
    (o) => { delete byKindName(o, 'Job', 'risk-migrate').metadata.annotations['helm.sh/hook']; }, /risk-migrate: not a pre-install/));
  it('an Ingress without the WAF ACL', () => expectViolation('the ALB Ingress has a certificate, the WAF ACL, the HTTPS redirect and a health check path',
    (o) => { delete byKindName(o, 'Ingress', 'edge').metadata.annotations['alb.ingress.kubernetes.io/wafv2-acl-arn']; }, /wafv2-acl-arn/));
});
