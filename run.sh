#!/usr/bin/env bash
# Local run: Azurite (Table and Queue, data kept in .local/azurite) + UpdateBot in development mode + the Microsoft 365 Agents
# Playground pointed at it. Prints the Playground and bot URLs; Ctrl+C stops all of it. Logs in .local/logs/.
#   BOT_PORT (3978)  PLAYGROUND_PORT (56150)  AZURITE_TABLE_PORT (10002)  AZURITE_QUEUE_PORT (10001)
#   AZURITE_LOCATION (.local/azurite): where Azurite keeps its data (scripts/screenshots.sh points it at a fresh folder)
set -euo pipefail
LOG_TAG=run.sh
# shellcheck source=scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/lib/common.sh"
cd "$UPDATEBOT_ROOT"

BOT_PORT=${BOT_PORT:-3978}
PLAYGROUND_PORT=${PLAYGROUND_PORT:-56150}
AZURITE_TABLE_PORT=${AZURITE_TABLE_PORT:-10002}
AZURITE_QUEUE_PORT=${AZURITE_QUEUE_PORT:-10001}
LOGS="$UPDATEBOT_ROOT/.local/logs"
AZURITE_LOCATION=${AZURITE_LOCATION:-$UPDATEBOT_ROOT/.local/azurite}
PLAYGROUND_CONFIG="$UPDATEBOT_ROOT/tools/playground/.m365agentsplayground.yml"

require_tools dotnet node npm setsid
mkdir -p "$LOGS" "$AZURITE_LOCATION"

cleanup() {
  trap - EXIT INT TERM
  log "stopping Azurite, the bot and the Playground…"
  stop_started
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for p in "$AZURITE_TABLE_PORT" "$AZURITE_QUEUE_PORT" "$BOT_PORT"; do
  port_open "$p" && die "port $p is already in use (set AZURITE_TABLE_PORT / AZURITE_QUEUE_PORT / BOT_PORT)"
done

ensure_node_modules

# 1. Azurite Table, loopback only, data kept between runs.
log "starting Azurite Table on 127.0.0.1:$AZURITE_TABLE_PORT (log: .local/logs/azurite.log)"
start_bg "$LOGS/azurite.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-table" \
  --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" --location "$AZURITE_LOCATION" \
  --skipApiVersionCheck --loose --disableTelemetry
azurite_pid=$BG_PID
# 1b. Azurite Queue (the work queue the weekly cycle's steps travel through), same account, same data folder.
log "starting Azurite Queue on 127.0.0.1:$AZURITE_QUEUE_PORT (log: .local/logs/azurite-queue.log)"
start_bg "$LOGS/azurite-queue.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-queue" \
  --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" --location "$AZURITE_LOCATION" \
  --skipApiVersionCheck --loose --disableTelemetry
azurite_queue_pid=$BG_PID

# 2. The bot, built in the foreground so compile errors show here, then run in development mode.
log "building src/UpdateBot…"
dotnet build "$UPDATEBOT_ROOT/src/UpdateBot/UpdateBot.csproj" -nologo -v quiet -clp:ErrorsOnly > "$LOGS/build.log" 2>&1 ||
  { cat "$LOGS/build.log" >&2; die "build failed (see .local/logs/build.log)"; }
wait_until 30 Azurite "$azurite_pid" port_open "$AZURITE_TABLE_PORT" ||
  { tail -n 20 "$LOGS/azurite.log" >&2; exit 1; }
wait_until 30 "Azurite Queue" "$azurite_queue_pid" port_open "$AZURITE_QUEUE_PORT" ||
  { tail -n 20 "$LOGS/azurite-queue.log" >&2; exit 1; }

log "starting the bot on 127.0.0.1:$BOT_PORT (log: .local/logs/bot.log)"
start_bg "$LOGS/bot.log" env \
  ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:$BOT_PORT" \
  Bot__AppId= \
  Bot__AllowAnonymousLoopback=true \
  Storage__ConnectionString="$(azurite_connection_string "$AZURITE_TABLE_PORT" "$AZURITE_QUEUE_PORT")" \
  Telemetry__Exporter="${TELEMETRY_EXPORTER:-none}" \
  dotnet run --no-build --no-launch-profile --project "$UPDATEBOT_ROOT/src/UpdateBot/UpdateBot.csproj"
bot_pid=$BG_PID
wait_until 90 "the bot" "$bot_pid" http_ok "http://127.0.0.1:$BOT_PORT/healthz" ||
  { tail -n 40 "$LOGS/bot.log" >&2; exit 1; }

# 3. The Playground, from the folder holding its mock-data config (it also honours the env var).
log "starting the Microsoft 365 Agents Playground (log: .local/logs/playground.log)"
start_bg "$LOGS/playground.log" env -C "$UPDATEBOT_ROOT/tools/playground" \
  TEAMSAPPTESTER_BROWSER=none \
  M365_AGENTS_PLAYGROUND_CONFIG_PATH="$PLAYGROUND_CONFIG" \
  M365_AGENTS_PLAYGROUND_LOGFILE="$LOGS/playground-traffic.log" \
  "$UPDATEBOT_ROOT/node_modules/.bin/agentsplayground" \
  -e "http://127.0.0.1:$BOT_PORT/api/messages" -c msteams -p "$PLAYGROUND_PORT" --disable-telemetry
playground_pid=$BG_PID
# It silently takes another port when the wanted one is busy: read the one it chose.
listening_port() { grep -o 'Listening on [0-9]\+' "$LOGS/playground.log" 2> /dev/null | head -n 1 | grep -o '[0-9]\+$'; }
wait_until 30 "the Playground" "$playground_pid" listening_port > /dev/null ||
  { tail -n 20 "$LOGS/playground.log" >&2; exit 1; }
pg_port=$(listening_port)
[[ "$pg_port" == "$PLAYGROUND_PORT" ]] || log "port $PLAYGROUND_PORT was busy; the Playground took $pg_port"
wait_until 30 "the Playground" "$playground_pid" http_ok "http://127.0.0.1:$pg_port/_internal/v1/testConfig" ||
  { tail -n 20 "$LOGS/playground.log" >&2; exit 1; }

echo "Playground: http://localhost:$pg_port"
echo "Bot: http://127.0.0.1:$BOT_PORT/api/messages"
log "Azurite Table: http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1  Queue: http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1  (Ctrl+C stops everything)"

# Stay up until Ctrl+C, or until one of the servers dies (then stop the others too).
set +e
wait -n "$azurite_pid" "$azurite_queue_pid" "$bot_pid" "$playground_pid"
log "a server exited unexpectedly; see .local/logs/"
exit 1
