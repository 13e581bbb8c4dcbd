# shellcheck shell=bash
# Helpers shared by run.sh, test.sh and .ci/run. Source it; it never changes the caller's cwd or options.

# The repository root: the folder holding UpdateBot.sln, whatever the caller's cwd.
UPDATEBOT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The well-known Azurite development account (published by Microsoft; not a secret).
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { printf '[%s] %s\n' "${LOG_TAG:-updatebot}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

require_tools() {
  local t
  for t in "$@"; do command -v "$t" > /dev/null 2>&1 || die "'$t' is not on PATH (needed: .NET SDK 10 and Node 20+)"; done
}

# npm ci when node_modules is missing or older than package-lock.json (npm writes node_modules/.package-lock.json).
# Never when node_modules is a symlink (a git worktree sharing another checkout's tools): npm ci empties the target
# folder through the link, breaking every checkout that shares it, and a fresh worktree's package-lock.json is always
# "newer" than the shared marker. Install in the checkout that owns the folder instead.
ensure_node_modules() {
  local marker="$UPDATEBOT_ROOT/node_modules/.package-lock.json"
  if [[ -L "$UPDATEBOT_ROOT/node_modules" ]]; then
    [[ -f "$marker" ]] || die "node_modules is a symlink to $(readlink "$UPDATEBOT_ROOT/node_modules") with no npm install in it; run npm ci there"
    return 0
  fi
  if [[ ! -f "$marker" || "$UPDATEBOT_ROOT/package-lock.json" -nt "$marker" ]]; then
    log "installing pinned npm tools (npm ci)…"
    (cd "$UPDATEBOT_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci failed"
    touch "$marker"
  fi
}

# Debian's Chromium at $CHROMIUM (default /usr/bin/chromium), installed with apt-get when missing and running as root;
# otherwise stop with the command to run. Never a downloaded browser build (playwright-core only drives this one).
ensure_chromium() {
  local chromium=${CHROMIUM:-/usr/bin/chromium}
  [[ -x "$chromium" ]] && return 0
  [[ "$chromium" == /usr/bin/chromium ]] || die "CHROMIUM=$chromium is not an executable"
  if [[ $(id -u) -ne 0 ]]; then
    die "Chromium is missing and installing it needs root: run 'sudo apt-get update && sudo apt-get install -y chromium', then run this again"
  fi
  command -v apt-get > /dev/null || die "Chromium is missing and there is no apt-get here: install Chromium and set CHROMIUM=/path/to/it"
  log "installing Chromium (apt-get install chromium)…"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } > /dev/null ||
    die "apt-get install chromium failed"
}

azurite_connection_string() { # $1 = table port, $2 = queue port (optional: without it, tables only)
  printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;TableEndpoint=http://127.0.0.1:%s/%s;' \
    "$AZURITE_ACCOUNT" "$AZURITE_KEY" "$1" "$AZURITE_ACCOUNT"
  [[ -z "${2:-}" ]] || printf 'QueueEndpoint=http://127.0.0.1:%s/%s;' "$2" "$AZURITE_ACCOUNT"
}

azurite_queue_connection_string() { # $1 = queue port
  printf 'DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;QueueEndpoint=http://127.0.0.1:%s/%s;' \
    "$AZURITE_ACCOUNT" "$AZURITE_KEY" "$1" "$AZURITE_ACCOUNT"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# A currently free loopback port (the OS picks it).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# HTTP GET that succeeds on any 2xx (Node's fetch: no curl needed).
http_ok() {
  node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
}

# wait_until SECONDS DESCRIPTION PID COMMAND...: poll COMMAND every 0.5 s until it succeeds; fail if PID dies.
wait_until() {
  local secs=$1 what=$2 pid=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@"; do
    kill -0 "$pid" 2> /dev/null || { log "$what exited during start-up"; return 1; }
    ((SECONDS < deadline)) || { log "$what did not come up within ${secs}s"; return 1; }
    sleep 0.5
  done
}

# Background servers: each runs in its own session (setsid), so its PID is also its process-group id and
# stopping the group takes its children with it (dotnet run → the app; npm bins → node).
declare -a STARTED_PGIDS=()
start_bg() { # start_bg LOGFILE CMD... ; sets BG_PID
  local logfile=$1; shift
  setsid nohup "$@" > "$logfile" 2>&1 < /dev/null &
  BG_PID=$!
  STARTED_PGIDS+=("$BG_PID")
}

stop_started() {
  local pg alive
  ((${#STARTED_PGIDS[@]})) || return 0
  for pg in "${STARTED_PGIDS[@]}"; do kill -TERM -- "-$pg" 2> /dev/null || true; done
  for _ in $(seq 1 20); do
    alive=0
    for pg in "${STARTED_PGIDS[@]}"; do kill -0 -- "-$pg" 2> /dev/null && alive=1; done
    ((alive)) || break
    sleep 0.25
  done
  for pg in "${STARTED_PGIDS[@]}"; do kill -KILL -- "-$pg" 2> /dev/null || true; done
  STARTED_PGIDS=()
}
