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
# shellcheck source=benchmarks/platform.sh source-path=SCRIPTDIR/..
source benchmarks/platform.sh
bench_platform -storefront 18100 15452 16399 1100

bench_start "building and starting the platform"

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
