#!/usr/bin/env bash
# Push-to-run latency of base-image triggers: a new base image's push acknowledged (buildah push returns) -> the
# dependent task's run is Queued (the run's createTime). Starts a throwaway local stack; a task is built once on
# the base (so its dependency is known), then moved to an agent pool nobody serves, so the triggered runs only
# queue and the measurement is not disturbed by builds. Each round pushes a new base image by hand.
# Usage: bench/trigger-latency.sh [rounds]     (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
. bench/task-stack.sh triggerbench
api() { curl -fsS -u "$AUTH" -H 'Content-Type: application/json' "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

push_busybox bench/base:1 initial

mkdir -p "$work/app"
printf 'FROM %s/bench/base:1\n' "$REG" >"$work/app/Dockerfile"
tar -C "$work/app" -cf "$work/app.tar" .
source=$(curl -fsS -u "$AUTH" -H 'Content-Type: application/x-tar' --data-binary @"$work/app.tar" "$API/sources" \
  | field '["sourceLocation"]')
api -X POST "$API/tasks" -d "{\"name\":\"latency\",\"step\":{\"type\":\"Docker\",\"contextPath\":\"$source\",
  \"imageNames\":[\"bench/app:{{.Run.ID}}\"]}}" >/dev/null
first=$(api -X POST "$API/tasks/latency/runs" -d '{}' | field '["runId"]')
curl -fsS -u "$AUTH" "$API/runs/$first/logs?follow=true" >/dev/null
[ "$(curl -fsS -u "$AUTH" "$API/runs/$first" | field '["status"]')" = Succeeded ] || { echo "first run failed"; exit 1; }
api -X PATCH "$API/tasks/latency" -d '{"agentPoolName":"bench-idle"}' >/dev/null

: >"$work/latencies"
for i in $(seq 1 "$rounds"); do
  before=$(curl -fsS -u "$AUTH" "$API/runs?task=latency&top=1000" | field '.__len__()')
  push_busybox bench/base:1 "round $i"
  acked=$(date +%s.%N)
  while :; do
    runs=$(curl -fsS -u "$AUTH" "$API/runs?task=latency&top=1000")
    [ "$(echo "$runs" | field '.__len__()')" -gt "$before" ] && break
  done
  created=$(echo "$runs" | python3 -c "
import json, sys
from datetime import datetime
print(datetime.fromisoformat(json.load(sys.stdin)[0]['createTime'].replace('Z', '+00:00')).timestamp())")
  echo "$created - $acked" | bc -l >>"$work/latencies"
  printf 'round %d: %.0f ms\n' "$i" "$(echo "($created - $acked) * 1000" | bc -l)"
done

python3 - "$work/latencies" <<'PY'
import sys
values = sorted(float(line) * 1000 for line in open(sys.argv[1]) if line.strip())
pick = lambda q: values[min(len(values) - 1, int(round(q * (len(values) - 1))))]
print(f"\n{len(values)} pushes, base push acknowledged -> dependent run Queued:")
print(f"  min {values[0]:.0f} ms, p50 {pick(0.5):.0f} ms, p90 {pick(0.9):.0f} ms, p99 {pick(0.99):.0f} ms, max {values[-1]:.0f} ms")
PY
