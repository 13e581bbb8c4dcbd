#!/usr/bin/env bash
# Builds and runs every test project against its own in-memory Azurite Table and Azurite Queue on free loopback ports.
# TRX results go to artifacts/test-results/; the last line printed is "N passed, N failed".
set -euo pipefail
LOG_TAG=test.sh
# shellcheck source=scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/lib/common.sh"
cd "$UPDATEBOT_ROOT"

RESULTS="$UPDATEBOT_ROOT/artifacts/test-results"
LOGS="$UPDATEBOT_ROOT/.local/logs"
require_tools dotnet node npm setsid
mkdir -p "$LOGS"

rc=1
finish() {
  trap - EXIT INT TERM
  stop_started
  "$UPDATEBOT_ROOT/scripts/trx-summary.sh" "$RESULTS"
  exit "$rc"
}
trap finish EXIT
trap 'rc=130; exit 130' INT
trap 'rc=143; exit 143' TERM

ensure_node_modules
# Debian's Chromium for the open weeknote page tests (axe-core, screenshots); they fail, never skip, without it.
ensure_chromium

# The Bicep CLI (NuGet package, no global install) for the infra tests; they restore it themselves if absent.
dotnet restore "$UPDATEBOT_ROOT/tools/bicep/bicep.proj" -nologo -v quiet > "$LOGS/bicep-restore.log" 2>&1 ||
  log "warning: could not restore the Bicep CLI (see .local/logs/bicep-restore.log)"

# Our own Azurite Table and Queue, in memory, on free loopback ports (retry if another process grabs a port first).
start_azurite() { # $1 = table|queue; sets AZURITE_PORT
  local service=$1 attempt
  for attempt in 1 2 3; do
    AZURITE_PORT=$(free_port)
    start_bg "$LOGS/test-azurite-$service.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-$service" \
      "--${service}Host" 127.0.0.1 "--${service}Port" "$AZURITE_PORT" --inMemoryPersistence \
      --skipApiVersionCheck --loose --disableTelemetry
    if wait_until 30 "Azurite $service" "$BG_PID" port_open "$AZURITE_PORT"; then return 0; fi
    kill -TERM -- "-$BG_PID" 2> /dev/null || true
  done
  tail -n 20 "$LOGS/test-azurite-$service.log" >&2
  die "Azurite $service did not start"
}
start_azurite table
table_port=$AZURITE_PORT
start_azurite queue
queue_port=$AZURITE_PORT
export UPDATEBOT_TEST_TABLES UPDATEBOT_TEST_QUEUES
UPDATEBOT_TEST_TABLES=$(azurite_connection_string "$table_port")
UPDATEBOT_TEST_QUEUES=$(azurite_queue_connection_string "$queue_port")
export UPDATEBOT_REPO_ROOT="$UPDATEBOT_ROOT"
log "Azurite Table on 127.0.0.1:$table_port, Queue on 127.0.0.1:$queue_port (UPDATEBOT_TEST_TABLES, UPDATEBOT_TEST_QUEUES exported)"

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
set +e
log "building UpdateBot.sln (Release)…"
dotnet build "$UPDATEBOT_ROOT/UpdateBot.sln" -c Release -nologo -clp:"Summary;ErrorsOnly"
rc=$?
if ((rc == 0)); then
  # One dotnet test per test project, each with its own TRX file name (a shared name would be overwritten).
  mapfile -t projects < <(dotnet sln "$UPDATEBOT_ROOT/UpdateBot.sln" list | grep -E '^tests[/\\].*\.csproj$' | tr '\\' '/')
  ((${#projects[@]})) || { log "no test projects in UpdateBot.sln"; rc=1; }
  for project in "${projects[@]}"; do
    name=$(basename "$project" .csproj)
    log "testing $name…"
    dotnet test "$UPDATEBOT_ROOT/$project" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" || rc=1
  done
fi
set -e
if ((rc == 0)) && [[ "$("$UPDATEBOT_ROOT/scripts/trx-summary.sh" "$RESULTS")" != *" 0 failed" ]]; then rc=1; fi
