# shellcheck shell=bash
# Sourced by the benchmark scripts: a throwaway platform of their own (its own BAZAAR_HOME and ports, apart from
# ./bazaar up's), started in the background and stopped, with its scratch folder, when the script exits.

# bench_platform HOME_SUFFIX EDGE_PORT PG_PORT REDIS_PORT PORT_OFFSET: the platform's home and ports (BENCH_HOME,
# BENCH_EDGE_PORT, BENCH_PG_PORT, BENCH_REDIS_PORT and BENCH_PORT_OFFSET override them); sets BASE and BENCH_WORK.
# shellcheck disable=SC2034 # BASE is read by the scripts that source this file
bench_platform() {
  export BAZAAR_HOME=${BENCH_HOME:-$PWD/.bazaar-bench$1}
  export BAZAAR_EDGE_PORT=${BENCH_EDGE_PORT:-$2} BAZAAR_PG_PORT=${BENCH_PG_PORT:-$3} BAZAAR_REDIS_PORT=${BENCH_REDIS_PORT:-$4}
  export BAZAAR_SERVICE_PORT_OFFSET=${BENCH_PORT_OFFSET:-$5} BAZAAR_ENVIRONMENT=Production
  BASE=http://127.0.0.1:$BAZAAR_EDGE_PORT
  BENCH_WORK=$(mktemp -d)
  trap bench_stop EXIT
}

bench_stop() {
  ./bazaar down >/dev/null 2>&1 || true
  rm -rf "$BENCH_WORK"
}

# bench_start MESSAGE: ./bazaar up --detach, showing its log only when it fails.
bench_start() {
  echo "==> $1" >&2
  ./bazaar up --detach >"$BENCH_WORK/up.log" 2>&1 || { tail -30 "$BENCH_WORK/up.log" >&2; exit 1; }
}
