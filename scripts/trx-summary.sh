#!/usr/bin/env bash
# Prints "N passed, N failed" summed over every TRX file under the given folder (default artifacts/test-results).
# Failed counts include tests that errored or timed out (TRX <Counters> failed + error + timeout).
set -euo pipefail
dir=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts/test-results"}
passed=0 failed=0
if [[ -d "$dir" ]]; then
  while IFS= read -r -d '' trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
    [[ -n "$counters" ]] || continue
    get() { local v; v=$(grep -o " $1=\"[0-9]*\"" <<< "$counters" | grep -o '[0-9]\+' || true); echo "${v:-0}"; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed) + $(get error) + $(get timeout)))
  done < <(find "$dir" -name '*.trx' -print0)
fi
echo "$passed passed, $failed failed"
