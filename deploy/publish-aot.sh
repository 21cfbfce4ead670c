#!/usr/bin/env bash
# deploy/publish-aot.sh FUNCTION OUTDIR — publishes a function (Gateway or ConfigDeployer) with Native AOT.
# The one publish command: the Dockerfile runs it, and so do CI (.ci/run) and the tests, so the binary
# the tests exercise is the binary the container ships. Fails when the AOT compiler reports a trim or
# AOT warning in our own assemblies (Portcullis.*); the rooted Google/Newtonsoft assemblies may warn.
set -euo pipefail
if [ $# -ne 2 ] || { [ "$1" != Gateway ] && [ "$1" != ConfigDeployer ]; }; then
  echo "usage: deploy/publish-aot.sh Gateway|ConfigDeployer OUTDIR" >&2
  exit 2
fi
function=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "publish-aot: unsupported architecture $(uname -m)" >&2; exit 2 ;;
esac
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet publish "$root/functions/$function/Portcullis.$function.csproj" -c Release -r "$rid" -p:PublishAot=true \
  -o "$out" -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"
# Every MSBuild line ends with " [the project file]"; what is left names the assembly or member that warned.
ours=$(grep -E "warning IL[0-9]{4}" "$log" | sed -E 's/ \[[^]]*\]$//' | grep -E "Portcullis\.|$root/(functions|shared)/" | sort -u || true)
if [ -n "$ours" ]; then
  echo "publish-aot: trim/AOT warnings in our own code:" >&2
  echo "$ours" >&2
  exit 1
fi
# The image ships the binary alone: no debug symbols, PDBs or XML docs of the libraries.
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml "$out"/*.staticwebassets.endpoints.json
test -x "$out/Portcullis.$function"
