#!/bin/sh
# One PostgreSQL server, one database per service, each owned by a role of its own that is no superuser and can
# create nothing else; no service reads another's tables. The passwords come from the environment (.env, made by
# deploy/compose/generate-env.sh).
set -eu
for service in registry tasks instances; do
  var=$(echo "DRYDOCK_${service}_DB_PASSWORD" | tr '[:lower:]' '[:upper:]')
  password=$(printenv "$var")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$service" -v password="$password" <<'SQL'
create role :"role" login nosuperuser nocreatedb nocreaterole noinherit password :'password';
create database :"role" owner :"role";
revoke all on database :"role" from public;
SQL
done
