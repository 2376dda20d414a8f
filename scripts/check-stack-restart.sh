#!/usr/bin/env bash
# Proves that `drydock-stack down` then `up` keeps state: a row written to PostgreSQL, the Kafka cluster identity and
# its topic data, and each service's migration history survive the restart. Brings the stack up if it is down and
# leaves it as it found it (the probe database is dropped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT=${DRYDOCK_PG_PORT:-55432}
if [ "$(id -u)" = 0 ]; then home=${DRYDOCK_HOME:-/var/lib/drydock}; else home=${DRYDOCK_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/drydock}; fi
psql_() { PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -p "$PG_PORT" -U app -v ON_ERROR_STOP=1 -qAt "$@"; }

was_running=yes
./drydock-stack status >/dev/null || was_running=no
./drydock-stack up >/dev/null

token=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
psql_ -d postgres -c "drop database if exists restart_check" -c "create database restart_check"
psql_ -d restart_check -c "create table probe (token text)" -c "insert into probe values ('$token')"
cluster_before=$(grep cluster.id "$home/kafka/data/meta.properties")
topics_before=$(ls "$home/kafka/data" | grep -E '^(registry|source|task|instance)-events-[0-9]+$' | sort | tr '\n' ' ')
history_before=$(for db in registry tasks instances; do psql_ -d $db -c "select '$db', version, installed_on from flyway_schema_history order by installed_rank"; done)

./drydock-stack down >/dev/null
./drydock-stack up >/dev/null

fail=0
check() { if [ "$2" = "$3" ]; then echo "ok    $1"; else echo "FAIL  $1: before '$2', after '$3'"; fail=1; fi; }
check "postgres row" "$token" "$(psql_ -d restart_check -c 'select token from probe')"
check "kafka cluster id" "$cluster_before" "$(grep cluster.id "$home/kafka/data/meta.properties")"
check "kafka topic partitions" "$topics_before" "$(ls "$home/kafka/data" | grep -E '^(registry|source|task|instance)-events-[0-9]+$' | sort | tr '\n' ' ')"
check "migration history" "$history_before" "$(for db in registry tasks instances; do psql_ -d $db -c "select '$db', version, installed_on from flyway_schema_history order by installed_rank"; done)"
./drydock-stack status >/dev/null && echo "ok    all services healthy after restart" || { echo "FAIL  not healthy after restart"; fail=1; }

psql_ -d postgres -c "drop database restart_check"
[ "$was_running" = yes ] || ./drydock-stack down >/dev/null
exit $fail
