#!/usr/bin/env bash
# Catalog benchmark: 100,000 products, product pages and searches through the edge at fixed concurrency.
#
#   benchmarks/catalog.sh            # prints a markdown table of throughput and p50/p95/p99 latency
#
# Starts its own platform (BAZAAR_HOME=.bazaar-bench, other ports) with BENCH_PRODUCTS products, runs wrk
# against the edge, and stops the platform. Everything runs on this one machine, load generator included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PRODUCTS=${BENCH_PRODUCTS:-100000}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-20s}
# shellcheck source=benchmarks/platform.sh source-path=SCRIPTDIR/..
source benchmarks/platform.sh
bench_platform "" 18080 15432 16379 1000
export BAZAAR_SEED_PRODUCTS=$PRODUCTS BAZAAR_SEED_IMAGES=false
WORK=$BENCH_WORK

command -v wrk >/dev/null || { ((EUID == 0)) && apt-get install -y -qq wrk >/dev/null; }
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 1; }

bench_start "starting the platform with $PRODUCTS products (first run seeds them; later runs reuse $BAZAAR_HOME)"

# Targets: 200 product slugs spread over the catalog, and a mix of searches and filtered listings.
for offset in $(seq 0 9); do
  curl -fsS "$BASE/api/v1/products?sort=price_asc&limit=20&minPrice=$((offset * 4000))" | jq -r '.items[].slug'
done >"$WORK/slugs.txt"
cat >"$WORK/searches.txt" <<'QUERIES'
/api/v1/products?q=running%20shoes
/api/v1/products?q=runnig%20shoes
/api/v1/products?q=jacket
/api/v1/products?q=coffee&sort=price_asc
/api/v1/products?q=wireless%20headphones
/api/v1/products?category=shoes
/api/v1/products?category=shoes&inStock=true&sort=price_asc
/api/v1/products?category=electronics&minRating=4
/api/v1/products?brand=Stridewell&sort=rating
/api/v1/products?minPrice=2000&maxPrice=8000&sort=newest
/api/v1/products?q=lamp&inStock=true
/api/v1/products?q=backpak
QUERIES

cat >"$WORK/paths.lua" <<'LUA'
local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = args[2] .. line end
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.requests))
end
LUA

run() { # run NAME FILE PREFIX
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/paths.lua" "$BASE" -- "$2" "$3" >"$WORK/$1.out" 2>&1
  grep '^RESULT' "$WORK/$1.out" | cut -d' ' -f2-
}

echo "==> warming up" >&2
wrk -t2 -c8 -d5s -s "$WORK/paths.lua" "$BASE" -- "$WORK/slugs.txt" /api/v1/products/ >/dev/null 2>&1
wrk -t2 -c8 -d5s -s "$WORK/paths.lua" "$BASE" -- "$WORK/searches.txt" "" >/dev/null 2>&1

echo "==> product detail: $CONNECTIONS connections, $DURATION" >&2
read -r detail_rps detail_p50 detail_p95 detail_p99 detail_errors detail_total < <(run detail "$WORK/slugs.txt" /api/v1/products/)
echo "==> search and filtered listings: $CONNECTIONS connections, $DURATION" >&2
read -r search_rps search_p50 search_p95 search_p99 search_errors search_total < <(run search "$WORK/searches.txt" "")

cat <<TABLE
| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors / requests |
|---|---|---|---|---|---|
| product detail (200 products, by slug) | $detail_rps | $detail_p50 | $detail_p95 | $detail_p99 | $detail_errors / $detail_total |
| search and filtered listings (12 queries) | $search_rps | $search_p50 | $search_p95 | $search_p99 | $search_errors / $search_total |
TABLE
