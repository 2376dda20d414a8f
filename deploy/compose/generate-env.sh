#!/bin/sh
# Writes .env beside docker-compose.yml with generated secrets (once: an existing .env is kept), mode 600.
# docker compose reads it by itself.
set -eu
cd "$(dirname "$0")/../.."
[ -f .env ] && { echo ".env exists; keeping it"; exit 0; }
secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
{
  echo "DRYDOCK_POSTGRES_PASSWORD=$(secret)"
  echo "DRYDOCK_REGISTRY_DB_PASSWORD=$(secret)"
  echo "DRYDOCK_TASKS_DB_PASSWORD=$(secret)"
  echo "DRYDOCK_INSTANCES_DB_PASSWORD=$(secret)"
  echo "DRYDOCK_TASK_SERVICE_SECRET=$(secret)"
  echo "DRYDOCK_INSTANCE_SERVICE_SECRET=$(secret)"
} > .env
echo "wrote .env"
