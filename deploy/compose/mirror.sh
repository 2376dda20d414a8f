#!/bin/bash
# MirrorMaker 2 of a compose site (profile "site", docs/operations.md, Sites): copies each peer's registry-events
# into this site's Kafka as <peer>.registry-events. It reads a peer as that site's drydock-mirror principal, with
# the mirror password every site derives from the replication secret, and writes here as the administrator.
set -euo pipefail
: "${DRYDOCK_SITE_NAME:?set DRYDOCK_SITE_NAME}" "${DRYDOCK_SITE_PEER_KAFKA:?set DRYDOCK_SITE_PEER_KAFKA (name=host:port,...)}"
: "${DRYDOCK_KAFKA_PASSWORD_DRYDOCK_MIRROR:?set it to the mirror password of the replication secret}"
umask 077
config=/tmp/mm2.properties
jaas() { echo "org.apache.kafka.common.security.$1 required username=\"$2\" password=\"$3\";"; }
self=$DRYDOCK_SITE_NAME
clusters=$self
{
  echo "$self.bootstrap.servers = kafka:9092"
  echo "$self.security.protocol = SASL_PLAINTEXT"
  echo "$self.sasl.mechanism = PLAIN"
  echo "$self.sasl.jaas.config = $(jaas plain.PlainLoginModule admin "$DRYDOCK_KAFKA_ADMIN_PASSWORD")"
  for entry in ${DRYDOCK_SITE_PEER_KAFKA//,/ }; do
    peer=${entry%%=*}
    echo "$peer.bootstrap.servers = ${entry#*=}"
    echo "$peer.security.protocol = SASL_PLAINTEXT"
    echo "$peer.sasl.mechanism = SCRAM-SHA-512"
    echo "$peer.sasl.jaas.config = $(jaas scram.ScramLoginModule drydock-mirror "$DRYDOCK_KAFKA_PASSWORD_DRYDOCK_MIRROR")"
    echo "$peer->$self.enabled = true"
    echo "$peer->$self.topics = registry-events"
    echo "$self->$peer.enabled = false"
  done
  # the same settings as the local stack's (devstack KafkaMirror)
  cat <<'PROPERTIES'
replication.factor = 1
offset.storage.replication.factor = 1
status.storage.replication.factor = 1
config.storage.replication.factor = 1
offset-syncs.topic.replication.factor = 1
heartbeats.topic.replication.factor = 1
checkpoints.topic.replication.factor = 1
offset-syncs.topic.location = target
emit.heartbeats.enabled = false
groups.exclude = .*
emit.checkpoints.interval.seconds = 3600
sync.group.offsets.enabled = false
sync.topic.acls.enabled = false
sync.topic.configs.enabled = false
refresh.topics.interval.seconds = 10
consumer.fetch.max.wait.ms = 100
PROPERTIES
} > "$config"
for entry in ${DRYDOCK_SITE_PEER_KAFKA//,/ }; do clusters="$clusters, ${entry%%=*}"; done
sed -i "1i clusters = $clusters" "$config"
exec /opt/kafka/bin/connect-mirror-maker.sh "$config" --clusters "$self"
