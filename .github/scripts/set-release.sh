#!/usr/bin/env bash
# set-release.sh ENV DIGESTS_JSON: writes deploy/helm/bazaar/releases/ENV.yaml with the digests, commits and pushes it
# to main (retrying on a moved main), and prints commit=<sha> to $GITHUB_OUTPUT. No change -> no commit.
set -euo pipefail

env_name=${1:?environment}
digests=${2:?digests JSON}
[[ $env_name =~ ^(dev|staging|prod)$ ]] || { echo "unknown environment: $env_name" >&2; exit 1; }
file=deploy/helm/bazaar/releases/$env_name.yaml

jq -e 'length > 0 and all(.[]; test("^sha256:[a-f0-9]{64}$"))' <<<"$digests" >/dev/null ||
  { echo "digests must map components to sha256 digests" >&2; exit 1; }

write_release() {
  {
    printf '# Image digests running in %s. Written by the deploy workflow (.github/workflows/deploy.yml); do not edit by hand\n' "$env_name"
    printf '# except to roll back (revert the commit that changed it).\n'
    printf 'images:\n  digests:\n'
    jq -r 'to_entries | sort_by(.key) | .[] | "    \(.key): \"\(.value)\""' <<<"$digests"
  } >"$file"
}

git config user.name "bazaar-deploy[bot]"
git config user.email "bazaar-deploy@users.noreply.github.com"
for attempt in 1 2 3 4 5; do
  git fetch --quiet origin main
  git reset --quiet --hard origin/main
  write_release
  if git diff --quiet -- "$file"; then
    echo "$env_name already runs these digests"
    exit 0
  fi
  git commit --quiet -m "deploy($env_name): $(jq -r 'to_entries | map("\(.key)@\(.value[7:19])") | join(" ")' <<<"$digests")" -- "$file"
  if git push --quiet origin HEAD:main; then
    echo "commit=$(git rev-parse HEAD)" >>"${GITHUB_OUTPUT:-/dev/null}"
    exit 0
  fi
  echo "main moved; retrying ($attempt)" >&2
  sleep $((attempt * 2))
done
echo "could not push the release commit" >&2
exit 1
