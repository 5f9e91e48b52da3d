# Shared by register-load.sh and register-hold.sh (sourced, not run): option parsing, the registrar under test
# (Kamailio from kamailio-registrar.cfg, or CallCenter.Server from a Release build), the SIPp injection file, and
# the target's CPU time and memory read from /proc.
# Users are extensions 10000 .. 10000+N-1, password "secret" (at most 10,000: Kamailio admits ^1[0-9]{4}$).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
scenarios="$repo/CallCenter.Tests/Interop/Scenarios"

target=kamailio
port=""
users=10000
transport=u1
keep=false
no_build=false
restart_from=""
ready_to_run=false
log_level=""
target_pid=""
work=""

usage_common() {
  cat <<EOF
  --target kamailio|callcenter   registrar under test (default kamailio)
  --port P                       its SIP port on 127.0.0.1 (default 15080 for kamailio, 15090 for callcenter)
  --users N                      distinct users 10000 .. 10000+N-1 (default 10000, at most 10000)
  --transport u1|t1              SIPp transport: one UDP socket or one TCP connection (default u1)
  --no-build                     callcenter: use the existing Release build
  --ready-to-run                 callcenter: publish it precompiled (ReadyToRun) instead, and run that
  --log-level LEVEL              callcenter: <logging level> (default: the shipped Information)
  --keep                         keep the work folder (SIPp statistics, target log) for reading
  --restart-from DIR             callcenter: start on the data folder of an earlier run kept with --keep (a restart:
                                 its database and the JIT profile its stop wrote, install/data/jit.profile)
EOF
}

# Parses the options both scripts share; sets "rest" to the ones it did not know.
parse_common() {
  rest=()
  while (($#)); do
    case "$1" in
      --target) target=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      --users) users=$2; shift 2 ;;
      --transport) transport=$2; shift 2 ;;
      --no-build) no_build=true; shift ;;
      --ready-to-run) ready_to_run=true; shift ;;
      --log-level) log_level=$2; shift 2 ;;
      --keep) keep=true; shift ;;
      --restart-from) restart_from=$2; shift 2 ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  case "$target" in
    kamailio) port=${port:-15080} ;;
    callcenter) port=${port:-15090} ;;
    *) echo "unknown target '$target'" >&2; exit 2 ;;
  esac
  if ((users < 1 || users > 10000)); then
    echo "--users must be 1..10000" >&2; exit 2
  fi
  work=$(mktemp -d /tmp/cc-sipp-bench.XXXXXX)
  trap cleanup EXIT
}

cleanup() {
  stop_target
  if [[ $keep == true ]]; then
    echo "work folder kept: $work"
  else
    rm -rf "$work"
  fi
}

write_users() {
  local file=$1 count=$2 user
  {
    echo SEQUENTIAL
    for ((user = 10000; user < 10000 + count; user++)); do
      echo "$user;[authentication username=$user password=secret];[authentication username=$user password=wrong]"
    done
  } >"$file"
}

wait_for_udp_port() {
  local attempt
  for ((attempt = 0; attempt < 100; attempt++)); do
    [[ -n $(ss -Hlnu "sport = :$port") ]] && return 0
    kill -0 "$target_pid" 2>/dev/null || { echo "the target exited; its log:" >&2; tail -20 "$work/target.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing listens on udp/$port after 10 s" >&2; exit 1
}

start_kamailio() {
  # tlsf: Debian's default allocator is ~3.5x slower (anchors README). Two UDP and two TCP workers, as the cfg says.
  kamailio -DD -E -f "$here/kamailio-registrar.cfg" -A 'USERS="^1[0-9]{4}$"' \
    -l "udp:127.0.0.1:$port" -l "tcp:127.0.0.1:$port" -m 512 -M 16 -x tlsf -X tlsf >"$work/target.log" 2>&1 &
  target_pid=$!
  wait_for_udp_port
}

start_callcenter() {
  local project="$repo/CallCenter.Server/CallCenter.Server.csproj"
  local dll="$repo/CallCenter.Server/bin/Release/net10.0/CallCenter.Server.dll"
  if [[ $ready_to_run == true ]]; then
    # Our assemblies compiled ahead of time (the framework's already are): the cold first round then waits for
    # no JIT, as a service started under full load would not.
    dll="$repo/CallCenter.Server/bin/Release/ready-to-run/CallCenter.Server.dll"
    if [[ $no_build != true || ! -f $dll ]]; then
      dotnet publish "$project" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -o "$(dirname "$dll")" -nologo -v quiet -clp:ErrorsOnly >&2 || { echo "ReadyToRun publish failed" >&2; exit 1; }
    fi
  elif [[ $no_build != true ]]; then
    dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >&2 || { echo "Release build failed" >&2; exit 1; }
  fi
  [[ -f $dll ]] || { echo "no Release build at $dll" >&2; exit 1; }
  local web_port=$((port + 1))
  mkdir -p "$work/install"
  cp -r "$repo/config" "$work/install/config"
  if [[ -n $restart_from ]]; then
    [[ -d $restart_from/install/data ]] || { echo "--restart-from: no install/data in $restart_from" >&2; exit 2; }
    cp -r "$restart_from/install/data" "$work/install/data"
  fi
  # As ShippedConfigCopy does for the tests: loopback listeners on our ports, no console logging; plus N users
  # and loopback trusted, so that the ban never mistakes the load generator for an attacker.
  python3 - "$work/install/config" "$port" "$web_port" "$users" "${callees:-0}" "${acd_agents:-0}" "$log_level" <<'PY'
import sys, xml.etree.ElementTree as ET
folder, sip_port, web_port, users, callees = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
agents = int(sys.argv[6])
ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
main = ET.parse(f"{folder}/callcenter.xml")
root = main.getroot()
sip = root.find("sip")
for listener in list(sip.findall("listener")):
    if listener.get("address") == "0.0.0.0":
        listener.set("address", "127.0.0.1")
        listener.set("port", sip_port)
    else:
        sip.remove(listener)
security = sip.find("security")
ET.SubElement(security, "trusted", network="127.0.0.0/8")
root.find("web").set("port", web_port)
root.find("logging").set("console", "false")
if sys.argv[7]:
    root.find("logging").set("level", sys.argv[7])
if callees:
    # Call benches: room for thousands of relays and calls.
    root.find("rtp").set("portMin", "20000")
    root.find("rtp").set("portMax", "60000")
    root.find("calls").set("maxCalls", "20000")
main.write(f"{folder}/callcenter.xml", encoding="utf-8", xml_declaration=True)
with open(f"{folder}/extensions.xml", "w", encoding="utf-8") as out:
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<extensions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="schema/extensions.xsd">\n')
    for user in range(10000, 10000 + users):
        out.write(f'  <user extension="{user}" password="secret" />\n')
    # Callees of the call benches: one SIPp UAS registers them all, so each may carry many calls at once.
    for user in range(20000, 20000 + callees):
        out.write(f'  <user extension="{user}" password="secret" callLimit="1000" />\n')
    # ACD benches: agent a2000N works at extension 2000N, PIN 1234, in the one queue "bench".
    for agent in range(20000, 20000 + agents):
        out.write(f'  <agent id="a{agent}" name="Agent {agent}" pin="1234" extension="{agent}"><queue name="bench" penalty="0" /></agent>\n')
    out.write("</extensions>\n")
# The shipped queues name the shipped users (agents, overflow targets) that the load users replace: no queues here,
# except the ACD benches' own queue at 5000: longest idle, no wrap-up, no limits, every agent tried at once again.
# The shipped IVR flows route to those queues and users too.
import os
for name in ("queues.xml", "ivr.xml"):
    if os.path.exists(f"{folder}/{name}"):
        os.remove(f"{folder}/{name}")
if agents:
    with open(f"{folder}/queues.xml", "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<queues xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="schema/queues.xsd">\n')
        out.write('  <queue name="bench" number="5000" strategy="longest-idle" ringTimeout="10" retryDelay="0" maxWait="0" maxLength="0"\n')
        out.write('         joinWhenEmpty="yes" leaveWhenEmpty="no" wrapUp="0">\n    <serviceLevel threshold="20" formula="offered" />\n  </queue>\n</queues>\n')
PY
  # The descriptor limit the shipped systemd unit gives the service (LimitNOFILE=65536): a relay holds four sockets,
  # so a shell's default would cap the benches at a few thousand concurrent calls.
  ( ulimit -n 65536 2>/dev/null; exec dotnet "$dll" run --config "$work/install/config" ) >"$work/target.log" 2>&1 &
  target_pid=$!
  local attempt
  for ((attempt = 0; attempt < 300; attempt++)); do
    curl -fs -o /dev/null "http://127.0.0.1:$web_port/healthz" && return 0
    kill -0 "$target_pid" 2>/dev/null || { echo "the server exited; its log:" >&2; tail -20 "$work/target.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "/healthz did not answer within 30 s" >&2; exit 1
}

# CallCenter's runtime counters (GET /api/system/runtime) as one JSON line; empty for Kamailio.
runtime_json() {
  [[ $target == callcenter ]] && curl -fs "http://127.0.0.1:$((port + 1))/api/system/runtime"
}

# Prints the garbage collector's share between two runtime_json readings, per unit of work.
#   runtime_delta BEFORE AFTER WORK UNIT
runtime_delta() {
  [[ -n $1 && -n $2 ]] || return 0
  python3 - "$1" "$2" "$3" "$4" <<'PY2'
import json, sys
a, b, work, unit = json.loads(sys.argv[1]), json.loads(sys.argv[2]), max(int(sys.argv[3]), 1), sys.argv[4]
d = lambda k: b[k] - a[k]
print(f"target_gc: gen0={d('gen0Collections')} gen1={d('gen1Collections')} gen2={d('gen2Collections')} "
      f"pause={d('gcPauseMs'):.0f} ms ({1000 * d('gcPauseMs') / work:.1f} us per {unit}) "
      f"allocated={d('allocatedBytes') / work / 1024:.1f} KB per {unit} heap_after={b['heapBytes'] >> 20} MB "
      f"threads={b['threads']} pool_threads={b['threadPoolThreads']}")
print(f"target_gc_last_pauses_ms: ephemeral={b['lastEphemeralPauseMs']} background={b['lastBackgroundPauseMs']} "
      f"full_blocking={b['lastFullBlockingPauseMs']}")
e = b.get('lastEphemeral')
if e:
    sizes = " ".join(f"{s >> 20}" for s in e['generationSizesAfterBytes'])
    print(f"target_gc_last_ephemeral: gen{e['generation']} promoted={e['promotedBytes'] >> 20} MB generation_sizes_after_mb=[{sizes}]")
if 'jitMs' in b:
    print(f"target_jit: methods={d('jitMethods')} time={d('jitMs'):.0f} ms during the round ({b['jitMethods']} methods, {b['jitMs']:.0f} ms since start)")
PY2
}

# GET /api/calls of CallCenter (empty for Kamailio), and what changed between two readings: INVITEs refused for
# load (shed by queue delay, or over maxCalls / no relay left), and call reports the CDR writer dropped (lost records).
calls_json() {
  [[ $target == callcenter ]] || return 0
  curl -fs "http://127.0.0.1:$((port + 1))/api/calls" 2>/dev/null || true
}

calls_delta() {
  [[ -n $1 && -n $2 ]] || return 0
  python3 - "$1" "$2" <<'PY3'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
r = b.get('records') or {}
print(f"target_refused: shed={b['shed'] - a['shed']} over_limit={b['rejectedOverload'] - a['rejectedOverload']} "
      f"records_dropped={r.get('dropped', 0) - (a.get('records') or {}).get('dropped', 0)} records_waiting={r.get('depth', 0)}")
PY3
}

start_target() {
  case "$target" in
    kamailio) start_kamailio ;;
    callcenter) start_callcenter ;;
  esac
}

stop_target() {
  [[ -n $target_pid ]] || return 0
  if kill -0 "$target_pid" 2>/dev/null; then
    kill -TERM "$target_pid" 2>/dev/null
    local attempt
    for ((attempt = 0; attempt < 100; attempt++)); do
      kill -0 "$target_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$target_pid" 2>/dev/null
  fi
  wait "$target_pid" 2>/dev/null
  target_pid=""
}

# The target and every process below it (Kamailio forks its workers; CallCenter is one process).
process_tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid"); do
    process_tree "$child"
  done
}

# utime + stime of the whole tree, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted after the
# parenthesised command name, which may itself hold spaces).
cpu_ticks() {
  local total=0 pid fields
  for pid in $(process_tree "$target_pid"); do
    [[ -r /proc/$pid/stat ]] || continue
    read -r -a fields <<<"$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# Minor page faults of the whole tree (field 10 of /proc/PID/stat): fresh memory the kernel had to zero and map,
# which a heap that keeps giving pages back and taking them again pays for on every collection.
minor_faults() {
  local total=0 pid fields
  for pid in $(process_tree "$target_pid"); do
    [[ -r /proc/$pid/stat ]] || continue
    read -r -a fields <<<"$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + fields[7]))
  done
  echo "$total"
}

# VmRSS of the target's main process, and the proportional set size summed over the tree (kB). For Kamailio the
# Pss sum is the honest figure: its workers share the shm segment, which VmRSS counts once per process.
memory_kb() {
  local rss pss=0 pid value
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$target_pid/status")
  for pid in $(process_tree "$target_pid"); do
    value=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
    pss=$((pss + ${value:-0}))
  done
  echo "$rss $pss"
}

# UDP datagrams the kernel dropped because a socket's receive buffer was full (whole machine, /proc/net/snmp):
# under overload this is where the first REGISTERs are lost, before any retransmission shows it.
udp_receive_buffer_errors() {
  awk '/^Udp:/ { if (!names) { for (i = 1; i <= NF; i++) column[$i] = i; names = 1 } else print $column["RcvbufErrors"] }' /proc/net/snmp
}

# Runs SIPp's register.xml from the given injection file; every call is REGISTER, 401, REGISTER with digest, 200
# that lists the binding. Leaves SIPp's statistics in $work/stat.csv and its screen in $work/sipp.out.
run_sipp() {
  local csv=$1 rate=$2 count=$3
  local limit=$((rate * 2 > 1000 ? rate * 2 : 1000))
  local deadline=$((count / rate + 60))
  /usr/bin/time -f "%U %S" -o "$work/sipp.time" sipp "127.0.0.1:$port" -sf "$scenarios/register.xml" -inf "$csv" -t "$transport" -i 127.0.0.1 -p $((port + 100)) \
    -r "$rate" -m "$count" -l "$limit" -timeout "$deadline" -timeout_error -nostdin -buff_size 4000000 \
    -default_behaviors all,-bye -trace_stat -stf "$work/stat.csv" -fd 1 >"$work/sipp.out" 2>&1
  sipp_exit=$?
  sipp_cpu=$(tail -n 1 "$work/sipp.time" | awk '{ printf "%.2f", $1 + $2 }')
}

# Reads the last line of SIPp's statistics: one "name=value" per column the benches report.
read_sipp_stats() {
  python3 - "$work/stat.csv" <<'PY'
import sys
rows = [line.rstrip("\n").split(";") for line in open(sys.argv[1], encoding="utf-8", errors="replace") if line.strip()]
header, last = rows[0], rows[-1]
value = dict(zip(header, last))
epoch = lambda text: float(text.split("\t")[-1])
elapsed = epoch(value["CurrentTime"]) - epoch(value["StartTime"])
print(f"elapsed={elapsed:.3f}")
for name in ("SuccessfulCall(C)", "FailedCall(C)", "Retransmissions(C)", "FailedMaxUDPRetrans(C)",
             "FailedUnexpectedMessage(C)", "FailedTimeoutOnRecv(C)", "FailedRegexpDoesntMatch(C)"):
    print(f"{name.replace('(C)', '')}={value.get(name, '?')}")
PY
}
