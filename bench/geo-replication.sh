#!/usr/bin/env bash
# Geo-replication between two sites on this machine: two local stacks (the registry service only, each with its
# own PostgreSQL, Kafka, MirrorMaker 2 and storage), a Premium registry at west replicated to east. Measures, as a
# client sees it (bench/GeoReplicationBench.java):
#   lag       from the answer to a push at west to east answering the same tag: p50/p99 for SMALL and LARGE images
#   catch-up  east stopped, OUTAGE images pushed to west, east started: how long until east has them all
# Both stacks are throwaway (their homes are removed at the end); ports 18080/19080, 55532/55632, 59192/59292.
# Rate limits are off: 500 pushes by one identity in a few minutes exceed ACR's Premium write limit (2,000/min).
#
# Usage: bench/geo-replication.sh   (SMALL=1048576 SMALL_COUNT=30 LARGE=104857600 LARGE_COUNT=5 OUTAGE=500
#                                    OUTAGE_SIZE=1048576 in the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SMALL:-1048576}; SMALL_COUNT=${SMALL_COUNT:-30}
LARGE=${LARGE:-104857600}; LARGE_COUNT=${LARGE_COUNT:-5}
OUTAGE=${OUTAGE:-500}; OUTAGE_SIZE=${OUTAGE_SIZE:-1048576}
work=$(mktemp -d /tmp/drydock-geo-bench.XXXXXX)
chmod 755 "$work"
secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
REGISTRY=georeplicated
HOST=$REGISTRY.drydock.localhost

site() { # name registry-port pg-port kafka-port peer peer-registry-port peer-kafka-port command
  DRYDOCK_HOME=$work/$1 DRYDOCK_REGISTRY_PORT=$2 DRYDOCK_TASKS_PORT=$(($2 + 1)) DRYDOCK_INSTANCES_PORT=$(($2 + 2)) \
    DRYDOCK_PG_PORT=$3 DRYDOCK_KAFKA_PORT=$4 DRYDOCK_INSTALL_CLI=no DRYDOCK_STACK_SERVICES=registry \
    DRYDOCK_SITE_NAME=$1 DRYDOCK_SITE_PEERS=$5=http://127.0.0.1:$6 DRYDOCK_SITE_PEER_KAFKA=$5=127.0.0.1:$7 \
    DRYDOCK_REPLICATION_SECRET=$secret DRYDOCK_REGISTRY_AUTH_RATE_LIMIT_SCALE=0 ./drydock-stack "$8" >/dev/null
}
west() { site west 18080 55532 59192 east 19080 59292 "$1"; }
east() { site east 19080 55632 59292 west 18080 59192 "$1"; }
cleanup() {
  west down 2>/dev/null || true
  east down 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

west up
east up
auth() { echo "drydock-admin:$(cat "$work/$1/registry-service/management-password")"; }
WEST_AUTH=$(auth west); EAST_AUTH=$(auth east)
api() { curl -fsS -u "$1" -H 'Content-Type: application/json' "${@:2}"; }
api "$WEST_AUTH" -X POST -d "{\"name\":\"$REGISTRY\",\"sku\":{\"name\":\"Premium\"}}" \
  http://127.0.0.1:18080/api/v1/registries >/dev/null
api "$WEST_AUTH" -X POST -d '{"location":"east"}' \
  http://127.0.0.1:18080/api/v1/registries/$REGISTRY/replications >/dev/null
bench() { java -Xmx1g -Djdk.httpclient.allowRestrictedHeaders=host bench/GeoReplicationBench.java "$@"; }

echo "== warm-up (the JIT of both services)"
bench lag http://127.0.0.1:18080 http://127.0.0.1:19080 "$HOST" "$WEST_AUTH" "$EAST_AUTH" 20 "$SMALL" >/dev/null
echo "== lag"
bench lag http://127.0.0.1:18080 http://127.0.0.1:19080 "$HOST" "$WEST_AUTH" "$EAST_AUTH" "$SMALL_COUNT" "$SMALL"
bench lag http://127.0.0.1:18080 http://127.0.0.1:19080 "$HOST" "$WEST_AUTH" "$EAST_AUTH" "$LARGE_COUNT" "$LARGE"

echo "== catch-up after an outage of east"
east down
bench push http://127.0.0.1:18080 "$HOST" "$WEST_AUTH" outage/image "$OUTAGE" "$OUTAGE_SIZE"
start=$(date +%s.%N)
east up
ready=$(date +%s.%N)
EAST_AUTH=$(auth east)
took=$(bench await http://127.0.0.1:19080 "$HOST" "$EAST_AUTH" outage/image "$OUTAGE")
done_at=$(date +%s.%N)
echo "east up in $(echo "$ready - $start" | bc) s; all $OUTAGE images there $took s after it was ready"
echo "catch-up: $(echo "scale=1; $OUTAGE / ($done_at - $ready)" | bc) images/s," \
  "$(echo "scale=1; $OUTAGE * $OUTAGE_SIZE / 1048576 / ($done_at - $ready)" | bc) MiB/s"
echo "east's registry log: $(grep -c 'replication: push' "$work/east/logs/registry-service.log") copies applied"
