#!/usr/bin/env bash
# The artifact cache against its upstream, on this machine: CNCF Distribution 2.8.2 (Debian's docker-registry) holds
# an image with one random layer of SIZE bytes (512 MiB by default); Drydock runs as the local stack in a throwaway
# DRYDOCK_HOME with authentication off. Rows, each the median of REPEATS:
#   direct   the image pulled from Distribution (manifest, config, layer) with curl, as a client pulls it
#   cold     the same pull from Drydock through a cache rule whose target is fresh each time, so every byte is
#            fetched from Distribution, stored and streamed to the client at once; with Drydock's CPU seconds
#   hit      the layer pulled again from the cache target
#   normal   a layer of the same size pushed into Drydock and pulled from it
# plus the time to the first byte of the layer, direct and cold (the cache streams: it does not wait for the blob).
# The same direct and cold pulls run again against a "remote" upstream: a second Distribution on the same storage
# in a network namespace of its own, behind a veth link shaped to RATE (tc tbf; this kernel has no netem, so no
# added latency), as a registry reached over a real network. Both servers get the same warm-up (images through the cache and
# directly), as the JIT needs one. Needs root (the namespace).
#
# Usage: bench/artifact-cache.sh [SIZE]   (RATE=1gbit REPEATS=3 WARM=12 in the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-536870912}
REPEATS=${REPEATS:-3}
WARM=${WARM:-12}
RATE=${RATE:-1gbit}
NS=ddbench-upstream

for tool in docker-registry openssl curl bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y $tool"; exit 1; }
done

work=$(mktemp -d /tmp/drydock-cache-bench.XXXXXX)
data=$(mktemp -d /dev/shm/drydock-cache-bench.XXXXXX)
chmod 755 "$work"
DIST_PORT=15000
REMOTE=10.231.0.2:5000
export DRYDOCK_REGISTRY_AUTH_ENABLED=false DRYDOCK_CACHE_LOCAL_UPSTREAMS=127.0.0.1 DRYDOCK_INSECURE_REGISTRIES=$REMOTE
export DRYDOCK_HOME=$work/drydock DRYDOCK_REGISTRY_PORT=18080 DRYDOCK_TASKS_PORT=18081 DRYDOCK_INSTANCES_PORT=18082 \
  DRYDOCK_PG_PORT=55532 DRYDOCK_KAFKA_PORT=59192 DRYDOCK_INSTALL_CLI=no
DRYDOCK=http://127.0.0.1:$DRYDOCK_REGISTRY_PORT
DIST=http://127.0.0.1:$DIST_PORT
dist_pid= remote_pid=
cleanup() {
  [ -n "$dist_pid" ] && kill "$dist_pid" 2>/dev/null || true
  [ -n "$remote_pid" ] && kill "$remote_pid" 2>/dev/null || true
  ip netns delete "$NS" 2>/dev/null || true
  ip link delete ddbench0 2>/dev/null || true
  ./drydock-stack down >/dev/null 2>&1 || true
  rm -rf "$work" "$data"
}
trap cleanup EXIT

mkdir -p "$work/dist"
cat >"$work/dist.yml" <<YML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/dist}
http: {addr: 127.0.0.1:$DIST_PORT}
YML
docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
dist_pid=$!
# the remote upstream: the same storage, served from a namespace behind a shaped link
ip netns add "$NS"
ip link add ddbench0 type veth peer name eth0 netns "$NS"
ip addr add 10.231.0.1/30 dev ddbench0
ip link set ddbench0 up
ip -n "$NS" addr add 10.231.0.2/30 dev eth0
ip -n "$NS" link set eth0 up
ip -n "$NS" link set lo up
ip netns exec "$NS" tc qdisc add dev eth0 root tbf rate "$RATE" burst 256kb latency 50ms
sed "s/127.0.0.1:$DIST_PORT/$REMOTE/" "$work/dist.yml" >"$work/remote.yml"
ip netns exec "$NS" docker-registry serve "$work/remote.yml" >"$work/remote.log" 2>&1 &
remote_pid=$!
./drydock-stack up >/dev/null
until curl -fs "$DIST/v2/" >/dev/null && curl -fs "http://$REMOTE/v2/" >/dev/null; do sleep 0.2; done
drydock_pid=$(awk '$1 == "registry" {print $3}' "$DRYDOCK_HOME/stack-status")
postgres_pid=$(awk '$1 == "postgres" {print $3}' "$DRYDOCK_HOME/stack-status")
HZ=$(getconf CLK_TCK)
ticks() {
  local total=0 p
  for p in $@ $(for q in "$@"; do pgrep -P "$q" 2>/dev/null || true; done); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# push_blob BASE REPO FILE -> digest (one monolithic PUT)
push_blob() {
  local digest location
  digest="sha256:$(sha256sum "$3" | cut -d' ' -f1)"
  location=$(curl -fsS -o /dev/null -D - -X POST "$1/v2/$2/blobs/uploads/" |
    awk 'tolower($1) == "location:" {sub(/\r$/, "", $2); print $2}')
  case "$location" in http*) ;; *) location=$1$location ;; esac
  case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$3" "$location"
  echo "$digest"
}

# push_image BASE REPO TAG SIZE -> "manifest-digest layer-digest"
push_image() {
  local config layer manifest
  head -c "$4" /dev/urandom >"$data/layer"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"n":"%s"}' \
    "$(openssl rand -hex 8)" >"$data/config"
  config=$(push_blob "$1" "$2" "$data/config")
  layer=$(push_blob "$1" "$2" "$data/layer")
  manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}' \
    "$config" "$(stat -c %s "$data/config")" "$layer" "$4")
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "$manifest" "$1/v2/$2/manifests/$3"
  rm -f "$data/layer"
  echo "sha256:$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1) $layer"
}

# pull BASE REPO TAG -> "<seconds for manifest + config + layer> <seconds to the layer's first byte>"
pull() {
  local manifest config layer t1 t2 t3 first
  manifest=$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1/v2/$2/manifests/$3" \
    -w '\n%{time_total}')
  t1=$(echo "$manifest" | tail -1)
  config=$(echo "$manifest" | sed -n 1p | grep -o '"config":{[^}]*' | grep -o 'sha256:[0-9a-f]*')
  layer=$(echo "$manifest" | sed -n 1p | grep -o '"layers":\[{[^}]*' | grep -o 'sha256:[0-9a-f]*')
  t2=$(curl -fsS -o /dev/null -w '%{time_total}' "$1/v2/$2/blobs/$config")
  read -r t3 first < <(curl -fsS -o /dev/null -w '%{time_total} %{time_starttransfer}\n' "$1/v2/$2/blobs/$layer")
  echo "$(echo "$t1 + $t2 + $t3" | bc) $first"
}

rule() { # TARGET SOURCE [UPSTREAM]
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -X POST "$DRYDOCK/api/v1/registries/default/cacheRules" \
    -d "{\"name\":\"r$(openssl rand -hex 8)\",\"sourceRepository\":\"${3:-127.0.0.1:$DIST_PORT}/$2\",\"targetRepository\":\"$1\"}"
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }

echo "== images: $SIZE bytes upstream and in Drydock, $WARM of 32 MiB for the warm-up"
read -r _ big_layer < <(push_image "$DIST" bench/big v1 "$SIZE")
read -r _ pushed_layer < <(push_image "$DRYDOCK" bench/pushed v1 "$SIZE")
for i in $(seq 1 "$WARM"); do push_image "$DIST" "bench/warm$i" v1 33554432 >/dev/null; done

echo "== warm-up (unmeasured): $WARM images through the cache and directly"
for i in $(seq 1 "$WARM"); do
  rule "warm/image$i" "bench/warm$i"
  pull "$DRYDOCK" "warm/image$i" v1 >/dev/null
  pull "$DRYDOCK" "warm/image$i" v1 >/dev/null
  pull "$DIST" "bench/warm$i" v1 >/dev/null
done

direct=() direct_first=() cold=() cold_first=() cold_cpu=()
for r in $(seq 1 "$REPEATS"); do
  sync
  read -r seconds first < <(pull "$DIST" bench/big v1)
  direct+=("$seconds") direct_first+=("$first")
  target="cold/big-$r-$(openssl rand -hex 4)"
  rule "$target" bench/big
  sync
  before=$(ticks "$drydock_pid" "$postgres_pid")
  read -r seconds first < <(pull "$DRYDOCK" "$target" v1)
  cold+=("$seconds") cold_first+=("$first")
  cold_cpu+=("$(echo "scale=2; ($(ticks "$drydock_pid" "$postgres_pid") - $before) / $HZ" | bc)")
  last_target=$target
done

echo "== the remote upstream ($RATE)"
remote=() remote_cold=()
for r in $(seq 1 "$REPEATS"); do
  read -r seconds _ < <(pull "http://$REMOTE" bench/big v1)
  remote+=("$seconds")
  target="remote/big-$r-$(openssl rand -hex 4)"
  rule "$target" bench/big "$REMOTE"
  sync
  read -r seconds _ < <(pull "$DRYDOCK" "$target" v1)
  remote_cold+=("$seconds")
done

rate() { curl -fsS -o /dev/null -w '%{speed_download}\n' "$1"; }
hit=() normal=()
for r in $(seq 1 "$REPEATS"); do
  hit+=("$(rate "$DRYDOCK/v2/$last_target/blobs/$big_layer")")
  normal+=("$(rate "$DRYDOCK/v2/bench/pushed/blobs/$pushed_layer")")
done

mb() { echo "scale=1; $1 / 1000000" | bc; }
d=$(printf '%s\n' "${direct[@]}" | median)
c=$(printf '%s\n' "${cold[@]}" | median)
echo
echo "| row | value | unit |"
echo "|---|---|---|"
echo "| direct pull from Distribution ($SIZE-byte layer) | $d | s |"
echo "| cold pull through the cache | $c | s |"
echo "| cold / direct | $(echo "scale=2; $c / $d" | bc) | (goal <= 1.2) |"
echo "| first byte of the layer, direct | $(printf '%s\n' "${direct_first[@]}" | median) | s |"
echo "| first byte of the layer, cold | $(printf '%s\n' "${cold_first[@]}" | median) | s |"
echo "| Drydock + PostgreSQL CPU for a cold pull | $(printf '%s\n' "${cold_cpu[@]}" | median) | s |"
rd=$(printf '%s\n' "${remote[@]}" | median)
rc=$(printf '%s\n' "${remote_cold[@]}" | median)
echo "| direct pull from the remote upstream ($RATE) | $rd | s |"
echo "| cold pull through the cache from the remote upstream | $rc | s |"
echo "| cold / direct, remote | $(echo "scale=2; $rc / $rd" | bc) | (goal <= 1.2) |"
echo "| cache hit (layer) | $(mb "$(printf '%s\n' "${hit[@]}" | median)") | MB/s |"
echo "| normal pull of a pushed layer | $(mb "$(printf '%s\n' "${normal[@]}" | median)") | MB/s |"
