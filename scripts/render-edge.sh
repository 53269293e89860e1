#!/usr/bin/env bash
# Renders deploy/edge/nginx.conf.template into a runnable nginx.conf, with one upstream and the routes of every
# service in scripts/services.sh.
#
#   scripts/render-edge.sh --out FILE [--listen ADDR] [--static-root DIR] [--upstream PATTERN]
#                          [--trusted-proxy CIDR]... [--template FILE]
#
#   --listen       nginx listen value (default 127.0.0.1:8080)
#   --static-root  folder served at / (default: <repo>/web/dist if it has an index.html, else the placeholder page)
#   --upstream     address of each service, with {name} and {port} replaced (default 127.0.0.1:{port});
#                  in the cluster e.g. '{name}.bazaar.svc.cluster.local:8080'
#   --trusted-proxy CIDR  (repeatable) a load balancer whose X-Forwarded-For names the client (none locally)
#   Ports follow the rule in scripts/service-lib.sh (BAZAAR_SERVICE_PORT_OFFSET, BAZAAR_PORT_<NAME>).
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
# shellcheck source=scripts/service-lib.sh
source "$script_dir/service-lib.sh"

die() {
  echo "render-edge: $*" >&2
  exit 1
}

out="" listen="127.0.0.1:8080" static_root="" upstream_pattern="127.0.0.1:{port}" trusted_proxies=()
template="$repo_root/deploy/edge/nginx.conf.template"
while (($#)); do
  case $1 in
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --listen) listen=${2:?--listen needs a value}; shift 2 ;;
    --static-root) static_root=${2:?--static-root needs a value}; shift 2 ;;
    --upstream) upstream_pattern=${2:?--upstream needs a value}; shift 2 ;;
    --template) template=${2:?--template needs a value}; shift 2 ;;
    --trusted-proxy) trusted_proxies+=("${2:?--trusted-proxy needs a value}"); shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n $out ]] || die "--out is required"
[[ -r $template ]] || die "template not found: $template"
if [[ -z $static_root ]]; then
  if [[ -f $repo_root/web/dist/index.html ]]; then
    static_root=$repo_root/web/dist
  else
    static_root=$repo_root/deploy/edge/placeholder
  fi
fi
# Values land inside the nginx configuration: refuse anything that could change its meaning.
plain_address='^[][A-Za-z0-9.:_-]+$'
[[ $listen =~ $plain_address ]] || die "bad --listen value: $listen"
[[ $static_root == /* && $static_root =~ ^[A-Za-z0-9._/@+,=-]+$ ]] ||
  die "--static-root must be an absolute path of plain characters: $static_root"
plain_pattern='^[][A-Za-z0-9.:{}_-]+$'
[[ $upstream_pattern =~ $plain_pattern ]] || die "bad --upstream pattern: $upstream_pattern"

real_ip=""
for cidr in "${trusted_proxies[@]}"; do
  [[ $cidr =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]] || die "bad --trusted-proxy value: $cidr"
  real_ip+="set_real_ip_from $cidr;"$'\n'
done
if [[ -n $real_ip ]]; then
  real_ip+="real_ip_header X-Forwarded-For;"$'\n'"real_ip_recursive on;"$'\n'
fi

problems=$(svc_validate) || die "invalid service list:"$'\n'"$problems"

upstreams="" route_block=""
for entry in "${SERVICES[@]}"; do
  svc_parse "$entry"
  name=$SVC_NAME
  port=$(svc_port "$name")
  address=${upstream_pattern//\{name\}/$name}
  address=${address//\{port\}/$port}
  upstreams+="upstream $name {"$'\n'
  upstreams+="    server $address;"$'\n'
  upstreams+="    keepalive 32;"$'\n'
  upstreams+="    keepalive_timeout 60s;"$'\n'
  upstreams+="}"$'\n'
  [[ $SVC_ROUTES == "-" ]] && continue
  route_block+="# $name"$'\n'
  IFS=',' read -r -a prefixes <<<"$SVC_ROUTES"
  for prefix in "${prefixes[@]}"; do
    route_block+="location = $prefix { proxy_pass http://$name; }"$'\n'
    route_block+="location $prefix/ { proxy_pass http://$name; }"$'\n'
  done
done

# indent BLOCK PREFIX: every line of BLOCK prefixed by PREFIX.
indent() {
  local line
  while IFS= read -r line; do
    if [[ -n $line ]]; then printf '%s%s\n' "$2" "$line"; else printf '\n'; fi
  done <<<"${1%$'\n'}"
}

rendered=""
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line =~ ^([[:space:]]*)#\ @UPSTREAMS@[[:space:]]*$ ]]; then
    rendered+=$(indent "$upstreams" "${BASH_REMATCH[1]}")$'\n'
  elif [[ $line =~ ^([[:space:]]*)#\ @ROUTES@[[:space:]]*$ ]]; then
    rendered+=$(indent "$route_block" "${BASH_REMATCH[1]}")$'\n'
  elif [[ $line =~ ^([[:space:]]*)#\ @REAL_IP@[[:space:]]*$ ]]; then
    [[ -z $real_ip ]] || rendered+=$(indent "$real_ip" "${BASH_REMATCH[1]}")$'\n'
  elif [[ $line =~ ^[[:space:]]*# ]]; then
    rendered+=$line$'\n'
  else
    line=${line//@LISTEN@/$listen}
    line=${line//@STATIC_ROOT@/$static_root}
    [[ ! $line =~ @[A-Z_]+@ ]] || die "unknown placeholder in $template: $line"
    rendered+=$line$'\n'
  fi
done <"$template"

tmp=$(mktemp "$out.XXXXXX")
printf '# Rendered from %s by scripts/render-edge.sh; edit the template, not this file.\n%s' \
  "${template#"$repo_root"/}" "$rendered" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$out"
