// node:test reporter printing one line per top-level test, the format scripts/check-infra.sh and `./bazaar test`
// count: "ok - <name>" or "not ok - <name>" followed by the failure, indented.
// Usage: node --test --test-reporter=./infra/policy/tap-reporter.mjs infra/policy/
const prefix = process.env.TAP_PREFIX ?? '';

function indent(text) {
  return String(text).trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
}

export default async function* reporter(source) {
  for await (const event of source) {
    if (event.data?.nesting !== 0) continue;
    if (event.type === 'test:pass') {
      yield `ok - ${prefix}${event.data.name}${event.data.skip ? ' # SKIP' : ''}\n`;
    } else if (event.type === 'test:fail') {
      const error = event.data.details?.error;
      const cause = error?.cause ?? error;
      yield `not ok - ${prefix}${event.data.name}\n${indent(cause?.message ?? cause ?? 'failed')}\n`;
    }
  }
}
