#!/usr/bin/env bash
# ctxsw-threads.sh SECONDS PID: context switches per second by thread name over the interval, voluntary (the thread
# slept: an empty socket, an idle pool) and involuntary (preempted), from /proc/PID/task/*/status.
set -uo pipefail
secs=$1; pid=$2
snap() {
  for t in /proc/"$pid"/task/*; do
    name=$(tr " " "_" <"$t/comm" 2>/dev/null) || continue
    v=$(awk '/^voluntary_ctxt/ {print $2}' "$t/status" 2>/dev/null)
    n=$(awk '/^nonvoluntary_ctxt/ {print $2}' "$t/status" 2>/dev/null)
    [[ -n $v && -n $n ]] && echo "${t##*/} $v $n $name"
  done | sort
}
before=$(snap); sleep "$secs"; after=$(snap)
join <(echo "$before") <(echo "$after") | awk -v s="$secs" '{v[$4] += $5 - $2; n[$4] += $6 - $3} END {for (k in v) if (v[k] + n[k] > 0) printf "%-22s vol/s=%d invol/s=%d\n", k, v[k] / s, n[k] / s}' | sort -t= -k2 -n -r
