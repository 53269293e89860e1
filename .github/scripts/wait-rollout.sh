#!/usr/bin/env bash
# wait-rollout.sh NAMESPACE DIGESTS_JSON TIMEOUT_SECONDS: waits until every Deployment named in DIGESTS_JSON runs
# its digest (Argo CD has synced the release commit) and its rollout has finished.
set -euo pipefail

namespace=${1:?namespace}
digests=${2:?digests JSON}
timeout=${3:-900}
deadline=$((SECONDS + timeout))

while read -r component digest; do
  until [[ $(kubectl -n "$namespace" get deployment "$component" -o jsonpath='{.spec.template.spec.containers[0].image}') == *"@$digest" ]]; do
    if ((SECONDS > deadline)); then
      echo "$component does not run $digest after ${timeout}s (has Argo CD synced?)" >&2
      exit 1
    fi
    sleep 10
  done
  # kubectl reads --timeout=0s as "wait forever", so a spent deadline must fail here instead.
  remaining=$((deadline - SECONDS))
  if ((remaining <= 0)); then
    echo "$component runs $digest, but no time is left for its rollout after ${timeout}s" >&2
    exit 1
  fi
  kubectl -n "$namespace" rollout status "deployment/$component" --timeout="${remaining}s"
done < <(jq -r 'to_entries[] | "\(.key) \(.value)"' <<<"$digests")
