# shellcheck shell=bash
# Sourced by the edge tests: a scratch folder, one request at a time against $BASE, assertions that say why they
# failed, and "ok - <name>" / "not ok - <name>" lines with the totals in PASSED and FAILED.

# need TOOL...: stops with a failed check unless every tool is installed.
need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "not ok - $tool is installed"
      exit 1
    }
  done
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0
STATUS=000
WHY=""

# request METHOD PATH [curl args...]: sets STATUS; the body and headers land in $WORK.
request() {
  local method=$1 path=$2
  shift 2
  : >"$WORK/body"
  : >"$WORK/headers"
  STATUS=$(curl -sS --path-as-is --max-time 15 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
    -X "$method" "$@" "$BASE$path" 2>"$WORK/curl.err") || STATUS=000
}


# header NAME: the value of a response header (first one), without CR.
header() {
  grep -i "^$1:" "$WORK/headers" | head -n1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//' || true
}

# Assertions: each returns non-zero and sets WHY when it does not hold.
status_is() {
  [[ $STATUS == "$1" ]] && return 0
  WHY="expected HTTP $1, got $STATUS: $(head -c 300 "$WORK/body" | tr -d '\n')$(cat "$WORK/curl.err" 2>/dev/null)"
  return 1
}
header_is() {
  local v
  v=$(header "$1")
  [[ $v == "$2" ]] && return 0
  WHY="expected header $1: $2, got '${v}'"
  return 1
}
header_contains() {
  local v
  v=$(header "$1")
  [[ $v == *"$2"* ]] && return 0
  WHY="expected header $1 to contain '$2', got '${v}'"
  return 1
}
header_once() { # header_once NAME VALUE: the header is sent exactly once, with that value
  local count
  count=$(grep -ci "^$1:" "$WORK/headers") || true
  [[ $count == 1 ]] || {
    WHY="expected one $1 header, got $count"
    return 1
  }
  header_is "$1" "$2"
}
request_id_minted() { # the edge's own X-Request-Id (32 hex digits)
  [[ $(header X-Request-Id) =~ ^[0-9a-f]{32}$ ]] && return 0
  WHY="expected a minted X-Request-Id, got '$(header X-Request-Id)'"
  return 1
}
json_true() { # json_true JQ_FILTER [jq args...]: the filter is true for the body
  local filter=$1
  shift
  jq -e "$@" "$filter" "$WORK/body" >/dev/null 2>&1 && return 0
  WHY="expected the body to satisfy $filter: $(head -c 300 "$WORK/body" | tr -d '\n')"
  return 1
}

# check NAME FUNCTION: runs one check and prints its line.
check() {
  local name=$1
  WHY=""
  if "$2"; then
    PASSED=$((PASSED + 1))
    echo "ok - $name"
  else
    FAILED=$((FAILED + 1))
    echo "not ok - $name"
    [[ -z $WHY ]] || echo "#   $WHY"
  fi
}

