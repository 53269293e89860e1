// Policy over every Terraform root and module under infra/: one test per rule (lib/rules.mjs).
// Run: node --test infra/policy/   (scripts/check-infra.sh runs it and reports one line per test)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTree } from './lib/hcl.mjs';
import { rules } from './lib/rules.mjs';

const tree = await loadTree();

test('every expected root and module is present and parses', () => {
  const expected = [
    'bootstrap', 'organization', 'envs/dev', 'envs/staging', 'envs/prod',
    'modules/settings', 'modules/platform', 'modules/network', 'modules/eks', 'modules/aurora', 'modules/redis',
    'modules/s3-bucket', 'modules/edge', 'modules/ecr', 'modules/kms', 'modules/security', 'modules/audit-trail',
    'modules/observability', 'modules/backup', 'modules/cost', 'modules/workload-identity', 'modules/cluster-addons',
  ];
  assert.deepEqual(expected.filter((dir) => !tree.has(dir)), []);
});

for (const rule of rules) {
  test(rule.title, () => {
    const violations = rule.check(tree);
    if (violations.length) assert.fail(`${rule.id}: ${violations.length} violation(s)\n  ${violations.join('\n  ')}`);
  });
}
