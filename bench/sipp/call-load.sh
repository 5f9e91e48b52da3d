#!/usr/bin/env bash
# Call set-up load: SIPp UAC -> target -> SIPp UAS, 1 s calls (-d), at a fixed rate for a bounded number of calls.
#   bench/sipp/call-load.sh --target kamailio --rate 500 --count 10000     # the anchor: Kamailio as a stateful proxy
#   bench/sipp/call-load.sh --target callcenter --rate 500 --count 10000   # CallCenter as a B2BUA, Release build
# Kamailio runs ../shared/anchors/kamailio-proxy.cfg unchanged (udp 127.0.0.1:5060 -> UAS on 127.0.0.1:5070) with
# SIPp's built-in uac/uas. CallCenter challenges every INVITE (407) like a PBX does, so its UAC runs
# call_uac_auth.xml (callers 10000.., callees 20000..20009 registered by the UAS's own socket first) and every
# call is two dialogs plus a media relay of two RTP/RTCP port pairs (no RTP flows: this is signalling).
# Prints calls/s achieved, failed calls, the target's CPU time per call and both SIPp processes' CPU.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
anchors=$(cd "$here/../../../shared/anchors" 2>/dev/null && pwd || true)

rate=200
count=""
hold_ms=1000
callees=10
usage() {
  echo "usage: $0 [--rate R] [--count M] [--hold MS] [options]"
  echo "  --rate R                       calls started per second (default 200)"
  echo "  --count M                      calls in all (default 20 s worth: 20 R)"
  echo "  --hold MS                      call duration after the answer (default 1000)"
  echo "  --repeat K                     run the load K times on one target (warm steady state)"
  usage_common
}
parse_common "$@"
set -- "${rest[@]}"
while (($#)); do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --hold) hold_ms=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
count=${count:-$((rate * 20))}
sipp_bin=$(command -v sipp) || { echo "sipp (Debian sip-tester) is missing" >&2; exit 1; }
uas_pid=""

stop_uas() {
  [[ -n $uas_pid ]] && kill -TERM "$uas_pid" 2>/dev/null && wait "$uas_pid" 2>/dev/null
  uas_pid=""
}
trap 'stop_uas; cleanup' EXIT

case "$target" in
  kamailio)
    [[ -f $anchors/kamailio-proxy.cfg ]] || { echo "no $anchors/kamailio-proxy.cfg" >&2; exit 1; }
    port=5060
    uas_port=5070
    kamailio -DD -E -f "$anchors/kamailio-proxy.cfg" -m 4096 -M 16 -x tlsf -X tlsf >"$work/target.log" 2>&1 &
    target_pid=$!
    wait_for_udp_port
    ;;
  callcenter)
    uas_port=$((port + 200))
    start_callcenter
    # The callees are registered from the UAS's own address before the UAS takes the port.
    {
      echo SEQUENTIAL
      for ((c = 20000; c < 20000 + callees; c++)); do echo "$c;[authentication username=$c password=secret];x"; done
    } >"$work/callees.csv"
    "$sipp_bin" "127.0.0.1:$port" -sf "$scenarios/register.xml" -inf "$work/callees.csv" -i 127.0.0.1 -p "$uas_port" \
      -m "$callees" -r 50 -nostdin -timeout 20 -timeout_error >"$work/register.out" 2>&1 \
      || { echo "registering the callees failed:" >&2; tail -20 "$work/register.out" >&2; exit 1; }
    {
      echo SEQUENTIAL
      for ((u = 10000; u < 10000 + users; u++)); do
        echo "$u;$((20000 + u % callees));[authentication username=$u password=secret]"
      done
    } >"$work/callers.csv"
    ;;
esac

"$sipp_bin" -sn uas -i 127.0.0.1 -p "$uas_port" -nostdin -buff_size 4000000 -timeout 600 -default_behaviors all,-abortunexp \
  >"$work/uas.out" 2>&1 &
uas_pid=$!
sleep 0.5
ticks_per_second=$(getconf CLK_TCK)
for ((round = 1; round <= ${repeat:-1}; round++)); do
  ((round > 1)) && echo "--- round $round"
  cpu_before=$(cpu_ticks)
  faults_before=$(minor_faults)
  runtime_before=$(runtime_json)
  calls_before=$(calls_json)
  uas_before=$(awk '{print $14 + $15}' "/proc/$uas_pid/stat" 2>/dev/null || echo 0)
  drops_before=$(udp_receive_buffer_errors)
  limit=$((rate * (hold_ms / 1000 + 3) + 1000))
  deadline=$((count / rate + 60))
  if [[ $target == kamailio ]]; then
    scenario=(-sn uac)
  else
    scenario=(-sf "$here/call_uac_auth.xml" -inf "$work/callers.csv")
  fi
  /usr/bin/time -f "%U %S" -o "$work/sipp.time" "$sipp_bin" "127.0.0.1:$port" "${scenario[@]}" -i 127.0.0.1 -p $((port + 1)) \
    -r "$rate" -m "$count" -l "$limit" -d "$hold_ms" -timeout "$deadline" -timeout_error -nostdin -buff_size 4000000 \
    -default_behaviors all,-abortunexp -trace_stat -stf "$work/stat.csv" -fd 1 >"$work/sipp.out" 2>&1
  sipp_exit=$?
  sipp_cpu=$(tail -n 1 "$work/sipp.time" | awk '{ printf "%.2f", $1 + $2 }')
  cpu_after=$(cpu_ticks)
  faults_after=$(minor_faults)
  runtime_after=$(runtime_json)
  uas_after=$(awk '{print $14 + $15}' "/proc/$uas_pid/stat" 2>/dev/null || echo 0)
  drops_after=$(udp_receive_buffer_errors)
  read -r rss_kb pss_kb <<<"$(memory_kb)"
  eval "$(read_sipp_stats)"
  cpu_seconds=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
  uas_cpu=$(awk -v t=$((uas_after - uas_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
  awk -v target="$target" -v rate="$rate" -v count="$count" -v hold="$hold_ms" \
      -v ok="$SuccessfulCall" -v failed="$FailedCall" -v retrans="$Retransmissions" -v elapsed="$elapsed" \
      -v drops=$((drops_after - drops_before)) -v cpu="$cpu_seconds" -v sipp_cpu="$sipp_cpu" -v uas_cpu="$uas_cpu" \
      -v rss="$rss_kb" -v pss="$pss_kb" -v code="$sipp_exit" -v faults=$((faults_after - faults_before)) 'BEGIN {
    printf "target=%s rate_asked=%d/s count=%d hold=%d ms\n", target, rate, count, hold
    printf "successful=%d failed=%d unfinished=%d retransmissions=%d elapsed=%.1f s sipp_exit=%d\n", ok, failed, count - ok - failed, retrans, elapsed, code
    printf "calls_per_second=%.0f\n", ok / elapsed
    printf "udp_receive_buffer_errors=%d (whole machine, during the run)\n", drops
    printf "target_cpu=%.2f s (%.0f %% of one core over the run, %.1f us per call)\n", cpu, 100 * cpu / elapsed, ok ? 1e6 * cpu / ok : 0
    printf "target_minor_faults=%d (%.1f per call)\n", faults, ok ? faults / ok : 0
    printf "sipp_cpu: uac=%.2f s uas=%.2f s\n", sipp_cpu, uas_cpu
    printf "target_memory_after: VmRSS=%d kB Pss(tree)=%d kB\n", rss, pss
  }'
  runtime_delta "$runtime_before" "$runtime_after" "$SuccessfulCall" call
  calls_delta "$calls_before" "$(calls_json)"
  if [[ $FailedCall != 0 ]]; then
    echo "failure causes: UDP retransmissions exhausted=$FailedMaxUDPRetrans unexpected=$FailedUnexpectedMessage" \
         "refused with 503 (shed or at a limit; the scenario fails them by a recv timeout)=$FailedTimeoutOnRecv"
    grep -E "^\s+[0-9]{3} <|INVITE|BYE" "$work/sipp.out" | head -20
  fi
done
