#!/usr/bin/env bash
# infra-values.sh ENV [--json FILE]: writes deploy/helm/bazaar/infra/ENV.yaml, the chart values of what Terraform
# created in infra/envs/ENV (role ARNs, buckets, certificate, WAF ACL, subnet ranges), from
#   terraform -chdir=infra/envs/ENV output -json helm_values
# (or from FILE, that output saved earlier). helm_values is in the chart's own keys (infra/modules/platform) and is
# written as it is. The file's leading comment block is kept; the values are validated by the chart's
# values.schema.json when the chart is linted (scripts/check-deploy.sh), and the committed files' keys are held to
# helm_values in the HCL by scripts/check-infra.sh (policy helm-values-placeholders). Needs terraform (unless --json), node and
# the yaml package of tools/validate (scripts/validation-tools.sh). The terraform workflow runs it after an apply.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
env=${1:-}
case $env in
  dev | staging | prod) ;;
  *) echo "usage: $0 dev|staging|prod [--json FILE]" >&2; exit 2 ;;
esac
json_file=
if [[ ${2:-} == --json ]]; then
  json_file=${3:?--json needs a file}
elif [[ -n ${2:-} ]]; then
  echo "usage: $0 dev|staging|prod [--json FILE]" >&2
  exit 2
fi

out=$ROOT/deploy/helm/bazaar/infra/$env.yaml
yaml_module=$ROOT/tools/validate/node_modules/yaml
[[ -d $yaml_module ]] || { echo "$yaml_module is missing: run scripts/validation-tools.sh" >&2; exit 1; }

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.yaml"' EXIT
if [[ -n $json_file ]]; then
  cp "$json_file" "$tmp"
else
  terraform -chdir="$ROOT/infra/envs/$env" output -json helm_values >"$tmp"
fi

# The header: the committed file's leading comments, or a short one for a new file.
if [[ -f $out ]] && head -n 1 "$out" | grep -q '^#'; then
  sed -n '/^#/!q;p' "$out" >"$tmp.yaml"
else
  printf '# What infra/envs/%s created, in the chart keys: written by scripts/infra-values.sh %s; do not edit by hand.\n' \
    "$env" "$env" >"$tmp.yaml"
fi

# shellcheck disable=SC2016 # the program is JavaScript: its ${...} are not the shell's
ENVIRONMENT=$env YAML_MODULE=$yaml_module node --input-type=module -e '
  import fs from "node:fs";
  import { createRequire } from "node:module";
  const require = createRequire(process.env.YAML_MODULE + "/");
  const YAML = require(process.env.YAML_MODULE);
  const values = JSON.parse(fs.readFileSync(0, "utf8"));
  if (values === null || typeof values !== "object" || Array.isArray(values)) throw new Error("helm_values is not an object");
  if (values.environment !== process.env.ENVIRONMENT) {
    throw new Error(`helm_values.environment is ${JSON.stringify(values.environment)}, not ${process.env.ENVIRONMENT}`);
  }
  process.stdout.write(YAML.stringify(values, { lineWidth: 0 }));
' <"$tmp" >>"$tmp.yaml"
mv "$tmp.yaml" "$out"
echo "wrote ${out#"$ROOT"/}"
