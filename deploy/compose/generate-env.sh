#!/bin/sh
# Writes .env beside docker-compose.yml with generated secrets, mode 600; docker compose reads it by itself.
# An existing .env keeps its values and only gains the secrets it lacks (those a newer Drydock added).
set -eu
cd "$(dirname "$0")/../.."
secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
touch .env
chmod 600 .env
added=0
for name in DRYDOCK_POSTGRES_PASSWORD DRYDOCK_REGISTRY_DB_PASSWORD DRYDOCK_TASKS_DB_PASSWORD \
    DRYDOCK_INSTANCES_DB_PASSWORD DRYDOCK_TASK_SERVICE_SECRET DRYDOCK_INSTANCE_SERVICE_SECRET \
    DRYDOCK_KAFKA_ADMIN_PASSWORD DRYDOCK_KAFKA_PASSWORD_REGISTRY_SERVICE DRYDOCK_KAFKA_PASSWORD_TASK_SERVICE \
    DRYDOCK_KAFKA_PASSWORD_INSTANCE_SERVICE DRYDOCK_KAFKA_PASSWORD_SOURCES DRYDOCK_KAFKA_PASSWORD_DRYDOCK_MIRROR \
    DRYDOCK_METRICS_PASSWORD; do
  if ! grep -q "^$name=" .env; then
    echo "$name=$(secret)" >> .env
    added=$((added + 1))
  fi
done
echo ".env: $added secret(s) added"
