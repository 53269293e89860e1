#!/usr/bin/env bash
# Writes a Prometheus configuration that scrapes every service in scripts/services.sh on its local port, with the
# alert rules of monitoring/rules/ loaded, for a local Prometheus (Debian's prometheus package).
#
#   scripts/render-prometheus.sh --out FILE [--interval 15s] [--alertmanager HOST:PORT] [--exporter JOB=HOST:PORT]...
#
#   --out           the configuration file to write
#   --interval      scrape and rule evaluation interval (default 15s)
#   --alertmanager  where to send alerts (none by default: alerts are visible on Prometheus's /alerts page)
#   --exporter      an extra target, e.g. postgres=127.0.0.1:9187 or redis=127.0.0.1:9121 (repeatable)
# Ports follow the rule in scripts/service-lib.sh (BAZAAR_SERVICE_PORT_OFFSET, BAZAAR_PORT_<NAME>). Every series
# gets job=<service>, the label the rules and dashboards select on (the cluster's ServiceMonitor does the same).
# Run:  prometheus --config.file=FILE --storage.tsdb.path=DIR --web.listen-address=127.0.0.1:9090
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
# shellcheck source=scripts/service-lib.sh
source "$script_dir/service-lib.sh"

die() {
  echo "render-prometheus: $*" >&2
  exit 1
}

out="" interval=15s alertmanager="" exporters=()
while (($#)); do
  case $1 in
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --interval) interval=${2:?--interval needs a value}; shift 2 ;;
    --alertmanager) alertmanager=${2:?--alertmanager needs a value}; shift 2 ;;
    --exporter) exporters+=("${2:?--exporter needs a value}"); shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n $out ]] || die "--out is required"
[[ $interval =~ ^[0-9]+[smh]$ ]] || die "bad --interval value: $interval"
address='^[A-Za-z0-9.-]+:[0-9]+$'
[[ -z $alertmanager || $alertmanager =~ $address ]] || die "bad --alertmanager value: $alertmanager"
problems=$(svc_validate) || die "invalid service list:"$'\n'"$problems"

rules=()
for file in "$repo_root"/monitoring/rules/*.yml; do
  [[ -e $file ]] && rules+=("$file")
done
((${#rules[@]})) || die "no rule files in monitoring/rules"

{
  printf '# Rendered by scripts/render-prometheus.sh from scripts/services.sh; regenerate rather than edit.\n'
  printf 'global:\n  scrape_interval: %s\n  evaluation_interval: %s\n  external_labels:\n    environment: local\n' \
    "$interval" "$interval"
  printf 'rule_files:\n'
  for file in "${rules[@]}"; do printf '  - "%s"\n' "$file"; done
  if [[ -n $alertmanager ]]; then
    printf 'alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ["%s"]\n' "$alertmanager"
  fi
  printf 'scrape_configs:\n'
  for entry in "${SERVICES[@]}"; do
    svc_parse "$entry"
    printf '  - job_name: %s\n    metrics_path: /metrics\n    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' \
      "$SVC_NAME" "$(svc_port "$SVC_NAME")"
  done
  for exporter in "${exporters[@]}"; do
    [[ $exporter =~ ^([a-z][a-z0-9_-]*)=([A-Za-z0-9.-]+:[0-9]+)$ ]] || die "bad --exporter value: $exporter"
    printf '  - job_name: %s\n    static_configs:\n      - targets: ["%s"]\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  done
} >"$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
