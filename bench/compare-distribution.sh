#!/usr/bin/env bash
# Runs the same registry workload against Drydock and CNCF Distribution 2.8.2 (Debian's docker-registry) side by
# side, on this machine, and prints a table with the ratio Drydock / Distribution per row (higher is better for
# Drydock on every row). Drydock runs as the local stack in a throwaway DRYDOCK_HOME; nothing of the normal stack is
# touched. Usage: bench/compare-distribution.sh [quick]   (quick: smaller sizes and shorter wrk runs)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}

for tool in docker-registry wrk openssl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y ${tool/openssl/openssl}"; exit 1; }
done

work=$(mktemp -d /tmp/drydock-bench.XXXXXX)
# as root PostgreSQL runs as the postgres user, which must be able to reach its data directory
chmod 755 "$work"
DIST_PORT=15000
# Distribution runs without authentication, so Drydock does too
export DRYDOCK_REGISTRY_AUTH_ENABLED=false
export DRYDOCK_HOME=$work/drydock DRYDOCK_REGISTRY_PORT=18080 DRYDOCK_TASKS_PORT=18081 DRYDOCK_INSTANCES_PORT=18082 \
  DRYDOCK_PG_PORT=55532 DRYDOCK_KAFKA_PORT=59192
DRYDOCK=http://127.0.0.1:$DRYDOCK_REGISTRY_PORT
DIST=http://127.0.0.1:$DIST_PORT
dist_pid=
cleanup() {
  [ -n "$dist_pid" ] && kill "$dist_pid" 2>/dev/null || true
  ./drydock-stack down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$quick" ]; then SIZES="1048576 67108864"; WRK_SECONDS=3; IMAGES=100; REPEATS=2
else SIZES="1048576 67108864 536870912"; WRK_SECONDS=8; IMAGES=300; REPEATS=3; fi

echo "== machine limits"
head -c 536870912 /dev/zero > "$work/zero"
sha=$( { /usr/bin/time -f %e openssl dgst -sha256 "$work/zero" >/dev/null; } 2>&1 )
echo "openssl sha256: $(echo "scale=0; 536.870912 / $sha" | bc) MB/s"
dd_out=$(dd if="$work/zero" of="$work/ddtest" bs=1M conv=fdatasync 2>&1 | tail -1)
echo "dd write (fdatasync): $dd_out"
rm -f "$work/zero" "$work/ddtest"

echo "== starting Distribution $(docker-registry --version 2>/dev/null | awk '{print $3}') and Drydock"
mkdir -p "$work/dist"
cat >"$work/dist.yml" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/dist}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$DIST_PORT}
YML
docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
dist_pid=$!
./drydock-stack up >/dev/null
until curl -fs "$DIST/v2/" >/dev/null; do sleep 0.2; done

bench() { java -Xmx1g bench/RegistryBench.java "$@"; }
results=()
row() { # name, drydock value, distribution value, unit
  local ratio
  ratio=$(echo "scale=2; $2 / $3" | bc)
  results+=("| $1 | $2 | $3 | $4 | ${ratio} |")
  printf '%-44s drydock %10s  distribution %10s %-10s ratio %s\n' "$1" "$2" "$3" "$4" "$ratio"
}
value() { awk '{for (i=1;i<=NF;i++) if ($i ~ /^(MB\/s|images\/s|req\/s)$/) {print $(i-1); exit}}'; }

echo "== warm-up (unmeasured, both servers)"
bench warmup "$DRYDOCK" 200
bench warmup "$DIST" 200

# pulls go through curl, the leanest client here: the Java client tops out near the rates being compared
pull_rate() { # base, size, repeats -> median MB/s
  local url
  url=$(bench blob-pull "$1" "$2" 1 | awk '{print $NF}')
  for _ in $(seq 1 "$3"); do curl -s -o /dev/null -w '%{speed_download}\n' "$url"; done |
    sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1e6 }'
}

echo "== blob push and pull"
for size in $SIZES; do
  # small blobs are noisy: more repeats, so that the median means something
  repeats=$(( size <= 1048576 ? 25 : REPEATS ))
  for mode in mono chunked; do
    d=$(bench blob-push "$DRYDOCK" $mode "$size" $repeats | value)
    s=$(bench blob-push "$DIST" $mode "$size" $repeats | value)
    row "blob push $mode $((size / 1048576)) MiB" "$d" "$s" "MB/s"
  done
  d=$(pull_rate "$DRYDOCK" "$size" $repeats)
  s=$(pull_rate "$DIST" "$size" $repeats)
  row "blob pull $((size / 1048576)) MiB" "$d" "$s" "MB/s"
done

echo "== manifest HEAD/GET by tag and tag list (wrk)"
for target in "$DRYDOCK" "$DIST"; do bench seed "$target" bench/wrk 50 >/dev/null; done
cat >"$work/get.lua" <<'LUA'
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
rps() { wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${WRK_SECONDS}s" -s "$2" "$3" | awk '/Requests\/sec/ {print $2}'; }
# wrk waits for a body after HEAD (it does not know the method), so HEAD goes through the Java client
head_rps() { bench requests "$2" HEAD /v2/bench/wrk/manifests/latest "$1" "$WRK_SECONDS" | value; }
for c in 1 8 64; do
  row "manifest HEAD by tag c=$c (Java client)" "$(head_rps $c "$DRYDOCK")" "$(head_rps $c "$DIST")" "req/s"
  row "manifest GET by tag c=$c" "$(rps $c "$work/get.lua" "$DRYDOCK/v2/bench/wrk/manifests/latest")" \
    "$(rps $c "$work/get.lua" "$DIST/v2/bench/wrk/manifests/latest")" "req/s"
  row "tag list (51 tags) c=$c" "$(rps $c "$work/get.lua" "$DRYDOCK/v2/bench/wrk/tags/list")" \
    "$(rps $c "$work/get.lua" "$DIST/v2/bench/wrk/tags/list")" "req/s"
done

echo "== whole-image pushes (1 MiB layer, new repository each), concurrency 4"
d=$(bench image-push "$DRYDOCK" $IMAGES 4 1048576)
s=$(bench image-push "$DIST" $IMAGES 4 1048576)
echo "drydock:      $d"
echo "distribution: $s"
row "image push 1 MiB c=4" "$(echo "$d" | value)" "$(echo "$s" | value)" "images/s"

echo
echo "| Workload | Drydock | Distribution 2.8.2 | Unit | Ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
