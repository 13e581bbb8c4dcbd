#!/usr/bin/env bash
# Turn benchmark (docs/benchmarks.md, "Turns"): UpdateBot and a peer bot on the official Bot Framework JavaScript SDK
# (botbuilder CloudAdapter) answer the same 1:1 "help" activity under the same load, rounds alternating, both replying
# to one local fake Bot Connector. Then UpdateBot alone, on an empty store (the benchmark squad only) and on a seeded
# one (SEED_SQUADS squads of SEED_MEMBERS with SEED_WEEKS weeks of history, default 1,000 × 12 × 52), alternating:
# help, a prompt Submit (Action.Execute that writes an answer) and status for the 50-member benchmark squad.
# Prints one JSON line per round and a SUMMARY line per comparison.
#   benchmarks/run-turns.sh                       # 3 rounds of 10 s each per comparison (9 for status at a fixed rate)
#   benchmarks/run-turns.sh --duration 20 --rounds 5 --connections 32
#   SEED_SQUADS=20 SEED_WEEKS=4 benchmarks/run-turns.sh --duration 2 --rounds 1 --warmup 1   # a smoke run
#   TURNS_PART=peer benchmarks/run-turns.sh       # only the first part (help beside the peer); TURNS_PART=stores only the second
# Every extra argument goes to the load driver (the benchmark program's `drive` mode, benchmarks/UpdateBot.Benchmarks/TurnDriver.cs).
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

SEED_SQUADS=${SEED_SQUADS:-1000}
SEED_MEMBERS=${SEED_MEMBERS:-12}
SEED_WEEKS=${SEED_WEEKS:-52}

log "building src/UpdateBot and the seeder (Release)…"
{ dotnet build "$UPDATEBOT_ROOT/src/UpdateBot/UpdateBot.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly &&
  dotnet build "$UPDATEBOT_ROOT/benchmarks/UpdateBot.Benchmarks" -c Release -nologo -v quiet -clp:ErrorsOnly; } > "$LOGS/build.log" 2>&1 ||
  { cat "$LOGS/build.log" >&2; die "build failed"; }
BENCH_BIN="$UPDATEBOT_ROOT/benchmarks/UpdateBot.Benchmarks/bin/Release/net10.0/UpdateBot.Benchmarks"
# The harness (seeder, fake connector, load driver) in .NET with the workstation GC: a small part of each turn's CPU.
drive() { DOTNET_gcServer=0 "$BENCH_BIN" drive "$@"; }
# A comparison: also reports Azurite's (the table store's) CPU per turn of each target.
compare() { drive --store-pid "$store_pid" "$@"; }

table_port=$(free_port)
start_bg "$LOGS/azurite.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$table_port" \
  --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry
wait_until 30 Azurite "$BG_PID" port_open "$table_port" || exit 1
store_pid=$BG_PID
# The service's work queue lives next to its tables (unused here, with the cycle off, but part of its storage).
queue_port=$(free_port)
start_bg "$LOGS/azurite-queue.log" "$UPDATEBOT_ROOT/node_modules/.bin/azurite-queue" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --inMemoryPersistence --skipApiVersionCheck --loose --disableTelemetry
wait_until 30 "Azurite Queue" "$BG_PID" port_open "$queue_port" || exit 1

connector_port=$(free_port)
start_bg "$LOGS/connector.log" env DOTNET_gcServer=0 "$BENCH_BIN" turn-connector --port "$connector_port"
wait_until 30 "the fake connector" "$BG_PID" port_open "$connector_port" || exit 1
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
    Storage__ConnectionString="$(azurite_connection_string "$table_port" "$queue_port")" Storage__TablePrefix="bench$1" \
    Bot__Connector__GlobalRequestsPerSecond="$2" Bot__Connector__PerConversationRequestsPerSecond="$3" \
    dotnet UpdateBot.dll
  wait_until 60 "UpdateBot ($1)" "$BG_PID" http_ok "http://127.0.0.1:$port/healthz" || { tail -n 40 "$LOGS/$1.log" >&2; exit 1; }
  OURS="http://127.0.0.1:$port/api/messages"
  OURS_PID=$BG_PID
}

# Not $(start_ours …): a command-substitution subshell would own the processes it starts.
start_ours lifted 1000000 1000000
lifted=$OURS lifted_pid=$OURS_PID
start_ours default 30 7
default=$OURS default_pid=$OURS_PID
start_ours seeded 1000000 1000000
seeded=$OURS seeded_pid=$OURS_PID

# The peer sends the very card UpdateBot sends: ask UpdateBot once and keep the card the connector received.
# Members 100 and up are on no squad, in the first part, so that nothing it leaves in the instances' caches (the person's
# squad list is held a minute) stands in for the squad the seeder then puts members 0–49 on.
drive --target "lifted=$lifted" --target "default=$default" --service-url "$service_url" --once 1 --first-user 100
node -e 'fetch(process.argv[1]).then(r=>r.json()).then(a=>process.stdout.write(JSON.stringify(a.attachments[0].content)))' \
  "${service_url}__last" > "$LOGS/help-card.json"
peer_port=$(free_port)
start_bg "$LOGS/peer.log" node "$BENCH/peer-bot.mjs" "$peer_port" "$LOGS/help-card.json"
wait_until 30 "the peer bot" "$BG_PID" port_open "$peer_port" || exit 1
peer="http://127.0.0.1:$peer_port/api/messages" peer_pid=$BG_PID

TURNS_PART=${TURNS_PART:-all}
if [[ $TURNS_PART != stores ]]; then
log "help, Teams' send limits lifted: UpdateBot vs botbuilder CloudAdapter"
compare --target "updatebot=$lifted" --target "botbuilder=$peer" --pid "updatebot=$lifted_pid" --pid "botbuilder=$peer_pid" \
  --service-url "$service_url" --first-user 100 "$@"
log "help, default limits (30 requests/s, 7 per conversation per second): UpdateBot vs botbuilder CloudAdapter"
compare --target "updatebot=$default" --target "botbuilder=$peer" --pid "updatebot=$default_pid" --pid "botbuilder=$peer_pid" \
  --service-url "$service_url" --first-user 100 "$@"
fi
[[ $TURNS_PART != peer ]] || exit 0

# seed PREFIX SQUADS WEEKS: the benchmark squad (50 members, the driver's 32 among them, bench-user-0 leads), SQUADS more
# squads of SEED_MEMBERS, all with WEEKS weeks of answers and editions, through the service's own stores. Sets SEEDED.
seed() {
  local out
  out=$("$BENCH_BIN" seed --tables "$(azurite_connection_string "$table_port" "$queue_port")" --prefix "$1" --service-url "$service_url" \
    --squads "$2" --members "$SEED_MEMBERS" --weeks "$3" --bench-members 50 2> >(tee -a "$LOGS/seed.log" >&2)) || die "seeding $1 failed"
  SEEDED=$(sed -n 's/^SEEDED //p' <<< "$out")
  [[ -n $SEEDED ]] || die "the seeder printed no SEEDED line"
  log "seeded $1: $SEEDED"
}
seed benchlifted 0 0
empty_seed=$SEEDED
log "seeding $SEED_SQUADS squads × $SEED_MEMBERS members × $SEED_WEEKS weeks (the benchmark squad too)…"
seed benchseeded "$SEED_SQUADS" "$SEED_WEEKS"
[[ $(node -e 'const a=JSON.parse(process.argv[1]),b=JSON.parse(process.argv[2]);console.log(a.squadId===b.squadId&&a.week===b.week&&a.input===b.input)' "$empty_seed" "$SEEDED") == true ]] ||
  die "the two stores' benchmark squads differ"

# Every member's first turn stores their 1:1 chat (as on a first day); one Submit each checks it is answered with the card.
for target in "$lifted" "$seeded"; do
  drive --target "warm=$target" --service-url "$service_url" --once all "$@"
  drive --target "warm=$target" --service-url "$service_url" --kind submit --seeded "$SEEDED" --once all "$@"
done
# Each kind twice: as fast as each store allows (turns/s), then at the same fixed rate on both (a rate the seeded store
# keeps up with), where each process's CPU per turn is the cost of the same work.
declare -A fixed_rate=([help]=${RATE_HELP:-200} [submit]=${RATE_SUBMIT:-40} [status]=${RATE_STATUS:-8})
# A status costs 20-30 ms of CPU and its 10 s rounds at 8 a second varied by several per cent, so its fixed-rate pass runs
# three times the rounds (decided before the run that used it; docs/benchmarks.md).
rounds_given=3
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do [[ ${args[i]} == --rounds ]] && rounds_given=${args[i + 1]}; done
for kind in help submit status; do
  more_rounds=()
  [[ $kind == status ]] && more_rounds=(--rounds "$((rounds_given * 3))")
  log "$kind, limits lifted: UpdateBot on the seeded store vs the empty one"
  compare --target "seeded=$seeded" --target "empty=$lifted" --pid "seeded=$seeded_pid" --pid "empty=$lifted_pid" \
    --service-url "$service_url" --kind "$kind" --seeded "$SEEDED" "$@"
  log "$kind, limits lifted, ${fixed_rate[$kind]} turns/s on both: UpdateBot on the seeded store vs the empty one"
  compare --target "seeded=$seeded" --target "empty=$lifted" --pid "seeded=$seeded_pid" --pid "empty=$lifted_pid" \
    --service-url "$service_url" --kind "$kind" --seeded "$SEEDED" --rate "${fixed_rate[$kind]}" "$@" "${more_rounds[@]}"
done
