#!/usr/bin/env bash
# Restores, builds and runs CallCenter's whole NUnit suite, then prints "N passed, N failed, N skipped".
# The interop tests drive real peers nobody here wrote (SIPp, baresip, sipsak, sipvicious); when they are
# missing and we are root, they are installed from Debian's packages. A peer that cannot be installed is not
# skipped: the tests that need it fail and say which package to install.
set -uo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Debug}"
results="$PWD/TestResults"

declare -A peers=([sipp]=sip-tester [baresip]=baresip [sipsak]=sipsak [svmap]=sipvicious [sqlite3]=sqlite3 [sox]=sox)
missing=()
for command in "${!peers[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${peers[$command]}")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing missing peers: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "test.sh: apt-get could not install ${missing[*]}; the tests that need them will fail"
  else
    echo "test.sh: missing peers ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
  fi
fi

echo "test.sh: building ($configuration)"
if ! dotnet build CallCenter.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly; then
  echo "test.sh: the build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

rm -rf "$results"
dotnet test CallCenter.Tests/CallCenter.Tests.csproj -c "$configuration" --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 10m "$@"
status=$?

trx="$results/results.trx"
if [[ -f $trx ]]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(value total); executed=$(value executed); passed=$(value passed)
  failed=$(( $(value failed) + $(value error) + $(value timeout) + $(value aborted) ))
  skipped=$(( total - executed ))
  # The console log scrolls away; name the failures again next to the counts, where a CI tail shows them.
  if ((failed > 0)); then
    echo "test.sh: failed tests:"
    grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" \
      | sed -n 's/.* testName="\([^"]*\)".*/  \1/p' | sed 's/&quot;/"/g; s/&amp;/\&/g'
  fi
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
else
  echo "test.sh: no test results were written"
  echo "0 passed, 1 failed, 0 skipped"
  ((status == 0)) && status=1
fi
exit "$status"
