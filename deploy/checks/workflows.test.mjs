// The GitHub Actions workflows (issue 6: "Actions pinned to versions; least-privilege permissions per job") and the
// lists of deployable components that must agree with scripts/services.sh: the image build matrix and the chart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, loadYamlDocuments, readServices } from './lib.mjs';

const workflowDir = path.join(repoRoot, '.github/workflows');
const workflows = fs.readdirSync(workflowDir).filter((f) => f.endsWith('.yml'))
  .map((f) => ({ file: `.github/workflows/${f}`, doc: loadYamlDocuments(path.join(workflowDir, f))[0] }));

/** Problems of one parsed workflow: external actions not pinned to a commit SHA, jobs without a permissions block. */
export function workflowProblems(file, doc) {
  const problems = [];
  for (const [id, job] of Object.entries(doc.jobs ?? {})) {
    if (!job || typeof job !== 'object' || !('permissions' in job)) problems.push(`${file}: job ${id} has no permissions block`);
    // A job calls a reusable workflow (jobs.<id>.uses) or runs steps (steps[].uses).
    const uses = [job?.uses, ...(job?.steps ?? []).map((s) => s?.uses)].filter((u) => typeof u === 'string');
    for (const u of uses) {
      if (u.startsWith('./')) continue; // this repository's own action or workflow, at the same commit
      if (u.startsWith('docker://')) { if (!/@sha256:[0-9a-f]{64}$/.test(u)) problems.push(`${file}: job ${id}: ${u} is not pinned to a digest`); continue; }
      if (!/@[0-9a-f]{40}$/.test(u)) problems.push(`${file}: job ${id}: ${u} is not pinned to a 40-hex commit SHA`);
    }
  }
  return problems;
}

describe('GitHub Actions workflows', () => {
  it('there are workflows to check', () => assert.ok(workflows.length > 0));
  it('every external action and reusable workflow is pinned to a commit SHA, and every job has its own permissions block', () => {
    assert.deepEqual(workflows.flatMap(({ file, doc }) => workflowProblems(file, doc)), []);
  });
  it('mutation: a tag pin (@v4), a branch pin and a job without permissions are reported; ./local uses are not', () => {
    const doc = loadYamlDocuments(`
jobs:
  a:
    permissions: {contents: read}
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/local
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
  b:
    uses: octo/repo/.github/workflows/x.yml@main
  c:
    uses: ./.github/workflows/deploy-environment.yml
    permissions: {}
`, { isText: true })[0];
    assert.deepEqual(workflowProblems('mutant.yml', doc), [
      'mutant.yml: job a: actions/checkout@v4 is not pinned to a 40-hex commit SHA',
      'mutant.yml: job b has no permissions block',
      'mutant.yml: job b: octo/repo/.github/workflows/x.yml@main is not pinned to a 40-hex commit SHA',
    ]);
  });
});

describe('deployable components agree with scripts/services.sh', () => {
  const services = readServices().map((s) => s.name).sort();
  it('the images.yml build matrix builds exactly the services plus edge', () => {
    const images = workflows.find((w) => w.file === '.github/workflows/images.yml').doc;
    const components = images.jobs.build.strategy.matrix.include.map((e) => e.component).sort();
    assert.deepEqual(components, [...services, 'edge'].sort());
  });
  it("the chart's values.yaml services keys are exactly the services (edge has its own top-level block)", () => {
    const values = loadYamlDocuments(path.join(repoRoot, 'deploy/helm/bazaar/values.yaml'))[0];
    assert.deepEqual(Object.keys(values.services).sort(), services);
    assert.ok(values.edge, 'values.yaml has no edge block');
  });
});
