#!/usr/bin/env bash
# Issue 4 (b) and (c), in one run beside the anchor: the media relay's packets per CPU-second next to udpbench's C
# relay (the physical limit on this machine), then concurrent two-leg G.711 calls with RTP both ways through the relay.
# Everything is on 127.0.0.1, bounded in time, and stops by itself. The relay runs on core 1, generators and sinks on
# core 0, as in ../../../shared/anchors/README.md. Each measurement runs --repeat times; the summary shows medians.
#
#   (i)   udpbench relay fed by udpbench blast + sink as the anchors README shows (same shape and timing: 1,000 ports,
#         172-byte packets, batch 32; the ports moved below the ephemeral range, see below)
#   (i')  the same relay fed by rtpgen blast (the generator used for our relay, to show the generator does not matter)
#   (ii)  CallCenter.RtpBench: --relays 500 (1,000 RTP sockets that receive, as udpbench's 1,000), every leg's remote
#         on rtpgen's socket, blasted by rtpgen at full rate; PCMU on both legs, then PCMU->PCMA (every packet
#         transcoded). Relayed packets per CPU-second of our process over its steady window. The relay's sockets are
#         served by its event loop (the default on Linux) and, for comparison, by the runtime's async sockets
#         (--async-sockets, the relay before the event loop existed).
#   (c)   rtpgen paced: N calls, 20 ms G.711 both ways, each phone on its own socket, for --call-seconds; loss, RFC 3550
#         jitter, one-way delay, the relay's CPU and RSS per call; and the same N with no relay (-direct), the
#         generator's own jitter, so that what the relay adds can be read off.
# --loops "1 2" runs our relay with each number of event loops (MediaRelayOptions.EventLoops): with one loop the host
# is pinned to the relay core as before; with more it may use every core (--multi-cores), sharing core 0 with the
# generator, and its packets per CPU-second then count the CPU of all its loops.
# --inline also runs (b) for the async-sockets relay with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (the runtime's
# epoll thread runs socket continuations itself instead of handing them to the thread pool). --profile records the relay host at full
# rate with perf (DOTNET_PerfMapEnabled=1) for 10 s and prints where the time goes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
anchors=${ANCHORS:-$(cd "$repo/.." && pwd)/shared/anchors}

repeat=2
calls="200 500 1000"
call_seconds=20
blast_seconds=10
relays=500
fixed_rate=50000
inline=false
with_async=true
with_direct=true
profile=false
no_build=false
keep=false
parts="b c"
relay_core=1
gen_core=0
loops_list="1"
multi_cores="0-$(($(nproc) - 1))"
# Ports stay below the ephemeral range (32768-60999 here): the README's 42000-42999 met another process's ephemeral
# port once. Runs are sequential, so only the ports of one run must not overlap.
relay_base=12000    # our relay: relay i has legs A/B on relay_base+4i / +4i+2 (RTCP above each)
phone_base=18000    # rtpgen paced: phone A/B of call i on phone_base+4i / +4i+2
anchor_in=24000     # udpbench relay: 1,000 ports from here
sink_port=25000     # udpbench sink, rtpgen blast's socket, and every leg's remote in (b)

usage() {
  cat <<EOF
usage: $0 [options]
  --repeat N            runs of each measurement (default 2; the summary shows medians)
  --parts "b c"         which parts to run: b (packets per CPU-second) and/or c (concurrent calls)
  --calls "200 500 1000"  call counts for (c)
  --call-seconds S      length of each (c) run (default 20)
  --blast-seconds S     length of each (b) blast (default 10)
  --relays N            relays for (b) (default 500 = 1,000 receiving RTP sockets)
  --fixed-rate PPS      the equal load both relays get in (b) besides full rate (default 50000)
  --inline              also run (b) for the async-sockets relay with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
  --no-async            skip the async-sockets relay (the comparison with the relay before its event loop)
  --loops "1 2"         event loops for our relay, one set of runs each (default 1; labels gain -Nloops above 1)
  --multi-cores LIST    taskset CPU list of a relay with more than one loop (default all cores: $multi_cores)
  --no-direct           skip (c)'s no-relay baseline (the generator's own jitter)
  --profile             perf record the relay host at full rate for 10 s and summarise
  --no-build            use the existing Release build of bench/CallCenter.RtpBench
  --keep                keep the work folder (every process's output)
EOF
}

while (($#)); do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --parts) parts=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    --call-seconds) call_seconds=$2; shift 2 ;;
    --blast-seconds) blast_seconds=$2; shift 2 ;;
    --relays) relays=$2; shift 2 ;;
    --fixed-rate) fixed_rate=$2; shift 2 ;;
    --inline) inline=true; shift ;;
    --no-async) with_async=false; shift ;;
    --loops) loops_list=$2; shift 2 ;;
    --multi-cores) multi_cores=$2; shift 2 ;;
    --no-direct) with_direct=false; shift ;;
    --profile) profile=true; shift ;;
    --no-build) no_build=true; shift ;;
    --keep) keep=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if ((repeat < 1 || repeat > 5 || call_seconds < 5 || call_seconds > 60 || blast_seconds < 3 || blast_seconds > 30 || relays < 1 || relays > 1000)); then
  echo "--repeat 1-5, --call-seconds 5-60, --blast-seconds 3-30, --relays 1-1000" >&2; exit 2
fi
for n in $calls; do
  if ((n < 1 || n > 1500)); then echo "--calls: 1-1500 each" >&2; exit 2; fi
done
for l in $loops_list; do
  if ((l < 1 || l > 16)); then echo "--loops: 1-16 each" >&2; exit 2; fi
done
# The label of our relay with L loops, and the cores it may run on.
loop_label() { if (($2 == 1)); then echo "$1"; else echo "$1-$2loops"; fi; }
loop_cores() { if (($1 == 1)); then echo "$relay_core"; else echo "$multi_cores"; fi; }

work=$(mktemp -d /tmp/cc-rtp-bench.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  if [[ $keep == true ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------------------ helpers
kv() { grep -o "\b$2=[^ ]*" <<<"$1" | head -1 | cut -d= -f2; }
median() { printf '%s\n' "$@" | awk 'NF' | sort -g | awk '{v[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
declare -A results
record() { results[$1]="${results[$1]:-} $2"; }
values() { echo "${results[$1]:-}"; }
failed() { echo "  (that measurement failed; its output is in $work)"; keep=true; }

# Sets how many event loops the next relay hosts run and on which cores.
use_loops() { host_loops=$1; host_cores=$(loop_cores "$1"); }
use_loops 1

# Starts the relay host on the relay core and waits for its "ready" line. Usage: start_host OUT [VAR=VALUE...] -- ARGS
start_host() {
  local out=$1; shift
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  : >"$out"
  env "${envs[@]}" taskset -c "$host_cores" "$host" "$@" --loops "$host_loops" >"$out" 2>&1 &
  host_pid=$!
  pids+=("$host_pid")
  local i
  for ((i = 0; i < 600; i++)); do
    if grep -q '^ready' "$out"; then return 0; fi
    if ! kill -0 "$host_pid" 2>/dev/null; then echo "relay host failed:" >&2; cat "$out" >&2; return 1; fi
    sleep 0.1
  done
  echo "relay host not ready after 60 s" >&2
  return 1
}

# ----------------------------------------------------------------------------------------------------------- building
echo "== building (work folder $work)"
gcc -O2 -o "$work/udpbench" "$anchors/udpbench.c"
gcc -O2 -Wall -o "$work/rtpgen" "$here/rtpgen.c" -lpthread -lm
if [[ $no_build != true ]]; then
  dotnet build "$repo/bench/CallCenter.RtpBench/CallCenter.RtpBench.csproj" -c Release -nologo -v q 2>&1 | grep -E "error|Warn|Elapsed" || true
fi
host="$repo/bench/CallCenter.RtpBench/bin/Release/net10.0/CallCenter.RtpBench"
[[ -x $host ]] || { echo "no relay host at $host" >&2; exit 1; }
udpbench="$work/udpbench"
rtpgen="$work/rtpgen"
echo "machine: $(nproc) cores, $(uname -r), $(dotnet --version 2>/dev/null | head -1) SDK; load average at start: $(load)"

# ---------------------------------------------------------------------------------------------- (b) per CPU-second
anchor_run() { # LABEL GENERATOR(udpbench|rtpgen) REP [PPS for rtpgen; default as fast as it can]
  local out="$work/b-$1-$3" rate=${4:-}
  taskset -c "$relay_core" /usr/bin/time -f "cpu %U %S" "$udpbench" relay "$anchor_in" 1000 "$sink_port" $((blast_seconds + 2)) 1 >"$out.relay" 2>&1 &
  local relay_pid=$!
  pids+=("$relay_pid")
  sleep 0.3
  if [[ $2 == udpbench ]]; then
    taskset -c "$gen_core" "$udpbench" sink "$sink_port" $((blast_seconds + 3)) 32 >"$out.sink" &
    local sink_pid=$!
    pids+=("$sink_pid")
    sleep 0.2
    taskset -c "$gen_core" "$udpbench" blast "$anchor_in" 1000 "$blast_seconds" 172 32 >"$out.gen"
    wait "$sink_pid"
  else
    taskset -c "$gen_core" "$rtpgen" blast "$anchor_in" 1 1000 "$sink_port" "$blast_seconds" 32 $rate >"$out.gen"
  fi
  local line forwarded cpu traffic
  if ! wait "$relay_pid" || ! line=$(grep '^relay' "$out.relay"); then cat "$out.relay" >&2; return 1; fi
  forwarded=$(kv "$line" forwarded)
  cpu=$(awk '/^cpu/ {print $2 + $3}' "$out.relay")
  local per_cpu
  per_cpu=$(awk -v f="$forwarded" -v c="$cpu" 'BEGIN {printf "%.0f", (c > 0 ? f / c : 0)}')
  # udpbench reports its pps over the span it saw traffic; its CPU share over that span is what a rate costs it.
  traffic=$(awk -v f="$forwarded" -v p="$(kv "$line" pps)" 'BEGIN {printf "%.2f", (p > 0 ? f / p : 0)}')
  record "b:$1" "$per_cpu"
  record "b:$1:cpu" "$(awk -v c="$cpu" -v t="$traffic" 'BEGIN {printf "%.1f", (t > 0 ? 100 * c / t : 0)}')"
  printf '  %-28s run %d: forwarded %s at %s pps, %s CPU-s over %s s of traffic -> %s packets per CPU-second (load %s)\n' \
    "$1" "$3" "$forwarded" "$(kv "$line" pps)" "$cpu" "$traffic" "$per_cpu" "$(load)"
}

ours_blast() { # LABEL CODEC REP PPS(0: as fast as it can) [--host-flag...] [VAR=VALUE...]
  local label=$1 codec=$2 rep=$3 rate=$4
  shift 4
  [[ $rate == 0 ]] && rate=""
  local flags=() envs=()
  for arg in "$@"; do
    if [[ $arg == --* ]]; then flags+=("$arg"); else envs+=("$arg"); fi
  done
  local out="$work/b-$label-$rep" pts=0
  [[ $codec == pcmu-pcma ]] && pts=0,8
  [[ $codec == pcma ]] && pts=8
  start_host "$out.host" "${envs[@]}" -- --relays "$relays" --ports "$relay_base-$((relay_base + 4 * relays - 1))" \
    --seconds $((blast_seconds + 4)) --remote "one:$sink_port" --codec "$codec" "${flags[@]}" || return 1
  taskset -c "$gen_core" "$rtpgen" blast "$relay_base" 2 $((2 * relays)) "$sink_port" "$blast_seconds" 32 $rate -pt "$pts" >"$out.gen"
  wait "$host_pid" || return 1
  local steady whole
  steady=$(grep '^rtpbench steady' "$out.host")
  whole=$(grep '^rtpbench whole' "$out.host")
  record "b:$label" "$(kv "$steady" relayed_per_cpu_s)"
  record "b:$label:whole" "$(kv "$whole" relayed_per_cpu_s)"
  record "b:$label:alloc" "$(kv "$steady" alloc_bytes_per_packet)"
  record "b:$label:cpu" "$(kv "$steady" cpu_pct)"
  printf '  %-28s run %d: %s pps at %s%% of a core -> %s packets per CPU-second (%s us each; whole run %s; %s B allocated per packet) (load %s)\n' \
    "$label" "$rep" "$(kv "$steady" out_pps)" "$(kv "$steady" cpu_pct)" "$(kv "$steady" relayed_per_cpu_s)" \
    "$(kv "$steady" cpu_us_per_packet)" "$(kv "$whole" relayed_per_cpu_s)" "$(kv "$steady" alloc_bytes_per_packet)" "$(load)"
}

if [[ " $parts " == *" b "* ]]; then
  echo
  echo "== (b) packets relayed per CPU-second, relay on core $relay_core (several loops: cores $multi_cores), generator and sink on core $gen_core"
  for ((rep = 1; rep <= repeat; rep++)); do
    anchor_run udpbench-readme udpbench "$rep" || failed
    anchor_run udpbench-rtpgen rtpgen "$rep" || failed
    for l in $loops_list; do
      use_loops "$l"
      ours_blast "$(loop_label callcenter-pcmu "$l")" pcmu "$rep" 0 || failed
      ours_blast "$(loop_label callcenter-pcmu-pcma "$l")" pcmu-pcma "$rep" 0 || failed
    done
    use_loops 1
    if [[ $with_async == true ]]; then
      ours_blast callcenter-async-pcmu pcmu "$rep" 0 --async-sockets || failed
    fi
    if [[ $inline == true ]]; then
      ours_blast callcenter-async-inline pcmu "$rep" 0 --async-sockets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 || failed
    fi
    # The same load for both, below either one's limit: what a given rate costs (the README's "100,000 packets/s
    # costs 66 % of a core" figure, at half that rate so that neither relay is saturated).
    anchor_run udpbench-at-$fixed_rate rtpgen "$rep" "$fixed_rate" || failed
    for l in $loops_list; do
      use_loops "$l"
      ours_blast "$(loop_label callcenter-at-$fixed_rate "$l")" pcmu "$rep" "$fixed_rate" || failed
    done
    use_loops 1
    if [[ $with_async == true ]]; then
      ours_blast callcenter-async-at-$fixed_rate pcmu "$rep" "$fixed_rate" --async-sockets || failed
    fi
    if [[ $inline == true ]]; then
      ours_blast callcenter-inline-at-$fixed_rate pcmu "$rep" "$fixed_rate" --async-sockets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 || failed
    fi
  done
fi

# ------------------------------------------------------------------------------------------------ (c) concurrent calls
paced_run() { # LABEL CALLS REP [--host-flag...] [VAR=VALUE...]
  local label=$1 n=$2 rep=$3
  shift 3
  local flags=() envs=() arg
  for arg in "$@"; do
    if [[ $arg == --* ]]; then flags+=("$arg"); else envs+=("$arg"); fi
  done
  local out="$work/c-$label-$n-$rep" gen host_steady host_memory
  if [[ $label == direct* ]]; then
    taskset -c "$gen_core" "$rtpgen" paced "$relay_base" "$phone_base" "$n" "$call_seconds" -direct >"$out.gen"
  else
    start_host "$out.host" "${envs[@]}" -- --relays "$n" --ports "$relay_base-$((relay_base + 4 * n - 1))" \
      --seconds $((call_seconds + 3)) --remote "call:$phone_base" --codec pcmu "${flags[@]}" || return 1
    taskset -c "$gen_core" "$rtpgen" paced "$relay_base" "$phone_base" "$n" "$call_seconds" >"$out.gen"
    wait "$host_pid" || return 1
    host_steady=$(grep '^rtpbench steady' "$out.host")
    host_memory=$(grep '^rtpbench memory' "$out.host")
    record "c:$label:$n:cpu" "$(kv "$host_steady" cpu_pct)"
    record "c:$label:$n:us" "$(kv "$host_steady" cpu_us_per_packet)"
    record "c:$label:$n:rss" "$(kv "$host_memory" rss_per_relay_kb)"
    record "c:$label:$n:managed" "$(kv "$host_memory" managed_per_relay_bytes)"
  fi
  gen=$(grep '^rtpgen paced' "$out.gen")
  local key
  for key in loss_pct jitter_mean_ms jitter_p99_ms delay_p50_ms delay_p99_ms tick_lag_p99_ms; do
    record "c:$label:$n:$key" "$(kv "$gen" "$key")"
  done
  printf '  %-13s %5d calls run %d: loss %s%% (%s of %s), jitter mean %s p99 %s ms, delay p50 %s p99 %s ms, generator tick lag p99 %s ms' \
    "$label" "$n" "$rep" "$(kv "$gen" loss_pct)" "$(kv "$gen" lost)" "$(kv "$gen" sent)" "$(kv "$gen" jitter_mean_ms)" \
    "$(kv "$gen" jitter_p99_ms)" "$(kv "$gen" delay_p50_ms)" "$(kv "$gen" delay_p99_ms)" "$(kv "$gen" tick_lag_p99_ms)"
  if [[ $label != direct* ]]; then
    printf ', relay %s%% of one core (%s us per packet), RSS %s KB per call' \
      "$(kv "$host_steady" cpu_pct)" "$(kv "$host_steady" cpu_us_per_packet)" "$(kv "$host_memory" rss_per_relay_kb)"
  fi
  printf ' (load %s)\n' "$(load)"
}

if [[ " $parts " == *" c "* ]]; then
  echo
  echo "== (c) concurrent calls, G.711 20 ms both ways, ${call_seconds} s each; relay on core $relay_core (several loops: cores $multi_cores), rtpgen on core $gen_core"
  for n in $calls; do
    for ((rep = 1; rep <= repeat; rep++)); do
      if [[ $with_direct == true ]]; then
        paced_run direct "$n" "$rep" || failed
      fi
      for l in $loops_list; do
        use_loops "$l"
        paced_run "$(loop_label relay "$l")" "$n" "$rep" || failed
      done
      use_loops 1
      if [[ $with_async == true ]]; then
        paced_run async "$n" "$rep" --async-sockets || failed
      fi
    done
  done
fi

# ------------------------------------------------------------------------------------------------------------ profile
if [[ $profile == true ]]; then
  echo
  echo "== profile: relay host at full rate (PCMU), perf record -g for 10 s"
  out="$work/profile"
  start_host "$out.host" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 -- --relays "$relays" \
    --ports "$relay_base-$((relay_base + 4 * relays - 1))" --seconds 17 --remote "one:$sink_port"
  pid=$(sed -n 's/^ready pid=\([0-9]*\).*/\1/p' "$out.host")
  taskset -c "$gen_core" "$rtpgen" blast "$relay_base" 2 $((2 * relays)) "$sink_port" 14 32 >"$out.gen" &
  gen_pid=$!
  pids+=("$gen_pid")
  sleep 3
  perf record -F 999 -g -p "$pid" -o "$out.data" -- sleep 10 >/dev/null 2>&1
  wait "$gen_pid" "$host_pid"
  echo "-- by binary (self time)"
  # (|| true: with pipefail, head closing the pipe early would end the script)
  perf report -i "$out.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8 || true
  echo "-- kernel entry points and scheduling (time including callees)"
  perf report -i "$out.data" --children --sort symbol -g none --stdio 2>/dev/null |
    grep -E '\[k\] (__sys_sendmsg|__sys_recvmsg|do_epoll_wait|__schedule|handle_softirqs|sock_def_readable|__x64_sys_futex) ' |
    awk '{print "   " $1 "  " $4}' || true
  echo "-- top symbols (self time)"
  perf report -i "$out.data" --no-children --sort symbol -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -25 |
    sed -E 's/ +-? +-? *$//' | cut -c1-160 || true
  grep '^rtpbench steady' "$out.host" || true
  rm -f "/tmp/perf-$pid.map" "/tmp/perfinfo-$pid.map"
fi

# ------------------------------------------------------------------------------------------------------------ summary
echo
echo "== summary (medians of $repeat; load average now $(load))"
if [[ " $parts " == *" b "* ]]; then
  anchor=$(median $(values b:udpbench-readme))
  anchor_fixed=$(median $(values "b:udpbench-at-$fixed_rate"))
  printf '%-34s %12s %10s %10s   %s\n' "(b) relay" "pkts/CPU-s" "vs udpbench" "CPU %" "runs (pkts/CPU-s)"
  ours=() ours_fixed=()
  for l in $loops_list; do
    ours+=("$(loop_label callcenter-pcmu "$l")" "$(loop_label callcenter-pcmu-pcma "$l")")
    ours_fixed+=("$(loop_label callcenter-at-$fixed_rate "$l")")
  done
  for label in udpbench-readme udpbench-rtpgen "${ours[@]}" callcenter-async-pcmu \
    callcenter-async-inline udpbench-at-$fixed_rate "${ours_fixed[@]}" callcenter-async-at-$fixed_rate \
    callcenter-inline-at-$fixed_rate; do
    v=$(values "b:$label")
    [[ -z $v ]] && continue
    m=$(median $v)
    a=$anchor
    [[ $label == *-at-* ]] && a=$anchor_fixed
    printf '%-34s %12s %9s%% %10s   %s\n' "$label" "$m" "$(awk -v m="$m" -v a="$a" 'BEGIN {printf "%.0f", (a > 0 ? 100 * m / a : 0)}')" \
      "$(median $(values "b:$label:cpu"))" "$v"
  done
  echo "  (full-rate rows are compared with udpbench-readme, the -at- rows with udpbench at the same rate;"
  echo "   relayed G.711 calls per core = pkts/CPU-s / 100: a call relays 100 packets/s, 50 each way; CPU % is the"
  echo "   relay's share of its core while traffic flowed - at full rate a figure below 100 means the machine's other"
  echo "   load took the rest)"
fi
if [[ " $parts " == *" c "* ]]; then
  printf '\n%-13s %6s %8s %9s %9s %9s %9s %9s %8s %10s %10s\n' "(c)" calls "loss %" "jit mean" "jit p99" "dly p50" "dly p99" "gen lag" "CPU %" "us/packet" "RSS KB/call"
  for n in $calls; do
    relay_labels=()
    for l in $loops_list; do relay_labels+=("$(loop_label relay "$l")"); done
    for label in direct "${relay_labels[@]}" async; do
      [[ -z $(values "c:$label:$n:loss_pct") ]] && continue
      printf '%-13s %6d %8s %9s %9s %9s %9s %9s %8s %10s %10s\n' "$label" "$n" \
        "$(median $(values "c:$label:$n:loss_pct"))" "$(median $(values "c:$label:$n:jitter_mean_ms"))" \
        "$(median $(values "c:$label:$n:jitter_p99_ms"))" "$(median $(values "c:$label:$n:delay_p50_ms"))" \
        "$(median $(values "c:$label:$n:delay_p99_ms"))" "$(median $(values "c:$label:$n:tick_lag_p99_ms"))" \
        "$(median $(values "c:$label:$n:cpu"))" "$(median $(values "c:$label:$n:us"))" "$(median $(values "c:$label:$n:rss"))"
    done
  done
  echo "  (jitter and delay in ms; RFC 3550 A.8 jitter from kernel receive stamps; 'gen lag' is how late rtpgen's 20 ms"
  echo "   ticks started, p99 - above a few ms the generator, not the relay, is short of CPU)"
fi
