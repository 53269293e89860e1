#!/usr/bin/env bash
# smoke-test.sh BASE_URL: the platform answers through the edge: the storefront, the edge's security headers, the
# token keys, the catalog, an authenticated route refusing anonymous callers, and /internal never routed.
set -euo pipefail

base=${1:?base URL, e.g. https://shop.example.com}
failures=0

check() { # check DESCRIPTION EXPECTED_STATUS PATH [HEADER_REGEX]
  local description=$1 expected=$2 path=$3 header=${4:-} status headers
  headers=$(mktemp)
  status=$(curl -sS -o /dev/null -D "$headers" -w '%{http_code}' --max-time 10 --retry 3 --retry-all-errors "$base$path") || status=000
  if [[ $status != "$expected" ]]; then
    echo "not ok - $description: GET $path answered $status, expected $expected"
    failures=$((failures + 1))
  elif [[ -n $header ]] && ! grep -qiE "$header" "$headers"; then
    echo "not ok - $description: GET $path lacks a header matching /$header/"
    failures=$((failures + 1))
  else
    echo "ok - $description"
  fi
  rm -f "$headers"
}

check "the storefront is served" 200 / '^content-security-policy:'
check "the edge is healthy" 200 /healthz
check "identity publishes its signing keys" 200 /.well-known/jwks.json
check "the catalog lists products" 200 '/api/v1/products?limit=1'
check "orders need a signed-in customer" 401 /api/v1/orders
check "internal endpoints are not routed" 404 /internal/health
check "HTTPS answers carry HSTS" 200 / '^strict-transport-security:'

((failures == 0)) || { echo "$failures smoke check(s) failed" >&2; exit 1; }
