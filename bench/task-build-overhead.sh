#!/usr/bin/env bash
# What a quick build through Drydock costs over running the same buildah build and push by hand, on this machine.
# Starts a throwaway local stack (nothing of the normal stack is touched), builds a small base image into it, then
# alternates ROUNDS builds of the same workload both ways: a Dockerfile on that base with a RUN and a fresh random
# payload each round (so no push can skip its layer). Drydock's time runs from packing the context to the end of the
# run's followed log (upload, queue, claim, source, build, digest resolution, push, record); the hand build's from
# `buildah bud` to the end of `buildah push` with the same storage driver and isolation.
# Usage: bench/task-build-overhead.sh [rounds] [payload-MiB] [passes]     (defaults 5, 32 and 0)
# passes: how often the RUN step checksums the payload, to give the build real work (0: a near-empty RUN)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
payload_mib=${2:-32}
passes=${3:-0}
. bench/task-stack.sh taskbench

# a JSON string field without starting an interpreter inside the timed path
field() { sed -E 's/.*"'"$1"'":"([^"]*)".*/\1/'; }
# packs a directory, uploads it, queues a build, follows the log to the run's end; prints the run's status
drydock_build() {
  local dir=$1 image=$2 source run t0 t1 t2
  t0=$(now)
  tar -C "$dir" -cf "$work/context.tar" .
  source=$(curl -fsS -u "$AUTH" -H 'Content-Type: application/x-tar' --data-binary @"$work/context.tar" \
    "$API/sources" | field sourceLocation)
  t1=$(now)
  run=$(curl -fsS -u "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"imageNames\":[\"$image\"],\"sourceLocation\":\"$source\"}" "$API/builds" | field runId)
  curl -fsS -u "$AUTH" "$API/runs/$run/logs?follow=true" >"$work/run.log"
  t2=$(now)
  # where the time went: packing and upload, then the run from queued to finished as the service recorded it
  curl -fsS -u "$AUTH" "$API/runs/$run" >"$work/run.json"
  python3 - "$t0" "$t1" "$t2" "$work/run.json" >>"$work/breakdown.txt" <<'PY'
import json, sys
from datetime import datetime
t0, t1, t2 = map(float, sys.argv[1:4])
run = json.load(open(sys.argv[4]))
ts = lambda k: datetime.fromisoformat(run[k].replace("Z", "+00:00")).timestamp()
print(f"pack+upload {t1 - t0:.2f} s, queued->started {ts('startTime') - ts('createTime'):.2f} s, "
      f"started->finished {ts('finishTime') - ts('startTime'):.2f} s, finished->client {t2 - ts('finishTime'):.2f} s",
      end="")
PY
  grep -o 'Step ID: [a-z]* marked as successful (elapsed time in seconds: [0-9.]*' "$work/run.log" \
    | sed -E 's/Step ID: ([a-z]*).*: ([0-9.]*)/, \1 step \2 s/' | tr -d '\n' >>"$work/breakdown.txt"
  echo >>"$work/breakdown.txt"
  field status <"$work/run.json"
}
now() { date +%s.%N; }

mkdir -p "$work/base"
cp /bin/busybox "$work/base/"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n' \
  >"$work/base/Dockerfile"
status=$(drydock_build "$work/base" bench/base:1)
[ "$status" = Succeeded ] || { echo "base build: $status"; cat "$work/run.log"; exit 1; }

mkdir -p "$work/app"
printf 'FROM %s/bench/base:1\nCOPY payload /payload\nRUN for i in $(seq 1 %d); do sha256sum /payload; done > /checksums\n' \
  "$REG" "$passes" >"$work/app/Dockerfile"
# warm both sides: the base image is pulled once into each storage before anything is timed
head -c $((payload_mib * 1048576)) /dev/urandom >"$work/app/payload"
status=$(drydock_build "$work/app" bench/warm:drydock)
[ "$status" = Succeeded ] || { echo "warm-up: $status"; cat "$work/run.log"; exit 1; }
"${HAND[@]}" bud --isolation chroot --tls-verify=false --creds "$AUTH" -t "$REG/bench/warm:hand" "$work/app" \
  >/dev/null 2>&1

declare -a hand_times drydock_times
for i in $(seq 1 "$rounds"); do
  head -c $((payload_mib * 1048576)) /dev/urandom >"$work/app/payload"
  start=$(now)
  "${HAND[@]}" bud --isolation chroot --tls-verify=false --creds "$AUTH" -t "$REG/bench/hand:$i" "$work/app" \
    >"$work/hand.log" 2>&1
  "${HAND[@]}" push --tls-verify=false --creds "$AUTH" "$REG/bench/hand:$i" "docker://$REG/bench/hand:$i" \
    >>"$work/hand.log" 2>&1
  hand_times+=("$(echo "$(now) - $start" | bc)")
  "${HAND[@]}" rmi "$REG/bench/hand:$i" >/dev/null 2>&1 || true

  head -c $((payload_mib * 1048576)) /dev/urandom >"$work/app/payload"
  start=$(now)
  status=$(drydock_build "$work/app" "bench/drydock:$i")
  drydock_times+=("$(echo "$(now) - $start" | bc)")
  [ "$status" = Succeeded ] || { echo "round $i: $status"; cat "$work/run.log"; exit 1; }
  printf 'round %d: by hand %.2f s, through Drydock %.2f s (%s)\n' "$i" "${hand_times[-1]}" "${drydock_times[-1]}" \
    "$(tail -1 "$work/breakdown.txt")"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
h=$(median "${hand_times[@]}")
d=$(median "${drydock_times[@]}")
echo
echo "payload ${payload_mib} MiB, $passes checksum passes, $rounds rounds, medians:"
printf '  buildah bud + push by hand: %.2f s\n' "$h"
printf '  Drydock quick build:        %.2f s\n' "$d"
printf '  overhead:                   %+.1f %%\n' "$(echo "($d - $h) * 100 / $h" | bc -l)"
