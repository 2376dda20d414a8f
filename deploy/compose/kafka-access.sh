#!/bin/bash
# Runs once before the services start, as the broker's administrator: creates Drydock's topics
# (deploy/kafka/topics.txt), gives each principal its SCRAM-SHA-512 password (from .env) and exactly the grants of
# deploy/kafka/acls.txt. Idempotent: a second run changes nothing, a changed password replaces the old one.
set -euo pipefail
bin=/opt/kafka/bin
server=kafka:9092
admin=/tmp/admin.properties
umask 077
cat > "$admin" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${DRYDOCK_KAFKA_ADMIN_PASSWORD}";
PROPERTIES

while read -r name partitions; do
  case "$name" in ''|'#'*) continue ;; esac
  "$bin/kafka-topics.sh" --bootstrap-server "$server" --command-config "$admin" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1
done < /topics.txt

# DRYDOCK_KAFKA_PASSWORD_<PRINCIPAL>, the principal upper-cased with - as _
password_of() {
  local var="DRYDOCK_KAFKA_PASSWORD_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  [ -n "${!var:-}" ] || { echo "$var is not set: run deploy/compose/generate-env.sh" >&2; exit 1; }
  echo "${!var}"
}

for principal in $(awk '!/^#/ && NF { print $1 }' /acls.txt | sort -u); do
  "$bin/kafka-configs.sh" --bootstrap-server "$server" --command-config "$admin" --alter --entity-type users \
    --entity-name "$principal" --add-config "SCRAM-SHA-512=[iterations=8192,password=$(password_of "$principal")]"
done

while read -r principal right resource; do
  case "$principal" in ''|'#'*) continue ;; esac
  case "$right" in
    write-topic) what=(--operation Write --topic "$resource") ;;
    read-topic) what=(--operation Read --topic "$resource") ;;
    read-group) what=(--operation Read --group "$resource" --resource-pattern-type prefixed) ;;
    *) echo "unknown right $right in acls.txt" >&2; exit 1 ;;
  esac
  "$bin/kafka-acls.sh" --bootstrap-server "$server" --command-config "$admin" --add \
    --allow-principal "User:$principal" "${what[@]}"
done < /acls.txt

# a site of a geo-replicated deployment (docs/operations.md, Sites): each peer's mirrored events, read by the
# registry service, written by MirrorMaker (as the administrator)
for peer in $(echo "${DRYDOCK_SITE_PEER_KAFKA:-}" | tr ',' '\n' | sed -n 's/^ *\([a-z0-9-]*\)=.*/\1/p'); do
  "$bin/kafka-topics.sh" --bootstrap-server "$server" --command-config "$admin" --create --if-not-exists \
    --topic "$peer.registry-events" --partitions 3 --replication-factor 1
  "$bin/kafka-acls.sh" --bootstrap-server "$server" --command-config "$admin" --add \
    --allow-principal "User:registry-service" --operation Read --topic "$peer.registry-events"
done
echo "kafka topics, credentials and grants are in place"
