# Sourced by the task benchmarks (from the repository root): checks their tools, starts a throwaway local stack with
# authentication on (nothing of the normal stack is touched) and removes it on exit. Sets work (a private directory),
# REG (the registry's host:port), API (the tasks API of the default registry), AUTH (the administrator's user:password)
# and HAND (buildah with its own storage under $work, for builds by hand), and push_busybox. $1 names the work
# directory.
for tool in buildah curl python3 tar; do command -v "$tool" >/dev/null || { echo "missing $tool"; exit 1; }; done
[ -x /bin/busybox ] || { echo "missing /bin/busybox: apt-get install -y busybox-static"; exit 1; }

work=$(mktemp -d "/tmp/drydock-$1.XXXXXX")
# as root PostgreSQL runs as the postgres user, which must be able to reach its data directory
chmod 755 "$work"
export DRYDOCK_HOME=$work/drydock DRYDOCK_REGISTRY_PORT=18080 DRYDOCK_TASKS_PORT=18081 DRYDOCK_INSTANCES_PORT=18082 \
  DRYDOCK_PG_PORT=55532 DRYDOCK_KAFKA_PORT=59192 DRYDOCK_ADMIN_PASSWORD=bench-admin-password
REG=127.0.0.1:$DRYDOCK_REGISTRY_PORT
API=http://127.0.0.1:$DRYDOCK_TASKS_PORT/api/v1/registries/default
AUTH=drydock-admin:$DRYDOCK_ADMIN_PASSWORD
HAND=(buildah --root "$work/hand/storage" --runroot "$work/hand/run" --storage-driver vfs)
cleanup() {
  ./drydock-stack down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# push_busybox REPO:TAG MARKER: pushes the host's busybox with a marker file, so every marker is a new digest
push_busybox() {
  local c
  echo "$2" >"$work/marker"
  c=$("${HAND[@]}" from scratch)
  "${HAND[@]}" copy "$c" /bin/busybox /bin/busybox >/dev/null
  "${HAND[@]}" copy "$c" "$work/marker" /marker >/dev/null
  "${HAND[@]}" commit -q "$c" "$REG/$1" >/dev/null
  "${HAND[@]}" rm "$c" >/dev/null
  "${HAND[@]}" push -q --tls-verify=false --creds "$AUTH" "$REG/$1" "docker://$REG/$1"
}

echo "starting a throwaway stack under $work ..."
./drydock-stack up >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }
