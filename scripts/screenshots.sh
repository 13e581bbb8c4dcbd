#!/usr/bin/env bash
# Screenshots of UpdateBot's cards as a person sees them (issue 5): starts the local stack with run.sh on its own
# ports and a fresh, throw-away Azurite store, drives one realistic week through the Microsoft 365 Agents Playground,
# and photographs the cards in the Playground's web UI with headless Chromium; then the open weeknote's edition page
# (seeded editions, via the page tests). PNGs go to docs/images/ (or $1).
# Stops everything it started, also on failure or Ctrl+C. See docs/screenshots.md.
#   BOT_PORT (3990)  PLAYGROUND_PORT (56190)  AZURITE_TABLE_PORT (10092)  AZURITE_QUEUE_PORT (10091)  CHROMIUM (/usr/bin/chromium)
set -euo pipefail
LOG_TAG=screenshots
# shellcheck source=scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"
cd "$UPDATEBOT_ROOT"

OUT_DIR=${1:-$UPDATEBOT_ROOT/docs/images}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export BOT_PORT=${BOT_PORT:-3990} PLAYGROUND_PORT=${PLAYGROUND_PORT:-56190} AZURITE_TABLE_PORT=${AZURITE_TABLE_PORT:-10092} AZURITE_QUEUE_PORT=${AZURITE_QUEUE_PORT:-10091}

require_tools dotnet node npm setsid

# 1. Chromium from Debian (never a downloaded browser build).
ensure_chromium
ensure_node_modules

# 2. The stack, through run.sh, in the background, with a fresh store so the week starts from scratch.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updatebot-shots.XXXXXX")
run_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$run_pid" ]] && kill -0 "$run_pid" 2> /dev/null; then
    log "stopping the stack (run.sh stops Azurite, the bot and the Playground)…"
    kill -TERM "$run_pid" 2> /dev/null || true
    for _ in $(seq 1 60); do kill -0 "$run_pid" 2> /dev/null || break; sleep 0.5; done
    kill -0 "$run_pid" 2> /dev/null && { log "run.sh did not stop; killing its process group"; kill -KILL -- "-$run_pid" 2> /dev/null || true; }
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting the stack with run.sh (bot :$BOT_PORT, Playground :$PLAYGROUND_PORT, Azurite :$AZURITE_TABLE_PORT)…"
AZURITE_LOCATION="$WORK/azurite" setsid "$UPDATEBOT_ROOT/run.sh" > "$WORK/run.log" 2>&1 < /dev/null &
run_pid=$!
playground_url() { grep -o '^Playground: http://[^ ]*' "$WORK/run.log" 2> /dev/null | head -n 1 | cut -d' ' -f2; }
wait_until 240 "the stack (run.sh)" "$run_pid" playground_url > /dev/null || { tail -n 30 "$WORK/run.log" >&2; exit 1; }
url=$(playground_url)
log "stack is up: $url"

# 3. Drive the week and take the screenshots.
node_flags=()
node -e 'process.exit(typeof WebSocket === "undefined" ? 0 : 1)' && node_flags+=(--experimental-websocket --no-warnings)
mkdir -p "$OUT_DIR"
node "${node_flags[@]}" "$UPDATEBOT_ROOT/tools/screenshots/take-screenshots.mjs" \
  --playground "$url" --out "$OUT_DIR" --chromium "$CHROMIUM" ${SHOTS_DEBUG_DIR:+--debug "$SHOTS_DEBUG_DIR"} ||
  { log "the screenshot run failed; logs: .local/logs/ (bot.log, playground-traffic.log)"; tail -n 5 "$UPDATEBOT_ROOT/.local/logs/bot.log" >&2 || true; exit 1; }

# 4. The open weeknote's edition page, on the real service with seeded editions, by the page tests themselves
#    (tools/pages/check-pages.mjs in headless Chromium: the picture is of the page axe-core has just checked).
log "photographing the open weeknote page (tests/UpdateBot.EndToEnd.Tests, OpenWeeknotePagesInBrowserTests)…"
UPDATEBOT_SCREENSHOTS_DIR="$OUT_DIR" CHROMIUM="$CHROMIUM" dotnet test "$UPDATEBOT_ROOT/tests/UpdateBot.EndToEnd.Tests" -c Release -nologo \
  --filter "FullyQualifiedName~OpenWeeknotePagesInBrowserTests" > "$UPDATEBOT_ROOT/.local/logs/page-screenshots.log" 2>&1 ||
  { tail -n 30 "$UPDATEBOT_ROOT/.local/logs/page-screenshots.log" >&2; die "the open weeknote page tests failed (.local/logs/page-screenshots.log)"; }
log "done: PNGs in ${OUT_DIR#"$UPDATEBOT_ROOT"/}"
