#!/usr/bin/env bash
# Turn benchmark (docs/benchmarks.md, "Turns"): UpdateBot and a peer bot on the official Bot Framework JavaScript SDK
# (botbuilder CloudAdapter) answer the same 1:1 "help" activity under the same load, rounds alternating, both replying
# to one local fake Bot Connector. Prints one JSON line per round and a SUMMARY line per configuration.
#   benchmarks/run-turns.sh                       # limits lifted and default limits, 3 rounds of 10 s each
#   benchmarks/run-turns.sh --duration 20 --rounds 5 --connections 32
# Every extra argument goes to the load driver (benchmarks/turns/drive.mjs).
set -euo pipefail
LOG_TAG=run-turns
# shellcheck source=../scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"
cd "$UPDATEBOT_ROOT"
require_tools dotnet node npm setsid
BENCH="$UPDATEBOT_ROOT/benchmarks/turns"
LOGS="$UPDATEBOT_ROOT/.local/logs/bench-turns"
mkdir -p "$LOGS"
trap stop_started EXIT

ensure_node_modules
[[ -f "$BENCH/node_modules/.package-lock.json" && ! "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]] ||
  (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error) >&2

log "building src/UpdateBot (Release)…"
dotnet build "$UPDATEBOT_ROOT/src/UpdateBot/UpdateBot.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly > "$LOGS/build.log" 2>&1 ||
  { cat "$LOGS/build.log" >&2; die "build failed"; }

table_port=$(free_port)
start_bg "$LOGS/azurite.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$table_port" \
  --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry
wait_until 30 Azurite "$BG_PID" port_open "$table_port" || exit 1

connector_port=$(free_port)
start_bg "$LOGS/connector.log" node "$BENCH/fake-connector.mjs" "$connector_port"
wait_until 10 "the fake connector" "$BG_PID" port_open "$connector_port" || exit 1
service_url="http://127.0.0.1:$connector_port/"

# start_ours NAME GLOBAL_PER_SECOND PER_CONVERSATION_PER_SECOND: sets OURS to the /api/messages URL of UpdateBot as run.sh runs it (development mode, no
# token on loopback), in Release, logging warnings and above only (the peer logs nothing per turn).
start_ours() {
  local port
  port=$(free_port)
  start_bg "$LOGS/$1.log" env -C "$UPDATEBOT_ROOT/src/UpdateBot/bin/Release/net10.0" \
    ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Bot__AppId= Bot__AllowAnonymousLoopback=true Cycle__Enabled=false Telemetry__Exporter=none \
    Logging__LogLevel__Default=Warning Logging__LogLevel__UpdateBot=Warning \
    Storage__ConnectionString="$(azurite_connection_string "$table_port")" Storage__TablePrefix="bench$1" \
    Bot__Connector__GlobalRequestsPerSecond="$2" Bot__Connector__PerConversationRequestsPerSecond="$3" \
    dotnet UpdateBot.dll
  wait_until 60 "UpdateBot ($1)" "$BG_PID" http_ok "http://127.0.0.1:$port/healthz" || { tail -n 40 "$LOGS/$1.log" >&2; exit 1; }
  OURS="http://127.0.0.1:$port/api/messages"
}

# Not $(start_ours …): a command-substitution subshell would own the processes it starts.
start_ours lifted 1000000 1000000
lifted=$OURS
start_ours default 30 7
default=$OURS

# The peer sends the very card UpdateBot sends: ask UpdateBot once and keep the card the connector received.
node "$BENCH/drive.mjs" --target "lifted=$lifted" --target "default=$default" --service-url "$service_url" --once 1
node -e 'fetch(process.argv[1]).then(r=>r.json()).then(a=>process.stdout.write(JSON.stringify(a.attachments[0].content)))' \
  "${service_url}__last" > "$LOGS/help-card.json"
peer_port=$(free_port)
start_bg "$LOGS/peer.log" node "$BENCH/peer-bot.mjs" "$peer_port" "$LOGS/help-card.json"
wait_until 10 "the peer bot" "$BG_PID" port_open "$peer_port" || exit 1
peer="http://127.0.0.1:$peer_port/api/messages"

log "help, Teams' send limits lifted: UpdateBot vs botbuilder CloudAdapter"
node "$BENCH/drive.mjs" --target "updatebot=$lifted" --target "botbuilder=$peer" --service-url "$service_url" "$@"
log "help, default limits (30 requests/s, 7 per conversation per second): UpdateBot vs botbuilder CloudAdapter"
node "$BENCH/drive.mjs" --target "updatebot=$default" --target "botbuilder=$peer" --service-url "$service_url" "$@"
