#!/usr/bin/env bash
# Checkout benchmark: concurrent buyers through the edge, cart then checkout, measured by benchmarks/CheckoutLoad.
#
#   benchmarks/checkout.sh                 # BENCH_BUYERS (default 16) for BENCH_SECONDS (default 30)
#
# Starts its own platform afresh (BAZAAR_HOME=.bazaar-bench-checkout, other ports), deletes the risk rules (one card and
# one address would trip every velocity rule), and stops everything at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUYERS=${BENCH_BUYERS:-16}
SECONDS_TO_RUN=${BENCH_SECONDS:-30}
# shellcheck source=benchmarks/platform.sh source-path=SCRIPTDIR/..
source benchmarks/platform.sh
bench_platform -checkout 18090 15442 16389 2000
# Every run starts from empty databases: the orders, payments and e-mails of earlier runs would otherwise pile up and
# change what is measured. A BENCH_HOME of your own is kept.
if [[ -z ${BENCH_HOME:-} ]]; then
  ./bazaar down >/dev/null 2>&1 || true
  rm -rf "$BAZAAR_HOME"
fi
export BAZAAR_SEED_IMAGES=false
# All buyers come from this one address: lift the per-address limits (sign-in, and 100 API requests a second per
# service) of this throwaway platform only.
export RateLimiting__AuthPermitsPerMinute=100000 Identity__Limits__LoginPerAddress__Permits=100000 RateLimiting__ApiTokensPerSecond=100000
# shellcheck source=scripts/services.sh source-path=SCRIPTDIR/..
source scripts/services.sh

bench_start "starting the platform"

metrics=()
for entry in "${SERVICES[@]}"; do
  read -r _ port _ <<<"$entry"
  metrics+=("http://127.0.0.1:$((port + BAZAAR_SERVICE_PORT_OFFSET))/metrics")
done

echo "==> $BUYERS buyers for $SECONDS_TO_RUN s after ${BENCH_WARMUP_SECONDS:-60} s of warm-up" >&2
# Statements are counted by PostgreSQL (pg_stat_statements, loaded by ./bazaar up) as its superuser.
export BENCH_POSTGRES="Host=127.0.0.1;Port=$BAZAAR_PG_PORT;Username=postgres;Database=postgres;Pooling=false"
dotnet run -c Release --project benchmarks/CheckoutLoad -- "$BASE" admin@bazaar.test "${BAZAAR_ADMIN_PASSWORD:-Bazaar-Admin-2026}" \
  "$BUYERS" "$SECONDS_TO_RUN" "${metrics[@]}"
