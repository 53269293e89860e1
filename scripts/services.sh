# shellcheck shell=bash
# The Bazaar services, in start order. Sourced by ./bazaar and scripts/render-edge.sh.
#
# A new service joins the platform by adding ONE line here. Each entry is:
#
#   name  port  edge-routes
#
#   name         lower-case; the project is src/<Name>/ (first letter upper-cased), the assembly Bazaar.<Name>,
#                the database bazaar_<name>, the service client id <name>.
#   port         the local HTTP port (loopback); BAZAAR_SERVICE_PORT_OFFSET is added to it, and
#                BAZAAR_PORT_<NAME> overrides it.
#   edge-routes  comma-separated path prefixes the edge routes to this service. A prefix /a/b matches /a/b and
#                /a/b/... (never /a/bc). Use "-" for a service the edge does not expose. /internal/* is never routed.
#
# Order matters: a service starts after the ones above it (identity first: everyone validates its tokens).

# shellcheck disable=SC2034  # used by the scripts that source this file
SERVICES=(
  "identity 5101 /api/v1/auth,/api/v1/users,/api/v1/admin/users,/.well-known"
  "catalog 5102 /api/v1/categories,/api/v1/products,/api/v1/inventory,/api/v1/admin/categories,/api/v1/admin/products,/api/v1/admin/inventory,/api/v1/admin/reviews,/media"
  "payments 5105 /api/v1/payments"
  "cart 5103 /api/v1/cart"
  "ordering 5104 /api/v1/orders,/api/v1/shipping,/api/v1/admin/orders"
  "risk 5106 /api/v1/admin/risk"
)
