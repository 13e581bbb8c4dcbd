#!/usr/bin/env bash
# Runs the pinned Bicep CLI (NuGet Azure.Bicep.CommandLine.linux-x64 0.49.2), restoring it on first use.
#   scripts/bicep.sh build infra/main.bicep --stdout
#   scripts/bicep.sh lint infra/main.bicep
#   scripts/bicep.sh build-params infra/main.bicepparam --outfile artifacts/main.parameters.json
set -euo pipefail
LOG_TAG=bicep
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"
require_tools dotnet
packages=${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')}
bicep="${packages%/}/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep"
if [[ ! -x "$bicep" ]]; then
  log "restoring the Bicep CLI (tools/bicep/bicep.proj)…"
  dotnet restore "$UPDATEBOT_ROOT/tools/bicep/bicep.proj" -nologo -v quiet >&2
fi
[[ -x "$bicep" ]] || die "Bicep CLI not found at $bicep"
exec "$bicep" "$@"
