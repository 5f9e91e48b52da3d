#!/usr/bin/env bash
# Callers listening to music on hold: N SIPp callers dial the queue "bench" (number 5000) whose one agent is never
# logged in, so each waits, answered by the server, hearing the queue's music class and its announcements (prompts)
# as RTP from the relay's pacing loop (20 ms G.711 frames). Once all N are waiting, the server's CPU is read over a
# fixed window; the callers then hang up. Prints CPU per listening stream and how many streams one core would pace.
#   bench/sipp/moh-load.sh --callers 1000 --window 20
#   bench/sipp/moh-load.sh --callers "500 1000 2000" --window 20     # several sizes, one server, one run
# The callers' SIPp reads nothing of the RTP it is sent (the kernel drops it at its socket), so the figure is the
# server's side alone: source, RTP header rewrite, sendto.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

sizes="1000"
window=20
rate=200
acd_agents=1
callees=1
usage() {
  echo "usage: $0 [--callers \"N ...\"] [--window S] [--rate R] [options]"
  echo "  --callers N                    listening callers, or a quoted list run one after another (default 1000)"
  echo "  --window S                     seconds of steady state measured once all are listening (default 20)"
  echo "  --rate R                       callers started per second (default 200)"
  usage_common
}
# No anchor here: only CallCenter plays music on hold.
parse_common --target callcenter "$@"
set -- "${rest[@]}"
while (($#)); do
  case "$1" in
    --callers) sizes=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
sipp_bin=$(command -v sipp) || { echo "sipp (Debian sip-tester) is missing" >&2; exit 1; }
web_port=$((port + 1))
start_callcenter
{
  echo SEQUENTIAL
  for ((u = 10000; u < 10000 + users; u++)); do echo "$u;5000;[authentication username=$u password=secret]"; done
} >"$work/callers.csv"

media() {
  curl -fs "http://127.0.0.1:$web_port/api/calls" | python3 -c '
import json, sys
r = json.load(sys.stdin)
m = r["media"]
print(r["active"], m["playingStreams"], m["totals"]["packetsOut"])' 2>/dev/null
}

ticks_per_second=$(getconf CLK_TCK)
for n in $sizes; do
  echo "--- $n callers"
  ramp=$(( (n + rate - 1) / rate ))
  hold_ms=$(( (ramp + window + 10) * 1000 ))
  "$sipp_bin" "127.0.0.1:$port" -sf "$here/call_uac_auth.xml" -inf "$work/callers.csv" -i 127.0.0.1 -p $((port + 1000)) \
    -r "$rate" -m "$n" -l "$n" -d "$hold_ms" -timeout $((hold_ms / 1000 + 60)) -timeout_error -nostdin -buff_size 4000000 \
    -default_behaviors all,-abortunexp -trace_stat -stf "$work/stat.csv" -fd 1 >"$work/sipp.out" 2>&1 &
  sipp_pid=$!
  # Wait until every caller is answered and listening (at most the ramp plus 15 s).
  for ((t = 0; t < (ramp + 15) * 10; t++)); do
    read -r active playing _ <<<"$(media)"
    [[ ${playing:-0} -ge $n ]] && break
    sleep 0.1
  done
  sleep 2
  read -r active playing sent_before <<<"$(media)"
  cpu_before=$(cpu_ticks)
  runtime_before=$(runtime_json)
  sleep "$window"
  cpu_after=$(cpu_ticks)
  runtime_after=$(runtime_json)
  read -r active_after playing_after sent_after <<<"$(media)"
  wait "$sipp_pid"
  sipp_exit=$?
  cpu_seconds=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
  awk -v n="$n" -v playing="$playing" -v playing_after="$playing_after" -v cpu="$cpu_seconds" -v window="$window" -v code="$sipp_exit" \
      -v sent=$((sent_after - sent_before)) 'BEGIN {
    printf "callers=%d playing_streams=%d..%d window=%d s sipp_exit=%d\n", n, playing, playing_after, window, code
    printf "rtp_sent=%d packets (%.1f per stream per second; 50 is every 20 ms frame)\n", sent, sent / window / (playing > 0 ? playing : 1)
    per_stream = cpu / window / (playing > 0 ? playing : 1)
    printf "target_cpu=%.2f s (%.0f %% of one core) = %.1f us of CPU per stream per second (%.2f us per 20 ms frame)\n", cpu, 100 * cpu / window, 1e6 * per_stream, 1e6 * per_stream / 50
    printf "streams_per_core=%.0f (1 s of CPU / CPU per stream-second; everything the server does while they listen)\n", (per_stream > 0 ? 1 / per_stream : 0)
  }'
  runtime_delta "$runtime_before" "$runtime_after" "$((playing > 0 ? playing * window : 1))" stream-second
done
