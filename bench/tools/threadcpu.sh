#!/usr/bin/env bash
# threadcpu.sh PID SECONDS: CPU time (ticks of 10 ms) each thread name of a process used over the interval, from
# /proc/PID/task/*/stat. Used to see which of the server's threads (SIP receive, pool, GC, media loops) take the core.
set -uo pipefail
pid=$1; secs=$2
snap() {
  for t in /proc/"$pid"/task/*; do
    read -r line <"$t/stat" 2>/dev/null || continue
    name=$(tr " " "_" <"$t/comm" 2>/dev/null)
    rest=${line##*) }
    set -- $rest
    echo "${t##*/} $((${12} + ${13})) $name"
  done | sort
}
before=$(snap); sleep "$secs"; after=$(snap)
join <(echo "$before") <(echo "$after") | awk '{d = $4 - $2; n[$3] += d; c[$3]++} END {for (k in n) if (n[k] > 0) printf "%-20s threads=%d ticks=%d\n", k, c[k], n[k]}' | sort -t= -k3 -n -r
