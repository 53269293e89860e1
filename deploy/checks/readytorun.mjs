// The service image ships precompiled code (ReadyToRun). Without a Docker engine the image cannot be built here, so
// this runs the Dockerfile's own `dotnet restore` and `dotnet publish` commands, as written there, for one service
// (outputs redirected to a scratch folder), and reads the published assemblies' headers. amd64 only: the package
// mirror here has no linux-arm64 packs, so the arm64 image is first published by the images workflow (nuget.org).
// Usage: node deploy/checks/readytorun.mjs [SERVICE]   (default Cart; exits 1 and says why when the code is not precompiled)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './lib.mjs';

const DOCKERFILE = 'deploy/docker/service.Dockerfile';
const service = process.argv[2] ?? 'Cart';
// What must be precompiled: the service, the shared defaults and the heaviest packages they run on.
const EXPECTED = [`Bazaar.${service}.dll`, 'Bazaar.ServiceDefaults.dll', 'Npgsql.dll', 'Microsoft.EntityFrameworkCore.dll'];

/** The Dockerfile's `dotnet <verb> ...` command, continuation lines joined, up to the next `&&` or the line's end. */
function dockerfileCommand(text, verb) {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  const match = joined.match(new RegExp(`dotnet ${verb} [^\\n]*?(?=\\s*&&|\\n|$)`));
  if (!match) throw new Error(`${DOCKERFILE} has no "dotnet ${verb}" command`);
  return match[0];
}

/** Whether a PE file carries a ReadyToRun header: the CLI header's ManagedNativeHeader points at the "RTR" signature. */
function isReadyToRun(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pe = view.getUint32(0x3c, true);
  if (view.getUint32(pe, true) !== 0x00004550) throw new Error('not a PE file');
  const sections = view.getUint16(pe + 6, true);
  const optionalSize = view.getUint16(pe + 20, true);
  const optional = pe + 24;
  const directories = optional + (view.getUint16(optional, true) === 0x20b ? 112 : 96);
  const toOffset = (rva) => {
    for (let i = 0; i < sections; i++) {
      const s = optional + optionalSize + i * 40;
      const va = view.getUint32(s + 12, true);
      const size = Math.max(view.getUint32(s + 8, true), view.getUint32(s + 16, true));
      if (rva >= va && rva < va + size) return rva - va + view.getUint32(s + 20, true);
    }
    throw new Error(`RVA ${rva} is in no section`);
  };
  const cliRva = view.getUint32(directories + 14 * 8, true);
  if (cliRva === 0) throw new Error('not a .NET assembly');
  const cli = toOffset(cliRva);
  const nativeRva = view.getUint32(cli + 64, true);
  const nativeSize = view.getUint32(cli + 68, true);
  return nativeSize > 0 && view.getUint32(toOffset(nativeRva), true) === 0x00525452; // "RTR\0"
}

function main() {
  const text = fs.readFileSync(path.join(repoRoot, DOCKERFILE), 'utf8');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bazaar-r2r-'));
  try {
    const app = path.join(work, 'app');
    for (const verb of ['restore', 'publish']) {
      // The Dockerfile's words, its build arguments filled in, its output and intermediate folders moved to scratch.
      const words = dockerfileCommand(text, verb).replaceAll('${SERVICE}', service).replaceAll('${TARGETARCH}', 'amd64')
        .split(/\s+/).map((word) => word.replace(/^"(.*)"$/, '$1'));
      const output = words.indexOf('--output');
      if (output >= 0) words[output + 1] = app;
      words.push('--artifacts-path', path.join(work, 'artifacts'));
      try {
        execFileSync(words[0], words.slice(1), { cwd: repoRoot, stdio: 'pipe', encoding: 'utf8' });
      } catch (error) {
        throw new Error(`${words.join(' ')}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      }
    }
    const missing = EXPECTED.filter((name) => !fs.existsSync(path.join(app, name)));
    if (missing.length) throw new Error(`the publish did not produce ${missing.join(', ')}`);
    const jitOnly = EXPECTED.filter((name) => !isReadyToRun(fs.readFileSync(path.join(app, name))));
    if (jitOnly.length) throw new Error(`not precompiled (no ReadyToRun header): ${jitOnly.join(', ')}`);
    console.log(`${DOCKERFILE} publishes ${service} precompiled: ${EXPECTED.join(', ')}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
