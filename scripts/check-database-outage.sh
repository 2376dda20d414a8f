#!/usr/bin/env bash
# What every API answers while PostgreSQL is frozen (SIGSTOP) and after it returns, against a throwaway local stack:
# prints each request's status and seconds. Expected: 503 (with Retry-After) within the pool's acquire timeout or
# the request deadline, never a hang or an HTML page; 200 again after SIGCONT without restarting anything.
# Usage: scripts/check-database-outage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/task-stack.sh outage
# the postmaster is whoever listens on the stack's PostgreSQL port
pg=$(ss -Hltnp "sport = :$DRYDOCK_PG_PORT" | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)
probe() {
  local name=$1 url=$2
  curl -s -o "$work/body" -w "$name %{http_code} %{time_total}s retry-after=%header{retry-after}\n" --max-time 60 \
    -u "$AUTH" "$url" || echo "$name: no answer within 60 s"
  head -c 160 "$work/body"; echo
}
round() {
  probe "registry /v2/_catalog" "http://$REG/v2/_catalog"
  probe "registry /acr/v1/_catalog" "http://$REG/acr/v1/_catalog"
  probe "registry /api/v1/registries" "http://$REG/api/v1/registries"
  probe "tasks /runs" "$API/runs"
  probe "instances /containerGroups" "http://127.0.0.1:$DRYDOCK_INSTANCES_PORT/api/v1/containerGroups"
  probe "registry readiness" "http://$REG/q/health/ready"
}
echo "== PostgreSQL up"; round
# the postmaster and every backend: a frozen server answers nothing on its open connections either
pids="$pg $(pgrep -P "$pg" | tr '\n' ' ')"
echo "freezing PostgreSQL: $pids"
kill -STOP $pids; trap 'kill -CONT $pids 2>/dev/null; cleanup' EXIT
sleep 11   # past the registry resolver's 10 s cache, so every request needs the database
echo "== PostgreSQL frozen"; round
kill -CONT $pids
echo "== PostgreSQL back"; start=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -u "$AUTH" "http://$REG/v2/_catalog")" = 200 ]; do sleep 0.5; done
echo "recovered after $(( $(date +%s) - start )) s"; round
