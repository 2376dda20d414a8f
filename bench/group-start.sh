#!/usr/bin/env bash
# Container group start latency against podman, in the same run on the same image (busybox from the host):
#   cached  - PUT of a one-container group whose image is in the unpacked cache -> its container has run and ended
#             (the container's finishTime), and -> the container was started (its startTime);
#   cold    - the same with an image pushed under a new digest just before (pull, digest checks, unpack);
#   podman  - `podman run --rm` of the same image and command, wall clock, image already pulled (cached) and
#             removed before each run (cold, pulled from the same registry).
# Times of the group come from the service's own clock (startTime, finishTime), so polling adds nothing.
# Usage: bench/group-start.sh [rounds]     (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
command -v podman >/dev/null || { echo "missing podman"; exit 1; }
. bench/task-stack.sh groupbench
GROUPS_API=http://127.0.0.1:$DRYDOCK_INSTANCES_PORT/api/v1/containerGroups
P=(podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay --runtime /usr/sbin/runc
   --cgroup-manager cgroupfs --events-backend file)
PODMAN_RUN=(run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --tls-verify=false
   --authfile "$work/podman-auth.json")

# one group run: prints "<PUT->started ms> <PUT->ended ms>" from the container's own times
group_run() {
  python3 - "$GROUPS_API" "$AUTH" "$1" "$2" <<'PY'
import base64, json, sys, time, urllib.request
from datetime import datetime
api, auth, name, image = sys.argv[1:]
headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}
def call(method, path="", body=None, ctype=None):
    h = dict(headers)
    if ctype: h["Content-Type"] = ctype
    req = urllib.request.Request(api + "/" + name + path, data=body, method=method, headers=h)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
doc = {"name": name, "properties": {"restartPolicy": "Never", "containers": [{"name": "c", "properties": {
    "image": image, "command": ["/bin/busybox", "true"],
    "resources": {"requests": {"cpu": 1, "memoryInGB": 0.5}}}}]}}
t0 = time.time()
call("PUT", body=json.dumps(doc).encode(), ctype="application/json")
while True:
    shown = call("GET")
    state = shown["properties"]["instanceView"]["state"]
    if state in ("Succeeded", "Failed"): break
    time.sleep(0.02)
view = shown["properties"]["containers"][0]["properties"]["instanceView"]["currentState"]
if state != "Succeeded": sys.exit("group %s: %s %s" % (name, state, view))
ts = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
print("%.1f %.1f" % ((ts(view["startTime"]) - t0) * 1000, (ts(view["finishTime"]) - t0) * 1000))
call("DELETE")
PY
}

wall_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

push_busybox bench/busybox:cached warm
group_run warmup "$REG/bench/busybox:cached" >/dev/null
"${P[@]}" login -u "${AUTH%%:*}" -p "${AUTH#*:}" --tls-verify=false --authfile "$work/podman-auth.json" "$REG" \
  >/dev/null
"${P[@]}" "${PODMAN_RUN[@]}" "$REG/bench/busybox:cached" /bin/busybox true

: >"$work/cached"; : >"$work/cold"; : >"$work/podman-cached"; : >"$work/podman-cold"
for i in $(seq 1 "$rounds"); do
  group_run "cached-$i" "$REG/bench/busybox:cached" >>"$work/cached"
  wall_ms "${P[@]}" "${PODMAN_RUN[@]}" "$REG/bench/busybox:cached" /bin/busybox true >>"$work/podman-cached"
  push_busybox "bench/busybox:cold-$i" "cold $i"
  group_run "cold-$i" "$REG/bench/busybox:cold-$i" >>"$work/cold"
  wall_ms "${P[@]}" "${PODMAN_RUN[@]}" "$REG/bench/busybox:cold-$i" /bin/busybox true >>"$work/podman-cold"
done

python3 - "$work" "$rounds" <<'PY'
import statistics, sys
work, rounds = sys.argv[1], sys.argv[2]
def stats(values):
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return "median %7.1f ms   p90 %7.1f ms   min %7.1f   max %7.1f" % (statistics.median(values), p(0.9),
                                                                      values[0], values[-1])
def column(name, i):
    return [float(line.split()[i]) for line in open(work + "/" + name) if line.strip()]
print("group start, %s rounds (busybox, 1 container, runc)" % rounds)
print("  cached: PUT -> started   ", stats(column("cached", 0)))
print("  cached: PUT -> ran, ended", stats(column("cached", 1)))
print("  podman run --rm (cached) ", stats(column("podman-cached", 0)))
print("  cold:   PUT -> started   ", stats(column("cold", 0)))
print("  cold:   PUT -> ran, ended", stats(column("cold", 1)))
print("  podman run --rm (pull)   ", stats(column("podman-cold", 0)))
PY
