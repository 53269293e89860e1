#!/usr/bin/env bash
# Cold start: the checkout benchmark on a platform that has just started, measured from the first order (no warm-up),
# once with the services published as the images publish them (ReadyToRun, precompiled) and once published without
# precompiling, so what the JIT costs a new pod under load shows side by side.
#
#   benchmarks/coldstart.sh              # both, 30 s each (BENCH_SECONDS), BENCH_BUYERS buyers (default 16)
#   BENCH_R2R=true benchmarks/coldstart.sh    # one of them (true: precompiled, false: JIT only)
#
# Each run is benchmarks/checkout.sh with BAZAAR_ARTIFACTS pointing at the published services, so it starts from
# empty databases and prints the same table (throughput, latency, SQL and CPU per order over the window).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/services.sh source-path=SCRIPTDIR/..
source scripts/services.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bazaar-coldstart.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

case $(uname -m) in
  x86_64) ARCH=x64 ;;
  aarch64) ARCH=arm64 ;;
  *) echo "coldstart.sh: no .NET architecture known for $(uname -m)" >&2; exit 1 ;;
esac

# publish true|false DIR: every service, for this machine's architecture, laid out as ./bazaar expects its artifacts.
# true publishes as the images do (an architecture given: Directory.Build.props turns ReadyToRun on); false turns it off.
publish() {
  local r2r=$1 dir=$2 entry name title off=()
  [[ $r2r == true ]] || off=(-p:PublishReadyToRun=false)
  for entry in "${SERVICES[@]}"; do
    read -r name _ <<<"$entry"
    title=${name^}
    dotnet publish "src/$title/Bazaar.$title.csproj" -c Release --arch "$ARCH" --self-contained false "${off[@]}" \
      --artifacts-path "$dir/build" --output "$dir/bin/Bazaar.$title/release" -v q -nologo >"$dir/publish-$name.log" 2>&1 ||
      { tail -20 "$dir/publish-$name.log" >&2; exit 1; }
  done
}

for r2r in ${BENCH_R2R:-true false}; do
  mkdir -p "$WORK/$r2r"
  echo "==> publishing the services (ReadyToRun: $r2r)" >&2
  publish "$r2r" "$WORK/$r2r"
  echo "==> cold start, ReadyToRun: $r2r" >&2
  BAZAAR_ARTIFACTS=$WORK/$r2r/bin BENCH_WARMUP_SECONDS=0 BENCH_SECONDS=${BENCH_SECONDS:-30} benchmarks/checkout.sh
done
