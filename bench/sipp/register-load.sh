#!/usr/bin/env bash
# REGISTER-with-digest load against a registrar: SIPp runs register.xml (REGISTER, 401, REGISTER with credentials,
# 200 listing the binding) at a fixed rate for a bounded number of registrations, users taken in turn from N so
# that bindings spread over N addresses of record. Prints what SIPp achieved and the CPU time the target spent.
#   bench/sipp/register-load.sh --rate 1000 --count 20000                      # Kamailio (kamailio-registrar.cfg)
#   bench/sipp/register-load.sh --target callcenter --rate 1000 --count 20000  # CallCenter.Server, Release build
# Run it beside nothing else: SIPp and the target share this machine's cores.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

rate=500
count=""
usage() {
  echo "usage: $0 [--rate R] [--count M] [options]"
  echo "  --rate R                       registrations started per second (default 500)"
  echo "  --count M                      registrations in all (default 20 s worth: 20 R)"
  echo "  --repeat K                     run the load K times on one target, to see the warm steady state"
  usage_common
}
parse_common "$@"
set -- "${rest[@]}"
while (($#)); do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
count=${count:-$((rate * 20))}

write_users "$work/users.csv" "$users"
start_target
ticks_per_second=$(getconf CLK_TCK)
# --repeat K runs the same load K times on one started target: the first run pays for JIT and warm-up, the later
# ones show the steady state (bindings refreshed from the same contact, so the binding count stays at N).
for ((round = 1; round <= ${repeat:-1}; round++)); do
((round > 1)) && echo "--- round $round"
cpu_before=$(cpu_ticks)
runtime_before=$(runtime_json)
drops_before=$(udp_receive_buffer_errors)
run_sipp "$work/users.csv" "$rate" "$count"
cpu_after=$(cpu_ticks)
runtime_after=$(runtime_json)
drops_after=$(udp_receive_buffer_errors)
read -r rss_kb pss_kb <<<"$(memory_kb)"
eval "$(read_sipp_stats)"

cpu_seconds=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" 'BEGIN { printf "%.2f", t / hz }')
awk -v target="$target" -v transport="$transport" -v rate="$rate" -v count="$count" -v users="$users" \
    -v ok="$SuccessfulCall" -v failed="$FailedCall" -v retrans="$Retransmissions" -v elapsed="$elapsed" \
    -v drops=$((drops_after - drops_before)) -v cpu="$cpu_seconds" -v sipp_cpu="$sipp_cpu" -v rss="$rss_kb" -v pss="$pss_kb" -v code="$sipp_exit" 'BEGIN {
  printf "target=%s transport=%s users=%d rate_asked=%d/s count=%d\n", target, transport, users, rate, count
  printf "successful=%d failed=%d retransmissions=%d elapsed=%.1f s sipp_exit=%d\n", ok, failed, retrans, elapsed, code
  printf "registrations_per_second=%.0f\n", ok / elapsed
  printf "udp_receive_buffer_errors=%d (whole machine, during the run)\n", drops
  printf "target_cpu=%.2f s (%.0f %% of one core over the run, %.1f us per registration)\n", cpu, 100 * cpu / elapsed, ok ? 1e6 * cpu / ok : 0
  printf "sipp_cpu=%.2f s (%.0f %% of one core)\n", sipp_cpu, 100 * sipp_cpu / elapsed
  printf "target_memory_after: VmRSS=%d kB Pss(tree)=%d kB\n", rss, pss
}'
runtime_delta "$runtime_before" "$runtime_after" "$SuccessfulCall" registration
if [[ $FailedCall != 0 ]]; then
  echo "failure causes: UDP retransmissions exhausted=$FailedMaxUDPRetrans unexpected=$FailedUnexpectedMessage" \
       "recv timeout=$FailedTimeoutOnRecv binding missing=$FailedRegexpDoesntMatch"
fi
done
