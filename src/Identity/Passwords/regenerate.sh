#!/usr/bin/env bash
# Regenerates common-passwords.txt from the "passwords" frequency list of the
# npm package zxcvbn (MIT), and copies that package's licence beside it as
# LICENSE-zxcvbn.txt. Needs bash, npm, node, tar and openssl.
# Usage (from anywhere): bash src/Identity/Passwords/regenerate.sh
set -euo pipefail

readonly PACKAGE="zxcvbn@4.4.2"
readonly INTEGRITY="sha512-Bq0B+ixT/DMyG8kgX2xWcI5jUvCwqrMxSFam7m0lAf78nf04hv6lNCsyLYdyYTrCVMqNDY/206K7eExYCeSyUQ=="
readonly MIN_LENGTH=10

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/common-passwords.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(npm pack --silent --pack-destination "$work" "$PACKAGE" | tail -n 1)"
actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 | tr -d '\n')"
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PACKAGE: $actual" >&2
  exit 1
fi
tar -xzf "$work/$tarball" -C "$work"

node -e '
  const minLength = Number(process.argv[2]);
  const { passwords } = require(process.argv[1]);
  for (const p of passwords) {
    const lower = p.trim().toLowerCase();
    if (lower.length >= minLength) console.log(lower);
  }
' "$work/package/lib/frequency_lists.js" "$MIN_LENGTH" |
  LC_ALL=C sort -u >"$work/common-passwords.txt"

cp "$work/package/LICENSE.txt" "$here/LICENSE-zxcvbn.txt"
mv "$work/common-passwords.txt" "$out"
echo "wrote $(wc -l <"$out") entries to $out"
