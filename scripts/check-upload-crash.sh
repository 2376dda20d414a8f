#!/usr/bin/env bash
# Proves two storage promises against the running local stack (./drydock-stack up first):
#  1. a chunked upload interrupted by a service restart resumes where it stopped and completes with the right digest;
#  2. a kill -9 of the registry in the middle of a streamed upload leaves nothing visible and nothing corrupt: the
#     session still vouches only for what was acknowledged, no blob appears, and the upload can go on from there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then home=${DRYDOCK_HOME:-/var/lib/drydock}; else home=${DRYDOCK_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/drydock}; fi
port=${DRYDOCK_REGISTRY_PORT:-8080}
base=http://127.0.0.1:$port
# the administrator's credentials, as the stack generated them
auth=(-u "drydock-admin:$(cat "$home/registry-service/management-password")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL  $*"; exit 1; }
ok() { echo "ok    $*"; }
header() { awk -v h="$1" 'tolower($1) == tolower(h)":" {sub(/\r$/, "", $2); print $2}'; }
start_upload() { curl "${auth[@]}" -fsS -D - -o /dev/null -X POST "$base/v2/$1/blobs/uploads/" | header Location; }
status() { curl "${auth[@]}" -s -o /dev/null -w '%{http_code}' "$@"; }

./drydock-stack status >/dev/null || fail "the stack is not up"

# 1. resume across a restart
head -c 1048576 /dev/urandom >"$tmp/a"; head -c 1048576 /dev/urandom >"$tmp/b"; cat "$tmp/a" "$tmp/b" >"$tmp/ab"
digest=sha256:$(sha256sum "$tmp/ab" | cut -d' ' -f1)
loc=$(start_upload crash/resume)
[ "$(status -X PATCH -H 'Content-Type: application/octet-stream' -H 'Content-Range: 0-1048575' --data-binary @"$tmp/a" "$base$loc")" = 202 ] || fail "first chunk"
./drydock-stack down >/dev/null && ./drydock-stack up >/dev/null
range=$(curl "${auth[@]}" -fsS -D - -o /dev/null "$base$loc" | header Range)
[ "$range" = "0-1048575" ] && ok "after a restart the upload reports Range $range" || fail "Range after restart: $range"
[ "$(status -X PATCH -H 'Content-Type: application/octet-stream' -H 'Content-Range: 1048576-2097151' --data-binary @"$tmp/b" "$base$loc")" = 202 ] || fail "second chunk"
[ "$(status -X PUT "$base$loc?digest=$digest")" = 201 ] || fail "closing PUT"
[ "$(curl "${auth[@]}" -fsS "$base/v2/crash/resume/blobs/$digest" | sha256sum | cut -d' ' -f1)" = "${digest#sha256:}" ] \
  && ok "resumed upload completed with the right digest" || fail "resumed blob content"

# 2. kill -9 during a streamed upload
blobs_before=$(find "$home/registry-service/storage/blobs" -type f | wc -l)
loc=$(start_upload crash/killed)
id=${loc##*/}
head -c 4294967296 /dev/zero | curl "${auth[@]}" -s -o /dev/null -X PATCH -H 'Content-Type: application/octet-stream' -T - "$base$loc" &
curl_pid=$!
file=$home/registry-service/storage/uploads/$id
until [ -f "$file" ] && [ "$(stat -c %s "$file")" -gt 100000000 ]; do sleep 0.1; done
registry_pid=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
kill -9 "$registry_pid"
wait "$curl_pid" || true
ok "killed the registry (pid $registry_pid) with $(stat -c %s "$file") bytes of the upload on disk"
./drydock-stack down >/dev/null && ./drydock-stack up >/dev/null
range=$(curl "${auth[@]}" -fsS -D - -o /dev/null "$base$loc" | header Range)
[ "$range" = "0-0" ] && ok "the session vouches for nothing unacknowledged (Range $range)" || fail "Range after kill: $range"
blobs_after=$(find "$home/registry-service/storage/blobs" -type f | wc -l)
[ "$blobs_after" = "$blobs_before" ] && ok "no blob appeared from the killed upload" || fail "blobs $blobs_before -> $blobs_after"
printf 'small' >"$tmp/small"
[ "$(status -X PATCH -H 'Content-Type: application/octet-stream' -H 'Content-Range: 0-4' --data-binary @"$tmp/small" "$base$loc")" = 202 ] || fail "PATCH after kill"
small=sha256:$(sha256sum "$tmp/small" | cut -d' ' -f1)
[ "$(status -X PUT "$base$loc?digest=$small")" = 201 ] && ok "the same upload completed afterwards, stale bytes cut" || fail "PUT after kill"
