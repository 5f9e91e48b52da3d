#!/usr/bin/env bash
# ab-register-probe.sh RATE TREE... : the in-process register probe (registerprobe RATE: SIPp's register.xml through
# the layer, digest and registrar without sockets; CPU time per registration) in each git work tree in turn. Alternate
# the trees (A B A B): this host scatters a round by about 15 %, so only alternating pairs compare. Each tree needs a
# Release build of bench/CallCenter.Benchmarks. Runs as the server does (Server GC, no DATAS, no tiering).
#   git worktree add -f /tmp/base BASE_COMMIT && (cd /tmp/base && dotnet build -c Release bench/CallCenter.Benchmarks)
#   bench/tools/ab-register-probe.sh 16000 /tmp/base . /tmp/base .
set -uo pipefail
rate=$1; shift
export DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0 DOTNET_TieredCompilation=0 DOTNET_TieredPGO=0
for tree in "$@"; do
  dll="$tree/bench/CallCenter.Benchmarks/bin/Release/net10.0/CallCenter.Benchmarks.dll"
  [[ -f $dll ]] || { echo "no Release build of the benchmarks in $tree" >&2; exit 1; }
  printf '%-30s ' "$tree"
  timeout 300 dotnet "$dll" registerprobe "$rate" 500000 3 150000 \
    | awk '/^round/ { for (i = 1; i <= NF; i++) if ($i ~ /^(cpu_us_per_registration|bytes_per_registration)=/) printf "%s ", $i } END { print "" }'
done
