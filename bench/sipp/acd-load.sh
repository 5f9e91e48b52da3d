#!/usr/bin/env bash
# ACD load: SIPp callers -> CallCenter queue "bench" (number 5000, longest idle, no wrap-up) -> N agents whose phones
# are one SIPp UAS (acd_agent_uas.xml: answer, talk --talk ms, hang up). The caller (call_uac_callee_hangs_up.xml)
# is answered by the queue, waits, is bridged to an agent and ends when the agent hangs up.
#   bench/sipp/acd-load.sh --agents 20 --rate 1000 --count 20000 --talk 5     # calls/s distributed, zero failures?
#   bench/sipp/acd-load.sh --agents 20 --rate 150 --count 3000 --talk 200     # saturated: hand-off time
# Prints calls/s, failed calls, CallCenter's CPU per call, and the hand-off time: for each agent, from its phone's
# BYE leaving SIPp to the next queue INVITE reaching SIPp (read from the UAS's message trace, microsecond stamps).
# That gap is a hand-off only while callers are waiting, so read it from a saturated run (rate > agents / talk).
# "unfinished" counts callers neither successful nor failed when SIPp stopped: with -abortunexp off, a caller that got
# an unexpected final answer (a 503 when the server ran out of media ports or file descriptors) waits for a 200 that
# never comes; any such call is a failure of the run.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

rate=200
count=""
talk_ms=5
acd_agents=20
usage() {
  echo "usage: $0 [--agents N] [--rate R] [--count M] [--talk MS] [options]"
  echo "  --agents N                     agents in the queue, extensions 20000.. (default 20)"
  echo "  --rate R                       callers started per second (default 200)"
  echo "  --count M                      callers in all (default 20 s worth: 20 R)"
  echo "  --talk MS                      how long an agent talks before hanging up (default 5)"
  echo "  --repeat K                     run the load K times on one server (warm steady state)"
  usage_common
}
parse_common "$@"
set -- "${rest[@]}"
while (($#)); do
  case "$1" in
    --agents) acd_agents=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --talk) talk_ms=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $target == callcenter ]] || { echo "the ACD bench has no anchor target: --target callcenter" >&2; exit 2; }
count=${count:-$((rate * 20))}
callees=$acd_agents
sipp_bin=$(command -v sipp) || { echo "sipp (Debian sip-tester) is missing" >&2; exit 1; }
uas_pid=""
uas_port=$((port + 200))
web_port=$((port + 1))

stop_uas() {
  [[ -n $uas_pid ]] && kill -TERM "$uas_pid" 2>/dev/null && wait "$uas_pid" 2>/dev/null
  uas_pid=""
}
trap 'stop_uas; cleanup' EXIT

start_callcenter
# The agents' phones are registered from the UAS's own address before the UAS takes the port, then the agents log
# in through the console's API (as a supervisor's desk would).
{
  echo SEQUENTIAL
  for ((a = 20000; a < 20000 + acd_agents; a++)); do echo "$a;[authentication username=$a password=secret];x"; done
} >"$work/agents.csv"
"$sipp_bin" "127.0.0.1:$port" -sf "$scenarios/register.xml" -inf "$work/agents.csv" -i 127.0.0.1 -p "$uas_port" \
  -m "$acd_agents" -r 50 -nostdin -timeout 20 -timeout_error >"$work/register.out" 2>&1 \
  || { echo "registering the agents' phones failed:" >&2; tail -20 "$work/register.out" >&2; exit 1; }
for ((a = 20000; a < 20000 + acd_agents; a++)); do
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d "{\"extension\":\"$a\",\"pin\":\"1234\"}" \
    "http://127.0.0.1:$web_port/api/acd/agents/a$a/login" || { echo "agent a$a could not log in" >&2; exit 1; }
done
{
  echo SEQUENTIAL
  for ((u = 10000; u < 10000 + users; u++)); do echo "$u;5000;[authentication username=$u password=secret]"; done
} >"$work/callers.csv"

ticks_per_second=$(getconf CLK_TCK)
for ((round = 1; round <= ${repeat:-1}; round++)); do
  ((round > 1)) && echo "--- round $round"
  rm -f "$work"/acd_agent_uas_*_messages.log
  (cd "$work" && exec "$sipp_bin" -sf "$here/acd_agent_uas.xml" -i 127.0.0.1 -p "$uas_port" -d "$talk_ms" -nostdin \
    -buff_size 4000000 -timeout 600 -trace_msg -default_behaviors all,-abortunexp >"$work/uas.out" 2>&1) &
  uas_pid=$!
  sleep 0.5
  cpu_before=$(cpu_ticks)
  drops_before=$(udp_receive_buffer_errors)
  limit=$((count + 1000))
  deadline=$((count / rate + 60))
  /usr/bin/time -f "%U %S" -o "$work/sipp.time" "$sipp_bin" "127.0.0.1:$port" \
    -sf "$scenarios/call_uac_callee_hangs_up.xml" -inf "$work/callers.csv" -i 127.0.0.1 -p $((port + 1000)) \
    -r "$rate" -m "$count" -l "$limit" -timeout "$deadline" -timeout_error -nostdin -buff_size 4000000 \
    -default_behaviors all,-abortunexp -trace_stat -stf "$work/stat.csv" -fd 1 >"$work/sipp.out" 2>&1
  sipp_exit=$?
  sipp_cpu=$(tail -n 1 "$work/sipp.time" | awk '{ printf "%.2f", $1 + $2 }')
  cpu_after=$(cpu_ticks)
  drops_after=$(udp_receive_buffer_errors)
  sleep 0.5
  stop_uas
  read -r rss_kb pss_kb <<<"$(memory_kb)"
  eval "$(read_sipp_stats)"
  cpu_seconds=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
  awk -v agents="$acd_agents" -v rate="$rate" -v count="$count" -v talk="$talk_ms" \
      -v ok="$SuccessfulCall" -v failed="$FailedCall" -v retrans="$Retransmissions" -v elapsed="$elapsed" \
      -v drops=$((drops_after - drops_before)) -v cpu="$cpu_seconds" -v sipp_cpu="$sipp_cpu" \
      -v rss="$rss_kb" -v pss="$pss_kb" -v code="$sipp_exit" 'BEGIN {
    printf "agents=%d rate_asked=%d/s count=%d talk=%d ms\n", agents, rate, count, talk
    printf "successful=%d failed=%d unfinished=%d retransmissions=%d elapsed=%.1f s sipp_exit=%d\n", ok, failed, count - ok - failed, retrans, elapsed, code
    printf "calls_per_second=%.0f\n", ok / elapsed
    printf "udp_receive_buffer_errors=%d (whole machine, during the run)\n", drops
    printf "target_cpu=%.2f s (%.0f %% of one core over the run, %.1f us per call)\n", cpu, 100 * cpu / elapsed, ok ? 1e6 * cpu / ok : 0
    printf "sipp_cpu: callers=%.2f s\n", sipp_cpu
    printf "target_memory_after: VmRSS=%d kB Pss(tree)=%d kB\n", rss, pss
  }'
  python3 "$here/acd_handoff.py" "$work"/acd_agent_uas_*_messages.log
  if [[ $FailedCall != 0 ]]; then
    echo "failure causes: UDP retransmissions exhausted=$FailedMaxUDPRetrans unexpected=$FailedUnexpectedMessage" \
         "recv timeout=$FailedTimeoutOnRecv"
    grep -E "^\s+[0-9]{3} <|INVITE|BYE" "$work/sipp.out" | head -20
  fi
done
