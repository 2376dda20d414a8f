#!/usr/bin/env bash
# Measures the README's test command: wall time and the peak memory of its whole process tree (Maven, the test JVMs,
# PostgreSQL, Kafka), sampled every 0.5 s. Memory is PSS (proportional set size), so pages PostgreSQL's processes
# share are counted once, not once per backend. Usage: scripts/measure-test-run.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."
log=${MEASURE_LOG:-/tmp/drydock-test-run.log}

tree_pss_kib() {
  local total=0 pss
  for p in $(ps -eo pid=,ppid= | awk -v root="$1" '
      { parent[$1] = $2 }
      END { for (p in parent) { q = p; while (q != "" && q != 0 && q != root) q = parent[q]; if (q == root) print p } }'); do
    pss=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${pss:-0}))
  done
  echo "$total"
}

start=$(date +%s.%N)
./mvnw -B verify "$@" >"$log" 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  now=$(tree_pss_kib "$pid")
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.5
done
rc=0
wait "$pid" || rc=$?
end=$(date +%s.%N)
tests=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$log" | grep -v ' -- in ' |
  awk -F'[ ,]+' '{ run += $4; fail += $6; err += $8; skip += $10 } END { printf "%d run, %d failures, %d errors, %d skipped", run, fail, err, skip }')
printf 'exit %d; wall %.1f s; peak PSS of the process tree %d MiB; tests: %s; log %s\n' \
  "$rc" "$(echo "$end - $start" | bc)" "$((peak / 1024))" "$tests" "$log"
exit $rc
