#!/usr/bin/env bash
# Runs the same registry workload against Drydock and CNCF Distribution 2.8.2 (Debian's docker-registry) on this
# machine and prints a table: per row both results, the ratio Drydock / Distribution (higher is better for Drydock on
# every row) and, for pushes, each registry's CPU seconds per GB pushed. Drydock runs as the local stack in a
# throwaway DRYDOCK_HOME with authentication off, as Distribution runs; nothing of the normal stack is touched.
#
# Pushes are sent as real clients send them, with curl (no client-side bottleneck, one new process per request as
# each of docker's requests is a new stream): random data, a fresh repository per blob, and three shapes:
#   mono      POST, then one PUT carrying the whole blob (Content-Length), as podman and crane do for small blobs
#   chunked   POST, 8 MiB PATCHes with Content-Range, then an empty PUT, as OCI's chunked upload
#   streamed  POST, one PATCH with Transfer-Encoding: chunked and no length, then an empty PUT: docker, containerd
#             and skopeo push every layer this way
# Durations are curl's own (time_total summed over a push's requests), so process start-up is not counted; the
# servers' CPU comes from /proc (utime + stime) around each push; Drydock's includes its PostgreSQL.
# Test data lives in /dev/shm and `sync` runs before every measured push, so neither the client's reads nor an
# earlier row's writeback lands on a push's clock.
#
# Usage: bench/compare-distribution.sh [quick]   (quick: 1 and 64 MiB, 2 repetitions, shorter wrk runs)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}

for tool in docker-registry wrk openssl skopeo curl bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y $tool"; exit 1; }
done

work=$(mktemp -d /tmp/drydock-bench.XXXXXX)
data=$(mktemp -d /dev/shm/drydock-bench.XXXXXX)
# as root PostgreSQL runs as the postgres user, which must be able to reach its data directory
chmod 755 "$work"
DIST_PORT=15000
export DRYDOCK_REGISTRY_AUTH_ENABLED=false
export DRYDOCK_HOME=$work/drydock DRYDOCK_REGISTRY_PORT=18080 DRYDOCK_TASKS_PORT=18081 DRYDOCK_INSTANCES_PORT=18082 \
  DRYDOCK_PG_PORT=55532 DRYDOCK_KAFKA_PORT=59192 DRYDOCK_INSTALL_CLI=no
DRYDOCK=http://127.0.0.1:$DRYDOCK_REGISTRY_PORT
DIST=http://127.0.0.1:$DIST_PORT
dist_pid=
cleanup() {
  [ -n "$dist_pid" ] && kill "$dist_pid" 2>/dev/null || true
  ./drydock-stack down >/dev/null 2>&1 || true
  rm -rf "$work" "$data"
}
trap cleanup EXIT
# a failed request deep in a command substitution stops the whole run
trap 'exit 1' TERM

if [ -n "$quick" ]; then SIZES="1048576 67108864"; WRK_SECONDS=3; IMAGES=100; REPEATS=2; WARM_SMALL=30
else SIZES="1048576 67108864 536870912"; WRK_SECONDS=8; IMAGES=300; REPEATS=3; WARM_SMALL=100; fi
# WARM_SMALL: 1 MiB pushes per shape in the warm-up
SMALL_BLOBS=32            # a 1 MiB row pushes this many blobs per repetition
CHUNK=$((8 * 1048576))    # chunked pushes send PATCHes of this size
SKOPEO_IMAGES=20          # concurrent skopeo pushes of one 5 MB layer each

echo "== machine limits"
head -c 536870912 /dev/urandom >"$data/limits"
sha=$( { /usr/bin/time -f %e openssl dgst -sha256 "$data/limits" >/dev/null; } 2>&1 )
echo "openssl sha256 (one core): $(echo "scale=0; 536.870912 / $sha" | bc) MB/s"
dd_out=$(dd if="$data/limits" of="$work/ddtest" bs=1M conv=fdatasync 2>&1 | tail -1)
echo "dd 512 MiB write + fdatasync: $dd_out"
dd_out=$(dd if="$data/limits" of="$work/ddtest" bs=1M count=64 conv=fdatasync 2>&1 | tail -1)
echo "dd 64 MiB write + fdatasync: $dd_out"
rm -f "$work/ddtest" "$data/limits"

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
drydock_pid=$(awk '$1 == "registry" {print $3}' "$DRYDOCK_HOME/stack-status")
postgres_pid=$(awk '$1 == "postgres" {print $3}' "$DRYDOCK_HOME/stack-status")

# Drydock's CPU counts its PostgreSQL's too: Distribution keeps its bookkeeping in its own process
drydock_pids="$drydock_pid $postgres_pid"
# CPU ticks (utime + stime) of processes and their running children, e.g. PostgreSQL's backends
ticks() {
  local total=0 p
  for p in $@ $(for q in "$@"; do pgrep -P "$q" 2>/dev/null || true; done); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

bench() { java -Xmx1g bench/RegistryBench.java "$@"; }

# one request with curl; prints "<http status> <seconds> <location>"
request() {
  curl -sS -o /dev/null -D "$data/headers" -H 'Expect:' -w '%{http_code} %{time_total} ' "$@"
  awk 'tolower($1) == "location:" {sub(/\r$/, "", $2); print $2}' "$data/headers"
}
absolute() { case "$2" in http*) echo "$2" ;; *) echo "$1$2" ;; esac; }
with_digest() { case "$1" in *\?*) echo "$1&digest=$2" ;; *) echo "$1?digest=$2" ;; esac; }
expect() { [ "$1" = "$2" ] || { echo "unexpected answer $1 (wanted $2) from $3" >&2; kill -TERM $$; exit 1; }; }

# push BASE MODE FILE DIGEST -> seconds the push's requests took; the blob lands in a new repository
push() {
  local base=$1 mode=$2 file=$3 digest=$4 repo status took location total size offset
  repo=bench/push-$(openssl rand -hex 6)
  read -r status took location < <(request -X POST "$base/v2/$repo/blobs/uploads/")
  expect "$status" 202 "POST $repo"
  total=$took
  location=$(absolute "$base" "$location")
  case "$mode" in
    mono)
      read -r status took location < <(request -X PUT -H 'Content-Type: application/octet-stream' \
        --data-binary "@$file" "$(with_digest "$location" "$digest")")
      ;;
    streamed)
      read -r status took location < <(request -X PATCH -H 'Content-Type: application/octet-stream' \
        -H 'Transfer-Encoding: chunked' -T "$file" "$location")
      expect "$status" 202 "PATCH $repo"
      total=$(echo "$total + $took" | bc)
      read -r status took location < <(request -X PUT "$(with_digest "$(absolute "$base" "$location")" "$digest")")
      ;;
    chunked)
      size=$(stat -c %s "$file")
      offset=0
      for part in "$file".part*; do
        local length
        length=$(stat -c %s "$part")
        read -r status took location < <(request -X PATCH -H 'Content-Type: application/octet-stream' \
          -H "Content-Range: $offset-$((offset + length - 1))" --data-binary "@$part" "$location")
        expect "$status" 202 "PATCH $repo at $offset"
        total=$(echo "$total + $took" | bc)
        location=$(absolute "$base" "$location")
        offset=$((offset + length))
      done
      expect "$offset" "$size" "the chunks of $file"
      read -r status took location < <(request -X PUT "$(with_digest "$location" "$digest")")
      ;;
  esac
  expect "$status" 201 "PUT $repo"
  echo "$total + $took" | bc
  echo "$repo $digest" >"$data/last-push"
}

# a new random blob of SIZE bytes in FILE (and its 8 MiB parts); prints its digest
fresh_blob() {
  rm -f "$1" "$1".part*
  head -c "$2" /dev/urandom >"$1"
  split -b "$CHUNK" -d -a 4 "$1" "$1.part"
  echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }'; }

# push_rate BASE PIDS MODE SIZE COUNT REPEATS -> "<median MB/s> <CPU s per GB>"
push_rate() {
  local base=$1 pid=$2 mode=$3 size=$4 count=$5 repeats=$6 rates=() cpu=0 bytes=0 r i digest seconds before
  for r in $(seq 1 "$repeats"); do
    seconds=0
    for i in $(seq 1 "$count"); do
      digest=$(fresh_blob "$data/blob" "$size")
      sync
      before=$(ticks $pid)
      seconds=$(echo "$seconds + $(push "$base" "$mode" "$data/blob" "$digest")" | bc)
      cpu=$((cpu + $(ticks $pid) - before))
      bytes=$((bytes + size))
    done
    rates+=("$(echo "scale=3; $count * $size / 1000000 / $seconds" | bc)")
  done
  echo "$(printf '%s\n' "${rates[@]}" | median) $(echo "scale=2; $cpu * 1000000000 / $HZ / $bytes" | bc)"
}

results=()
row() { # name, drydock value, distribution value, unit[, drydock CPU/GB, distribution CPU/GB]
  local ratio
  ratio=$(echo "scale=2; $2 / $3" | bc)
  results+=("| $1 | $2 | $3 | $4 | ${ratio} | ${5:-} | ${6:-} |")
  printf '%-46s drydock %9s  distribution %9s %-9s ratio %-5s %s\n' "$1" "$2" "$3" "$4" "$ratio" \
    "${5:+CPU s/GB $5 vs $6}"
}
value() { awk '{for (i=1;i<=NF;i++) if ($i ~ /^(MB\/s|images\/s|req\/s)$/) {print $(i-1); exit}}'; }

# A registry runs for days; a JVM reaches its steady state after some thousand requests of a kind (C2 compiles the
# push path after ~150 small pushes, and a 16-push row on a cold JVM costs twice the CPU of a warm one), while
# Distribution's Go binary starts compiled. Both servers get the same warm-up: every push shape, small and large.
echo "== warm-up (unmeasured, both servers)"
bench warmup "$DRYDOCK" 200
bench warmup "$DIST" 200
for mode in mono chunked streamed; do
  push_rate "$DRYDOCK" "$drydock_pids" $mode 1048576 "$WARM_SMALL" 1 >/dev/null
  push_rate "$DIST" "$dist_pid" $mode 1048576 "$WARM_SMALL" 1 >/dev/null
  push_rate "$DRYDOCK" "$drydock_pids" $mode 67108864 2 1 >/dev/null
  push_rate "$DIST" "$dist_pid" $mode 67108864 2 1 >/dev/null
done

pull_rate() { # base, repeats -> median MB/s of the last pushed blob
  local repo digest
  read -r repo digest <"$data/last-push"
  for _ in $(seq 1 "$2"); do curl -s -o /dev/null -w '%{speed_download}\n' "$1/v2/$repo/blobs/$digest"; done |
    awk '{ print $1 / 1e6 }' | median
}

echo "== blob push and pull"
for size in $SIZES; do
  count=$(( size <= 1048576 ? SMALL_BLOBS : 1 ))
  label="$((size / 1048576)) MiB"
  [ "$count" = 1 ] || label="$count × $label"
  for mode in mono chunked streamed; do
    # Drydock and Distribution take turns, so that a slow moment of the machine does not fall on one of them
    read -r d dcpu < <(push_rate "$DRYDOCK" "$drydock_pids" $mode "$size" "$count" "$REPEATS")
    read -r s scpu < <(push_rate "$DIST" "$dist_pid" $mode "$size" "$count" "$REPEATS")
    row "blob push $mode $label" "$d" "$s" "MB/s" "$dcpu" "$scpu"
  done
  d=$(push "$DRYDOCK" mono "$data/blob" "$(fresh_blob "$data/blob" "$size")" >/dev/null; pull_rate "$DRYDOCK" 5)
  s=$(push "$DIST" mono "$data/blob" "$(fresh_blob "$data/blob" "$size")" >/dev/null; pull_rate "$DIST" 5)
  row "blob pull $((size / 1048576)) MiB" "$d" "$s" "MB/s"
done

# an OCI layout holding one image with a random 5 MB layer, for skopeo
layout() {
  local dir=$1 layer config manifest
  mkdir -p "$dir/blobs/sha256"
  head -c 5000000 /dev/urandom >"$dir/layer"
  layer=$(sha256sum "$dir/layer" | cut -d' ' -f1)
  mv "$dir/layer" "$dir/blobs/sha256/$layer"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$layer" \
    >"$dir/config"
  config=$(sha256sum "$dir/config" | cut -d' ' -f1)
  mv "$dir/config" "$dir/blobs/sha256/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":5000000}]}' \
    "$config" "$(stat -c %s "$dir/blobs/sha256/$config")" "$layer" >"$dir/manifest"
  manifest=$(sha256sum "$dir/manifest" | cut -d' ' -f1)
  mv "$dir/manifest" "$dir/blobs/sha256/$manifest"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "$manifest" "$(stat -c %s "$dir/blobs/sha256/$manifest")" >"$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
}

# skopeo_run BASE PIDS -> "<seconds for all pushes> <CPU s per GB>"; new images (and so new digests) every time,
# since skopeo would otherwise mount what it pushed before
skopeo_run() {
  local base=$1 pid=$2 host=${1#http://} i pids=() start before end
  rm -rf "$data/oci" && mkdir -p "$data/oci"
  for i in $(seq 1 "$SKOPEO_IMAGES"); do layout "$data/oci/$i"; done
  sync
  before=$(ticks $pid)
  start=$(date +%s.%N)
  for i in $(seq 1 "$SKOPEO_IMAGES"); do
    skopeo copy -q --dest-tls-verify=false "oci:$data/oci/$i:latest" \
      "docker://$host/bench/skopeo-$(openssl rand -hex 6):latest" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(echo "scale=2; ($(ticks $pid) - $before) / $HZ / ($SKOPEO_IMAGES * 0.005)" | bc)"
}

echo "== $SKOPEO_IMAGES concurrent skopeo pushes of 5 MB images"
d_runs=() s_runs=() d_cpu=0 s_cpu=0
for _ in $(seq 1 "$REPEATS"); do
  read -r t c < <(skopeo_run "$DRYDOCK" "$drydock_pids"); d_runs+=("$t"); d_cpu=$c
  read -r t c < <(skopeo_run "$DIST" "$dist_pid"); s_runs+=("$t"); s_cpu=$c
done
d=$(printf '%s\n' "${d_runs[@]}" | median) s=$(printf '%s\n' "${s_runs[@]}" | median)
# seconds: lower is better, so the ratio is Distribution's time over Drydock's
results+=("| skopeo: $SKOPEO_IMAGES concurrent pushes of 5 MB images | $d s | $s s | seconds | $(echo "scale=2; $s / $d" | bc) | $d_cpu | $s_cpu |")
echo "drydock $d s, distribution $s s, ratio $(echo "scale=2; $s / $d" | bc)"

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
echo "| Workload | Drydock | Distribution 2.8.2 | Unit | Ratio | Drydock CPU s/GB | Distribution CPU s/GB |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
