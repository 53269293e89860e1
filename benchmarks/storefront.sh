#!/usr/bin/env bash
# Storefront benchmark: the size of what a shopper downloads (the production build, gzipped as the edge serves it),
# and page-load timings in headless Chromium through the edge, cold and warm cache (web/scripts/bench-pages.mjs).
#
#   benchmarks/storefront.sh         # prints two markdown tables
#
# Starts its own platform (BAZAAR_HOME=.bazaar-bench-storefront, other ports), builds the storefront, measures,
# stops the platform. Everything runs on this one machine, browser included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${BENCH_RUNS:-10}
EDGE_PORT=${BENCH_EDGE_PORT:-18100}
export BAZAAR_HOME=${BENCH_HOME:-$PWD/.bazaar-bench-storefront}
export BAZAAR_EDGE_PORT=$EDGE_PORT BAZAAR_PG_PORT=${BENCH_PG_PORT:-15452} BAZAAR_REDIS_PORT=${BENCH_REDIS_PORT:-16399}
export BAZAAR_SERVICE_PORT_OFFSET=${BENCH_PORT_OFFSET:-1100} BAZAAR_ENVIRONMENT=Production
BASE=http://127.0.0.1:$EDGE_PORT

WORK=$(mktemp -d)
cleanup() {
  ./bazaar down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> building and starting the platform" >&2
./bazaar up --detach >"$WORK/up.log" 2>&1 || { tail -30 "$WORK/up.log" >&2; exit 1; }

echo "| file | bytes | gzipped |"
echo "|---|---|---|"
total=0 total_gz=0
for file in web/dist/index.html web/dist/assets/*.js web/dist/assets/*.css; do
  bytes=$(stat -c %s "$file")
  gz=$(gzip -5 -c "$file" | wc -c)
  total=$((total + bytes))
  total_gz=$((total_gz + gz))
  printf '| %s | %d | %d |\n' "${file#web/dist/}" "$bytes" "$gz"
done
printf '| all | %d | %d |\n\n' "$total" "$total_gz"

(cd web && node scripts/bench-pages.mjs "$BASE" "$RUNS")
