#!/usr/bin/env bash
# revert-release.sh COMMIT: reverts a release commit on main (Argo CD then rolls the environment back).
set -euo pipefail

commit=${1:?commit}
[[ $commit =~ ^[0-9a-f]{40}$ ]] || { echo "not a commit id: $commit" >&2; exit 1; }
git config user.name "bazaar-deploy[bot]"
git config user.email "bazaar-deploy@users.noreply.github.com"
for attempt in 1 2 3 4 5; do
  git fetch --quiet origin main
  git reset --quiet --hard origin/main
  git revert --no-edit "$commit"
  if git push --quiet origin HEAD:main; then
    echo "reverted $commit; Argo CD will roll back"
    exit 0
  fi
  sleep $((attempt * 2))
done
echo "could not push the revert of $commit" >&2
exit 1
