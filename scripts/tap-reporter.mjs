// node:test reporter printing one line per test in the form the test command counts:
//   ok - <prefix><suite> › <test>          not ok - <prefix><suite> › <test>   (followed by the failure, indented)
// Suites themselves are not counted; their tests are. TAP_PREFIX (optional) goes before every name.
// Usage: node --test --test-reporter=./scripts/tap-reporter.mjs <files>
const prefix = process.env.TAP_PREFIX ?? '';

export default async function* tapReporter(source) {
  const suites = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:start') {
      suites[data.nesting] = data.name;
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    if (data.details?.type === 'suite') {
      if (type === 'test:fail' && data.details.error?.failureType !== 'subtestsFailed') {
        yield `not ok - ${prefix}${data.name}\n${indent(describe(data.details.error))}`;
      }
      continue;
    }
    const name = prefix + [...suites.slice(0, data.nesting), data.name].join(' › ');
    if (type === 'test:pass') yield `ok - ${name}${data.skip ? ' # SKIP' : ''}\n`;
    else yield `not ok - ${name}\n${indent(describe(data.details.error))}`;
  }
}

function describe(error) {
  const cause = error?.cause ?? error;
  return String(cause?.message ?? cause ?? 'failed');
}

function indent(text) {
  return text.trimEnd().split('\n').slice(0, 40).map((line) => `    ${line}`).join('\n') + '\n';
}
