#!/usr/bin/env bash
# Memory per binding: registers N distinct users once each (register.xml asks for Expires: 3600, longer than the
# run, so every binding is still held at the end) and reads the target's memory before and after.
#   bench/sipp/register-hold.sh                       # Kamailio, 10,000 users
#   bench/sipp/register-hold.sh --target callcenter   # CallCenter.Server, Release build
# VmRSS is the main process's resident set; the Pss sum covers Kamailio's workers without counting shared
# memory once per process. CallCenter is one process: there the two figures tell the same story.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

rate=1000
settle=3
usage() {
  echo "usage: $0 [--rate R] [--settle S] [options]"
  echo "  --rate R                       registrations started per second (default 1000)"
  echo "  --settle S                     seconds to wait before each memory reading (default 3)"
  usage_common
}
parse_common "$@"
set -- "${rest[@]}"
while (($#)); do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

write_users "$work/users.csv" "$users"
start_target
sleep "$settle"
read -r rss_before pss_before <<<"$(memory_kb)"
run_sipp "$work/users.csv" "$rate" "$users"
sleep "$settle"
read -r rss_after pss_after <<<"$(memory_kb)"
eval "$(read_sipp_stats)"

awk -v target="$target" -v transport="$transport" -v users="$users" -v ok="$SuccessfulCall" -v failed="$FailedCall" \
    -v rb="$rss_before" -v ra="$rss_after" -v pb="$pss_before" -v pa="$pss_after" -v code="$sipp_exit" 'BEGIN {
  printf "target=%s transport=%s users=%d registered=%d failed=%d sipp_exit=%d\n", target, transport, users, ok, failed, code
  printf "VmRSS: before=%d kB after=%d kB growth=%d kB (%.0f bytes per binding)\n", rb, ra, ra - rb, ok ? 1024 * (ra - rb) / ok : 0
  printf "Pss(tree): before=%d kB after=%d kB growth=%d kB (%.0f bytes per binding)\n", pb, pa, pa - pb, ok ? 1024 * (pa - pb) / ok : 0
}'
