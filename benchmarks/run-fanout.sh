#!/usr/bin/env bash
# Fan-out benchmark (docs/benchmarks.md): starts an in-memory Azurite (tables and queues) on 127.0.0.1, builds the benchmark in
# Release and runs it. Every extra argument goes to the benchmark, e.g.
#   benchmarks/run-fanout.sh --roster 1000 --global 30 --runs 3
#   benchmarks/run-fanout.sh --global 50 --client-global 30   # newest published budget, service default
#   benchmarks/run-fanout.sh --global 30 --global-window-ms 950  # emulates a 50 ms margin in the service's limiter
#   benchmarks/run-fanout.sh --runs 1 --interactive 3 --prioritize true   # people clicking and typing help meanwhile
#   benchmarks/run-fanout.sh --runs 1 --cold-roster true   # the roster first written inside the step (not at install)
# Exit code 0 only when every run lost nothing, duplicated nothing and the re-run delivered nothing (and, with
# --interactive, every person's turn was answered, with exactly one reply or card update each where one is due).
set -euo pipefail
cd "$(dirname "$0")/.."

AZURITE=node_modules/.bin/azurite-table
[[ -x "$AZURITE" ]] || { echo "azurite-table not found: run 'npm ci' first" >&2; exit 2; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
WORK=$(mktemp -d -t updatebot-bench-XXXXXX)
(cd "$WORK" && exec "$OLDPWD/$AZURITE" --inMemoryPersistence --tableHost 127.0.0.1 --tablePort "$PORT" --skipApiVersionCheck --loose \
  --disableTelemetry) >"$WORK/azurite.log" 2>&1 &
AZURITE_PID=$!
# The service is ready only when its work queue answers too (the benchmark itself runs the step directly).
QUEUE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
(cd "$WORK" && exec "$OLDPWD/node_modules/.bin/azurite-queue" --inMemoryPersistence --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
  --skipApiVersionCheck --loose --disableTelemetry) >"$WORK/azurite-queue.log" 2>&1 &
QUEUE_PID=$!
cleanup() {
  kill "$AZURITE_PID" "$QUEUE_PID" 2>/dev/null || true
  wait "$AZURITE_PID" "$QUEUE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for log in azurite azurite-queue; do
  for _ in $(seq 1 300); do
    grep -qiE "successfully (listening at|started on|listens on)" "$WORK/$log.log" && break
    kill -0 "$AZURITE_PID" 2>/dev/null && kill -0 "$QUEUE_PID" 2>/dev/null || { cat "$WORK/$log.log" >&2; exit 1; }
    sleep 0.2
  done
  grep -qiE "successfully (listening at|started on|listens on)" "$WORK/$log.log" || { echo "Azurite ($log) did not start" >&2; exit 1; }
done

KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;TableEndpoint=http://127.0.0.1:$PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;"

dotnet build benchmarks/UpdateBot.Benchmarks -c Release --nologo -v quiet >&2
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB RAM, .NET $(dotnet --version)" >&2
echo "load average before: $(cat /proc/loadavg)" >&2
status=0
timeout 3600 benchmarks/UpdateBot.Benchmarks/bin/Release/net10.0/UpdateBot.Benchmarks --tables "$TABLES" "$@" || status=$?
echo "load average after: $(cat /proc/loadavg)" >&2
exit $status
