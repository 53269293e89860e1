#!/usr/bin/env bash
# check-infra.sh: the offline checks of the Terraform under infra/, one line per check:
#   ok - <check>            or            not ok - <check>   (then the failure, indented)
# and a non-zero exit when any check failed.
#   1. terraform fmt -check -recursive infra
#   2. init, validate and test of every module that needs no provider (the AWS provider cannot be downloaded here)
#   3. each environment's literal settings planned through modules/settings, so its validation rules see them
#   4. the policy tests over the parsed HCL of every root and module (node --test infra/policy), one line per test
#   5. the canary scripts parse (shellcheck of this script is in the static suite, which checks scripts/*.sh)
# What cannot be checked offline, and why: docs/decisions/0012-terraform-offline-checks.md
# Usage: scripts/check-infra.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

"$ROOT/scripts/validation-tools.sh" >/dev/null

# Terraform's working data (.terraform, plugin cache) goes under an ignored folder, never into infra/.
WORK=$ROOT/.bazaar-infra
rm -rf "$WORK"
mkdir -p "$WORK"
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1 TF_INPUT=0 NO_COLOR=1
failed=0

# pass|fail <description> [details file]
report() {
  local status=$1 description=$2 details=${3:-}
  if [[ $status == pass ]]; then
    echo "ok - infra: $description"
  else
    failed=1
    echo "not ok - infra: $description"
    if [[ -n $details && -s $details ]]; then
      # Terraform prints its plan before the error; start at the error when there is one.
      if grep -q 'Error:' "$details"; then
        sed -n '/Error:/,$p' "$details" | sed -e 's/^/    /'
      else
        sed -e 's/^/    /' "$details"
      fi
    fi
  fi
}

# check <description> <command...>: runs the command, reports it, keeps its output for a failure.
check() {
  local description=$1
  shift
  local log
  log=$(mktemp "$WORK/log.XXXXXX")
  if "$@" >"$log" 2>&1; then
    report pass "$description"
  else
    report fail "$description" "$log"
  fi
}

# Each module gets its own data directory so parallel runs or leftovers never mix.
tf_in() {
  local module=$1
  shift
  TF_DATA_DIR="$WORK/tf/${module//\//_}" terraform -chdir="infra/$module" "$@" -no-color
}

# --- 1. format ---------------------------------------------------------------------------------------------------
check "terraform fmt -check -recursive infra" terraform fmt -check -recursive -diff infra

# --- 2. provider-free modules ------------------------------------------------------------------------------------
# A module is provider-free when it declares no resources, data sources or required providers.
provider_free=()
for dir in infra/modules/*/; do
  dir=${dir%/}
  if ! grep -Eqs '^(resource|data) "|required_providers' "$dir"/*.tf; then
    provider_free+=("${dir#infra/}")
  fi
done
if ((${#provider_free[@]} == 0)); then
  report fail "at least one provider-free module (modules/settings) exists"
fi

for module in "${provider_free[@]}"; do
  check "terraform init -backend=false $module" tf_in "$module" init -backend=false -input=false
  check "terraform validate $module" tf_in "$module" validate

  # One line per `run` block: terraform test prints `  run "name"... pass|fail|skip`, failures in between.
  log=$WORK/test-${module//\//_}.log
  status=0
  tf_in "$module" test >"$log" 2>&1 || status=$?
  details=$log.details
  cp "$log" "$details"
  runs=0
  while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]+run\ \"([^\"]+)\"\.\.\.\ (pass|fail|skip) ]]; then
      runs=$((runs + 1))
      name=${BASH_REMATCH[1]} result=${BASH_REMATCH[2]}
      if [[ $result == pass ]]; then
        report pass "terraform test $module: $name"
      else
        report fail "terraform test $module: $name ($result)" "$details"
      fi
    fi
  done <"$log"
  if ((status != 0 || runs == 0)); then
    report fail "terraform test $module finished cleanly (exit $status, $runs runs)" "$details"
  fi
done

# --- 3. environment settings through their validation rules ------------------------------------------------------
vars=$WORK/env-settings
if node infra/policy/env-settings.mjs "$vars" >"$WORK/envs.log" 2>&1; then
  while IFS= read -r env; do
    check "envs/$env settings pass the modules/settings validation rules" \
      tf_in modules/settings plan -input=false -lock=false -refresh=false -var-file="$vars/$env.tfvars.json"
  done <"$WORK/envs.log"
else
  report fail "environment settings are literals modules/settings can read" "$WORK/envs.log"
fi

# --- 4. policy tests over the parsed HCL -------------------------------------------------------------------------
policy_log=$WORK/policy.log
policy_status=0
TAP_PREFIX="infra: policy: " node --test --test-reporter=./scripts/tap-reporter.mjs \
  infra/policy/*.test.mjs >"$policy_log" 2>&1 || policy_status=$?
cat "$policy_log"
if grep -q '^not ok - ' "$policy_log"; then
  failed=1
elif ((policy_status != 0)) || ! grep -q '^ok - ' "$policy_log"; then
  report fail "policy tests ran (node --test exit $policy_status)" "$policy_log"
fi

# --- 5. the rest -------------------------------------------------------------------------------------------------
# shellcheck disable=SC2317  # called through check()
node_check_all() {
  local file
  for file; do node --check "$file" || return 1; done
}
canaries=(infra/modules/observability/canaries/*.js)
check "synthetics canary scripts parse (${#canaries[@]} files)" node_check_all "${canaries[@]}"

exit "$failed"
