#!/usr/bin/env bash
# ab-calls.sh RATE TREE... : bench/sipp/call-load.sh --repeat 2 --no-build in each git work tree in turn (alternate
# them: A B A B), one line per round (calls, CPU and GC per call) and the server's context switches by thread in the
# warm round. Each tree needs its own Release build. HOLD=MS sets the call length (default the script's 1 s).
#   git worktree add -f /tmp/base BASE_COMMIT && (cd /tmp/base && dotnet build -c Release CallCenter.Server)
#   HOLD=500 bench/tools/ab-calls.sh 3000 /tmp/base . /tmp/base .
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rate=$1; shift
for tree in "$@"; do
  out=$(mktemp)
  (cd "$tree" && bench/sipp/call-load.sh --target callcenter --rate "$rate" --count $((rate * 20)) --repeat 2 --no-build \
     ${HOLD:+--hold "$HOLD"} >"$out" 2>&1) &
  runner=$!
  sleep 38   # into the warm round: start-up, 20 s cold round, a second or two between rounds
  pid=$(pgrep -f "^dotnet .*CallCenter.Server.dll run" | head -1)
  switches=$([[ -n $pid ]] && "$here/ctxsw-threads.sh" 5 "$pid" 2>/dev/null | awk '{printf "%s %s %s; ", $1, $2, $3}')
  wait "$runner"
  echo "== $tree"
  grep -E "^successful|target_cpu|target_gc:" "$out" \
    | sed -E 's/target_cpu=.*\(([0-9]+) % .* ([0-9.]+ us per call)\)/cpu \1% \2/; s/target_gc: .*pause=([0-9]+ ms) \(([0-9.]+ us per call)\).*allocated=([0-9.]+ KB per call).*/gc pause \1 \2, alloc \3/' \
    | paste - - -
  echo "   context switches, warm round: $switches"
  rm -f "$out"
done
