#!/bin/bash
# Creates Drydock's topics (deploy/kafka/topics.txt) before any service starts.
set -euo pipefail
while read -r name partitions; do
  case "$name" in ''|'#'*) continue ;; esac
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor 1
done < /topics.txt
