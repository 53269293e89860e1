#!/usr/bin/env bash
# The edge's own answers when a service fails it (run by ./bazaar test; needs no running platform).
#
#   tests/edge/errors.sh PORT      the edge listens on 127.0.0.1:PORT while the checks run
#
# Starts nginx on the rendered edge configuration with every service routed to one stand-in (node) that closes some
# connections without answering, never answers others, and answers some itself. The read timeout is shortened from
# its 50 s to 2 s so that "never answers" ends quickly; nothing else is changed.
#
# A 502 or 504 must reach the client as itself: the service may have carried the request out (a checkout, a
# payment) and only its answer was lost, so the storefront keeps the attempt open and asks before starting another.
# The edge makes no 503 of its own: a 503 is a service's answer, and its detail says what was and was not done.
#
# One line per check: "ok - <name>" or "not ok - <name>" (with "#" diagnostics after a failure).
set -euo pipefail

PORT=${1:?usage: tests/edge/errors.sh PORT}
BASE=http://127.0.0.1:$PORT
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# shellcheck source=tests/edge/lib.sh
source "$ROOT/tests/edge/lib.sh"
need curl jq node
# ./bazaar test names the nginx it uses; run by hand, the one on the PATH.
NGINX=${BAZAAR_NGINX:-$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)}
[[ -x $NGINX ]] || {
  echo "not ok - nginx is installed"
  exit 1
}

STANDIN_PID="" EDGE_PID="" EDGE_DIR=$WORK/edge
stop() {
  local pid
  for pid in $EDGE_PID $STANDIN_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap stop EXIT

# diagnose: after a failed check, what nginx and the stand-in said.
diagnose() {
  local file
  for file in "$EDGE_DIR/logs/error.log" "$WORK/nginx.err" "$WORK/standin.err"; do
    [[ -s $file ]] && tail -n 5 "$file" | sed 's/^/#   /'
  done
  return 0
}

# The stand-in service. By the request line: a path ending in /gone closes the connection without an answer (the
# service crashed or was killed mid-request); /api/v1/cart answers a 503 of its own with a Retry-After, and
# /api/v1/payments one without; anything else is never answered.
# shellcheck disable=SC2016  # ${…} below is JavaScript's, not the shell's
SEEN=$WORK/standin.seen node -e '
const net = require("net");
function unavailable(socket, title, extraHeaders) {
  const body = JSON.stringify({ type: "about:blank", title, status: 503, detail: "Not now." });
  socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n" + extraHeaders +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
const server = net.createServer((socket) => {
  let head = "";
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    head += chunk;
    if (!head.includes("\r\n")) return;
    const [, path] = head.split(" ");
    require("fs").appendFileSync(process.env.SEEN, head.split("\r\n")[0] + "\n");
    if (path.endsWith("/gone")) socket.destroy();
    else if (path.startsWith("/api/v1/cart")) unavailable(socket, "Cart unavailable", "Retry-After: 7\r\n");
    else if (path.startsWith("/api/v1/payments")) unavailable(socket, "Payments busy", "");
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
' >"$WORK/standin.port" 2>"$WORK/standin.err" &
STANDIN_PID=$!
for _ in $(seq 50); do
  [[ -s $WORK/standin.port ]] && break
  sleep 0.1
done
STANDIN_PORT=$(head -n1 "$WORK/standin.port")
[[ $STANDIN_PORT =~ ^[0-9]+$ ]] || {
  echo "not ok - the stand-in service starts"
  echo "#   $(cat "$WORK/standin.err")"
  exit 1
}

# nginx's workers run as nobody when started by root: they must reach their temporary folders under the prefix. No
# check reads a static file, so the placeholder page is named as the root where it lies.
chmod 755 "$WORK"
mkdir -p "$EDGE_DIR/logs"
"$ROOT/scripts/render-edge.sh" --out "$EDGE_DIR/nginx.conf" --listen "127.0.0.1:$PORT" \
  --static-root "$ROOT/deploy/edge/placeholder" --upstream "127.0.0.1:$STANDIN_PORT"
grep -Eq '^ *proxy_read_timeout [0-9]+s;$' "$EDGE_DIR/nginx.conf" || {
  echo "not ok - the edge configuration sets proxy_read_timeout in seconds (this test shortens it)"
  exit 1
}
sed -Ei 's/^( *)proxy_read_timeout [0-9]+s;$/\1proxy_read_timeout 2s;/' "$EDGE_DIR/nginx.conf"
# In the foreground of a background job: stopped with this script, whichever way it ends.
"$NGINX" -g 'daemon off;' -p "$EDGE_DIR/" -e "$EDGE_DIR/logs/error.log" -c "$EDGE_DIR/nginx.conf" </dev/null 2>"$WORK/nginx.err" &
EDGE_PID=$!
for _ in $(seq 50); do
  kill -0 "$EDGE_PID" 2>/dev/null || break # nginx stopped: its log says why
  request GET /healthz
  [[ $STATUS == 200 ]] && break
  sleep 0.1
done
[[ $STATUS == 200 ]] || {
  echo "not ok - the edge starts"
  diagnose
  exit 1
}

problem_is() { # problem_is STATUS: the edge's own problem details, with that status in the body too
  status_is "$1" && header_contains Content-Type application/problem+json && json_true ".status == $1 and (.detail | length > 0)"
}
no_header() {
  [[ -z $(header "$1") ]] && return 0
  WHY="expected no $1 header, got '$(header "$1")'"
  return 1
}

standin_saw() { # standin_saw REQUEST_LINE_START: the request reached the stand-in (not refused before it)
  grep -q "^$1" "$WORK/standin.seen" && return 0
  WHY="the stand-in never received $1"
  return 1
}

t_connection_lost() {
  request GET /api/v1/products/gone && problem_is 502 && no_header Retry-After && request_id_minted && standin_saw "GET /api/v1/products/gone"
}
t_no_answer() {
  request POST /api/v1/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: 0b8f9e52-3c1a-4c55-9d43-57e4a3f3b0a1' \
    -d '{}' && problem_is 504 && no_header Retry-After && request_id_minted && standin_saw "POST /api/v1/orders"
}
t_service_503_passes() {
  request GET /api/v1/cart && status_is 503 && json_true '.title == "Cart unavailable"' && header_once Retry-After 7
}
t_service_503_gets_retry_after() {
  request GET /api/v1/payments/busy && status_is 503 && json_true '.title == "Payments busy"' && header_once Retry-After 5
}
check "a service that drops the connection: the edge answers 502 problem details" t_connection_lost
check "a service that does not answer in time: the edge answers 504 problem details, no Retry-After" t_no_answer
check "a service's own 503 reaches the client as the service wrote it, with its one Retry-After" t_service_503_passes
check "a service's 503 without a Retry-After gets the edge's one" t_service_503_gets_retry_after

((FAILED == 0)) || diagnose
echo "# $PASSED passed, $FAILED failed"
((FAILED == 0))
