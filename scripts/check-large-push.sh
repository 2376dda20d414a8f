#!/usr/bin/env bash
# Pushes (monolithic PUT) and pulls a large blob through a registry-service running with a 256 MiB heap, and reports
# the service's peak heap use and resident memory: blob bodies must stream, whatever their size.
# Usage: scripts/check-large-push.sh [size in GiB, default 4]. Uses a throwaway local stack on other ports.
set -euo pipefail
cd "$(dirname "$0")/.."
gib=${1:-4}
work=$(mktemp -d /tmp/drydock-large.XXXXXX)
chmod 755 "$work"
# this proves the storage path, not access: the throwaway stack runs without authentication
export DRYDOCK_REGISTRY_AUTH_ENABLED=false
export DRYDOCK_HOME=$work/drydock DRYDOCK_REGISTRY_PORT=28080 DRYDOCK_TASKS_PORT=28081 DRYDOCK_INSTANCES_PORT=28082 \
  DRYDOCK_PG_PORT=55632 DRYDOCK_KAFKA_PORT=59292 DRYDOCK_SERVICE_JAVA_OPTS="-Xmx256m -XX:MaxDirectMemorySize=256m"
trap './drydock-stack down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
base=http://127.0.0.1:$DRYDOCK_REGISTRY_PORT

head -c $((gib * 1024 * 1024 * 1024)) /dev/zero >"$work/blob"
head -c 4096 /dev/urandom | dd of="$work/blob" conv=notrunc status=none
digest=sha256:$(openssl dgst -sha256 -r "$work/blob" | cut -d' ' -f1)
./drydock-stack up >/dev/null
pid=$(ss -ltnpH "sport = :$DRYDOCK_REGISTRY_PORT" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)

peak_heap=0
sample() {
  while kill -0 "$pid" 2>/dev/null; do
    used=$(jstat -gc "$pid" 2>/dev/null | awk 'NR == 2 { printf "%d", ($3 + $4 + $6 + $8) / 1024 }')
    [ -n "$used" ] && [ "$used" -gt "$peak_heap" ] && peak_heap=$used && echo "$peak_heap" >"$work/peak"
    sleep 0.5
  done
}
sample & sampler=$!

location=$(curl -fsS -D - -o /dev/null -X POST "$base/v2/large/blob/blobs/uploads/" | awk 'tolower($1) == "location:" {sub(/\r$/, "", $2); print $2}')
start=$(date +%s.%N)
code=$(curl -s -o /dev/null -w '%{http_code}' -T "$work/blob" -H 'Content-Type: application/octet-stream' "$base$location?digest=$digest")
push=$(echo "$(date +%s.%N) - $start" | bc)
[ "$code" = 201 ] || { echo "FAIL push answered $code"; exit 1; }
pulled=$(curl -fsS "$base/v2/large/blob/blobs/$digest" | openssl dgst -sha256 -r | cut -d' ' -f1)
[ "sha256:$pulled" = "$digest" ] || { echo "FAIL pulled content differs"; exit 1; }
kill "$sampler" 2>/dev/null || true
hwm=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
printf 'ok    %d GiB pushed in %.1f s (%.0f MB/s) and pulled back identical with -Xmx256m; peak heap used %s MiB, peak RSS %s MiB\n' \
  "$gib" "$push" "$(echo "$gib * 1073.741824 / $push" | bc -l)" "$(cat "$work/peak" 2>/dev/null || echo '?')" "$hwm"
