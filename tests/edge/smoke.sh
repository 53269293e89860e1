#!/usr/bin/env bash
# End-to-end smoke test of a running platform, through the edge only (run by ./bazaar test after
# ./bazaar up --detach; works against a developer's running platform too).
#
#   BAZAAR_EDGE_URL        the edge [http://localhost:8080]
#   BAZAAR_ADMIN_EMAIL     demo admin [admin@bazaar.test]
#   BAZAAR_ADMIN_PASSWORD  demo admin password [Bazaar-Admin-2026]
#
# One line per check: "ok - <name>" or "not ok - <name>" (with "#" diagnostics after a failure).
# Exit status 0 iff every check passed.
set -euo pipefail

BASE=${BAZAAR_EDGE_URL:-http://localhost:8080}
BASE=${BASE%/}
ADMIN_EMAIL=${BAZAAR_ADMIN_EMAIL:-admin@bazaar.test}
ADMIN_PASSWORD=${BAZAAR_ADMIN_PASSWORD:-Bazaar-Admin-2026}

# shellcheck source=tests/edge/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need curl jq

suffix=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
CUSTOMER_EMAIL="smoke-$suffix@bazaar.test"
CUSTOMER_PASSWORD="Smoke-Check-$suffix-Pw"
CUSTOMER_TOKEN=""
ADMIN_TOKEN=""

# --- the edge itself -------------------------------------------------------------------------------------------

t_healthz() { request GET /healthz && status_is 200; }
t_security_headers() {
  request GET /healthz &&
    header_is X-Content-Type-Options nosniff &&
    header_is X-Frame-Options DENY &&
    header_is Referrer-Policy strict-origin-when-cross-origin &&
    header_contains Content-Security-Policy "frame-ancestors 'none'" &&
    header_contains Permissions-Policy "camera=()"
}
t_server_version_hidden() {
  request GET /healthz && status_is 200 || return 1
  local server
  server=$(header Server)
  [[ $server != *[0-9]* ]] && return 0
  WHY="Server header reveals a version: $server"
  return 1
}
t_request_id() {
  request GET /healthz -H "X-Request-Id: smoke-$suffix-request" &&
    header_is X-Request-Id "smoke-$suffix-request" || return 1
  request GET /healthz && request_id_minted
}
t_storefront() { request GET / && status_is 200 && header_contains Content-Type text/html; }
t_spa_fallback() {
  # A deep link to a client-side route is the HTML shell, never cached (a new release must be picked up at once).
  request GET /c/clothing?sort=newest && status_is 200 && header_contains Content-Type text/html &&
    header_is Cache-Control no-cache
}
# shell_asset: sets ASSET to the first /assets/*.js the page at / references.
shell_asset() {
  request GET / || return 1
  ASSET=$(grep -o '/assets/[^"]*\.js' "$WORK/body" | head -n1)
  [[ -n $ASSET ]] && return 0
  WHY="the page at / references no /assets/*.js (is web/dist built?)"
  return 1
}
t_hashed_assets_cached() {
  # Whatever the shell references under /assets/ is content-hashed: cached for a year, immutable, gzipped.
  shell_asset && request GET "$ASSET" -H 'Accept-Encoding: gzip' && status_is 200 &&
    header_is Cache-Control "public, max-age=31536000, immutable" && header_is Content-Encoding gzip
}
t_source_maps_not_served() {
  # The build makes source maps for an error tracker (hidden: no bundle names them); the edge never hands them out.
  shell_asset && request GET "$ASSET" && status_is 200 || return 1
  if grep -q 'sourceMappingURL' "$WORK/body"; then
    WHY="$ASSET names its source map"
    return 1
  fi
  request GET "$ASSET.map" && status_is 404
}
# A chunk another release's page asks for after a deploy: a 404, not the HTML shell served as JavaScript.
t_missing_asset_404() { request GET /assets/index-no-such-release.js && status_is 404; }
# A real internal route: forwarded, catalog would answer 401 (no service token), so only the edge's own 404 passes.
t_internal_hidden() { request POST /internal/pricing -H 'Content-Type: application/json' -d '{"skus":["X-1"]}' && status_is 404; }
t_token_endpoint_hidden() {
  # Identity's routing ignores case and a trailing slash, so the edge must too.
  local path
  for path in /api/v1/auth/token /api/v1/auth/token/ /api/v1/auth/TOKEN /API/v1/auth/Token//; do
    request POST "$path" -d 'grant_type=client_credentials&client_id=identity&client_secret=x'
    if ! status_is 404; then
      WHY="$path: $WHY"
      return 1
    fi
  done
}
t_service_retry_after_kept() {
  # forgot-password allows 3 per address per hour: the 4th is the service's 429, whose Retry-After must pass unchanged.
  local _
  for _ in 1 2 3 4; do
    request POST /api/v1/auth/password/forgot -H 'Content-Type: application/json' -d "{\"email\":\"limit-$suffix@bazaar.test\"}"
  done
  status_is 429 || return 1
  local count value
  count=$(grep -ci '^retry-after:' "$WORK/headers" || true)
  value=$(header Retry-After)
  [[ $count == 1 && $value =~ ^[0-9]+$ && $value -gt 60 ]] && return 0
  WHY="expected one Retry-After from the service (minutes away), got $count header(s): '$value'"
  return 1
}
t_internal_traversal() {
  request POST "/api/v1/products/%2e%2e/%2e%2e/%2e%2e/internal/pricing" -H 'Content-Type: application/json' -d '{"skus":["X-1"]}' &&
    status_is 404
}
t_unrouted_api() {
  request GET /api/v1/no-such-thing && status_is 404 && header_contains Content-Type application/problem+json
}

# --- identity through the edge ---------------------------------------------------------------------------------

t_discovery() {
  request GET /.well-known/openid-configuration && status_is 200 &&
    json_true '(.issuer | type == "string") and (.jwks_uri | type == "string")'
}
# shellcheck disable=SC2016  # $base is a jq variable
t_discovery_issuer() {
  request GET /.well-known/openid-configuration && status_is 200 &&
    json_true '.issuer == $base' --arg base "$BASE"
}
t_jwks() {
  request GET /.well-known/jwks.json && status_is 200 &&
    json_true '(.keys | length > 0) and all(.keys[]; has("kty") and has("kid"))'
}
t_jwks_public_only() {
  request GET /.well-known/jwks.json && status_is 200 &&
    json_true 'all(.keys[]; has("d") or has("p") or has("q") | not)'
}
t_register() {
  local payload
  payload=$(jq -nc --arg e "$CUSTOMER_EMAIL" --arg p "$CUSTOMER_PASSWORD" '{email:$e,password:$p,displayName:"Smoke Test"}')
  request POST /api/v1/auth/register -H 'Content-Type: application/json' --data-binary "$payload" && status_is 201
}
t_register_malformed() {
  request POST /api/v1/auth/register -H 'Content-Type: application/json' --data-binary '{"email": "x@y.test", ' &&
    status_is 400 && header_contains Content-Type application/problem+json
}
t_error_has_security_headers() {
  request POST /api/v1/auth/register -H 'Content-Type: application/json' --data-binary '{' &&
    header_is X-Content-Type-Options nosniff && header_is X-Frame-Options DENY
}

# login EMAIL PASSWORD: sets TOKEN from the response's accessToken.
login() {
  local payload
  TOKEN=""
  payload=$(jq -nc --arg e "$1" --arg p "$2" '{email:$e,password:$p}')
  request POST /api/v1/auth/login -H 'Content-Type: application/json' --data-binary "$payload" &&
    status_is 200 && json_true '.accessToken | type == "string" and length > 0' || return 1
  TOKEN=$(jq -r .accessToken "$WORK/body")
}
t_login() {
  login "$CUSTOMER_EMAIL" "$CUSTOMER_PASSWORD" || return 1
  CUSTOMER_TOKEN=$TOKEN
}
t_login_wrong_password() {
  local payload
  payload=$(jq -nc --arg e "$CUSTOMER_EMAIL" '{email:$e,password:"not-the-password-1234"}')
  request POST /api/v1/auth/login -H 'Content-Type: application/json' --data-binary "$payload" && status_is 401
}
# shellcheck disable=SC2016  # $e is a jq variable
t_me() {
  [[ -n $CUSTOMER_TOKEN ]] || {
    WHY="no customer token (login failed)"
    return 1
  }
  request GET /api/v1/users/me -H "Authorization: Bearer $CUSTOMER_TOKEN" && status_is 200 &&
    json_true 'any(.. | strings; . == $e)' --arg e "$CUSTOMER_EMAIL"
}
t_me_anonymous() { request GET /api/v1/users/me && status_is 401; }
t_me_bad_token() { request GET /api/v1/users/me -H 'Authorization: Bearer not.a.token' && status_is 401; }
t_admin_login() {
  login "$ADMIN_EMAIL" "$ADMIN_PASSWORD" || return 1
  ADMIN_TOKEN=$TOKEN
}
t_admin_users() {
  [[ -n $ADMIN_TOKEN ]] || {
    WHY="no admin token (admin login failed)"
    return 1
  }
  request GET /api/v1/admin/users -H "Authorization: Bearer $ADMIN_TOKEN" && status_is 200
}
t_admin_users_forbidden_for_customer() {
  [[ -n $CUSTOMER_TOKEN ]] || {
    WHY="no customer token (login failed)"
    return 1
  }
  request GET /api/v1/admin/users -H "Authorization: Bearer $CUSTOMER_TOKEN" && status_is 403
}

echo "# smoke test against $BASE"
check "edge answers /healthz" t_healthz
check "security headers on edge responses" t_security_headers
check "Server header hides the version" t_server_version_hidden
check "X-Request-Id is passed through or minted" t_request_id
check "storefront (or placeholder) at /" t_storefront
check "client-side routes get the uncached HTML shell" t_spa_fallback
check "hashed assets are cached for a year and gzipped" t_hashed_assets_cached
check "a missing asset is a 404, not the app shell" t_missing_asset_404
check "source maps are not served" t_source_maps_not_served
check "/internal/* is not routed" t_internal_hidden
check "encoded traversal to /internal/* is not routed" t_internal_traversal
check "the service-token endpoint is not routed" t_token_endpoint_hidden
check "a service's 429 keeps its own single Retry-After" t_service_retry_after_kept
check "unrouted /api/* is a problem+json 404" t_unrouted_api
check "openid-configuration via the edge" t_discovery
check "discovery issuer is the edge URL" t_discovery_issuer
check "jwks.json via the edge has keys" t_jwks
check "jwks.json holds no private key material" t_jwks_public_only
check "register a new customer (201)" t_register
check "malformed JSON on register is a problem+json 400" t_register_malformed
check "security headers on API errors" t_error_has_security_headers
check "customer logs in and gets an access token" t_login
check "wrong password is a 401" t_login_wrong_password
check "GET /api/v1/users/me with the token returns the customer" t_me
check "GET /api/v1/users/me without a token is a 401" t_me_anonymous
check "GET /api/v1/users/me with a forged token is a 401" t_me_bad_token
check "demo admin logs in" t_admin_login
check "admin lists users" t_admin_users
check "customer cannot list users (403)" t_admin_users_forbidden_for_customer

# --- catalog through the edge ----------------------------------------------------------------------------------

PRODUCT_SLUG=""
IMAGE_URL=""
t_categories() {
  request GET /api/v1/categories && status_is 200 && json_true 'length > 3 and all(.[]; has("children"))'
}
t_catalog_seeded() {
  request GET '/api/v1/products?limit=5' && status_is 200 && json_true '.total >= 100 and (.items | length) == 5' || return 1
  PRODUCT_SLUG=$(jq -r '.items[0].slug' "$WORK/body")
  IMAGE_URL=$(jq -r '.items[0].imageUrl' "$WORK/body")
}
t_typo_search() {
  request GET '/api/v1/products?q=runnig%20shoes&limit=5' && status_is 200 &&
    json_true '(.items | length) > 0 and (.items[0].name | test("Running Shoes"))'
}
t_product_page() {
  [[ -n $PRODUCT_SLUG ]] || {
    WHY="no product slug from the listing"
    return 1
  }
  request GET "/api/v1/products/$PRODUCT_SLUG" && status_is 200 &&
    json_true '(.variants | length) > 0 and all(.variants[]; .availability | test("in_stock|low_stock|out_of_stock"))'
}
t_media() {
  [[ $IMAGE_URL == /media/* ]] || {
    WHY="no image URL from the listing: $IMAGE_URL"
    return 1
  }
  request GET "$IMAGE_URL" && status_is 200 && header_is Content-Type image/png && header_contains Cache-Control immutable
}
t_catalog_admin_forbidden() {
  request POST /api/v1/admin/categories -H "Authorization: Bearer $CUSTOMER_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"Nope"}' && status_is 403
}
t_catalog_admin_create() {
  request POST /api/v1/admin/categories -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Smoke $suffix\"}" && status_is 201
}
t_bad_sort() { request GET '/api/v1/products?sort=cheapest' && status_is 400 && json_true '.errors.sort'; }
check "category tree via the edge" t_categories
check "the demo catalog is seeded and listed" t_catalog_seeded
check "a typo still finds running shoes" t_typo_search
check "a product page by slug with variant availability" t_product_page
check "product images are served under /media with long caching" t_media
check "a customer cannot create categories (403)" t_catalog_admin_forbidden
check "the demo admin creates a category (201)" t_catalog_admin_create
check "an unknown sort is a 400 naming the field" t_bad_sort


# --- checkout end to end: browse, cart, pay, ship, deliver, verified review -------------------------------------

SKU=""
PRODUCT_ID=""
ORDER_ID=""
auth() { printf 'Authorization: Bearer %s' "$1"; }
t_pick_product() {
  request GET '/api/v1/products?inStock=true&sort=price_asc&limit=1' && status_is 200 || return 1
  local slug
  slug=$(jq -r '.items[0].slug' "$WORK/body")
  request GET "/api/v1/products/$slug" && status_is 200 || return 1
  PRODUCT_ID=$(jq -r '.id' "$WORK/body")
  SKU=$(jq -r '[.variants[] | select(.availability != "out_of_stock")][0].sku' "$WORK/body")
  [[ -n $SKU && $SKU != null ]] || { WHY="no purchasable variant"; return 1; }
}
t_add_to_cart() {
  request PUT "/api/v1/cart/items/$SKU" -H "$(auth "$CUSTOMER_TOKEN")" -H 'Content-Type: application/json' -d '{"quantity":1,"price":1}' &&
    status_is 200 && json_true '.lines | length == 1 and .[0].unitPrice > 1'
}
t_checkout() {
  request POST /api/v1/payments/sandbox/tokens -H 'Content-Type: application/json' \
    -d '{"number":"4242 4242 4242 4242","expMonth":12,"expYear":2035,"cvc":"123"}' && status_is 201 || return 1
  local card
  card=$(jq -r '.token' "$WORK/body")
  request POST /api/v1/orders -H "$(auth "$CUSTOMER_TOKEN")" -H 'Content-Type: application/json' -H "Idempotency-Key: smoke-$suffix" \
    -d "{\"shippingAddress\":{\"name\":\"Smoke Test\",\"line1\":\"Hauptstr. 1\",\"city\":\"Berlin\",\"postalCode\":\"10115\",\"country\":\"DE\"},\"shippingMethod\":\"standard\",\"paymentToken\":\"$card\"}" &&
    status_is 201 && json_true '.status == "confirmed"' || return 1
  ORDER_ID=$(jq -r '.id' "$WORK/body")
}
t_order_history() {
  # shellcheck disable=SC2016  # $id is jq's variable, not the shell's
  request GET /api/v1/orders -H "$(auth "$CUSTOMER_TOKEN")" && status_is 200 && json_true 'any(.items[]; .id == $id)' --arg id "$ORDER_ID"
}
t_ship_and_deliver() {
  request POST "/api/v1/admin/orders/$ORDER_ID/ship" -H "$(auth "$ADMIN_TOKEN")" -H 'Content-Type: application/json' \
    -d '{"carrier":"DHL","trackingNumber":"JJD0099887766"}' && status_is 200 && json_true '.status == "shipped"' || return 1
  request POST "/api/v1/admin/orders/$ORDER_ID/deliver" -H "$(auth "$ADMIN_TOKEN")" && status_is 200 && json_true '.status == "delivered"'
}
t_verified_review() {
  request POST "/api/v1/products/$PRODUCT_ID/reviews" -H "$(auth "$CUSTOMER_TOKEN")" -H 'Content-Type: application/json' \
    -d '{"rating":5,"title":"Smoke tested","body":"Arrived and works."}' && status_is 201 && json_true '.verifiedPurchase == true'
}
t_other_customer_cannot_see_order() {
  request GET "/api/v1/orders/$ORDER_ID" -H "$(auth "$ADMIN_TOKEN")" && status_is 404
}
check "pick the cheapest product in stock" t_pick_product
check "add it to the cart (a sent price is ignored)" t_add_to_cart
check "check out with a sandbox card: confirmed" t_checkout
check "the order is in the customer's history" t_order_history
check "the admin ships and delivers it" t_ship_and_deliver
check "the customer's review is a verified purchase" t_verified_review
check "another account gets 404 for the order" t_other_customer_cannot_see_order

echo "# $PASSED passed, $FAILED failed"
((FAILED == 0))
