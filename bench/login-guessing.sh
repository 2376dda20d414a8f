#!/usr/bin/env bash
# Password guessing against the registry, as an attacker without credentials would: N wrong passwords for one
# registry's admin user (both its passwords set, so every checked guess costs two PBKDF2 hashes) at concurrency 10,
# from one address. Prints the answers (401 = checked, 429 = refused before any hash) and the registry process's CPU
# seconds for the burst (from /proc, so the JIT is the production one, not the tests' C1), and one hash's cost.
# Usage: bench/login-guessing.sh [guesses]     (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
guesses=${1:-100}
. bench/task-stack.sh guessbench
ADMIN_API=http://$REG/api/v1/registries
curl -fs -u "$AUTH" -H 'Content-Type: application/json' -d '{"name":"guessed","sku":{"name":"Standard"},"adminUserEnabled":true}' \
  "$ADMIN_API" >/dev/null
password=$(curl -fs -u "$AUTH" -H 'Content-Type: application/json' -d '{"name":"password"}' \
  "$ADMIN_API/guessed/credentials/regenerate" | python3 -c 'import json,sys; print(json.load(sys.stdin)["passwords"][0]["value"])')
curl -fs -u "$AUTH" -H 'Content-Type: application/json' -d '{"name":"password2"}' \
  "$ADMIN_API/guessed/credentials/regenerate" >/dev/null
pid=$(pgrep -f '^[^ ]*/java .*-jar [^ ]*registry-service/target/quarkus-app/quarkus-run.jar' | head -n1)
echo "registry process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-120)"
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
tick=$(getconf CLK_TCK)
token() { curl -s -o /dev/null -w '%{http_code}\n' -H 'Host: guessed.drydock.localhost' -u "guessed:$1" \
  "http://$REG/oauth2/token"; }
export -f token; export REG

# warm: the registry's hash and refusal paths compiled, as on a registry that has been up for a while
for i in $(seq 1 20); do token "$password" >/dev/null; done
for i in $(seq 1 20); do curl -s -o /dev/null -u "warm$i:x" -H 'Host: guessed.drydock.localhost' "http://$REG/v2/"; done
# one hash's cost: fresh sign-ins of a token (each a check that misses the success cache)
before=$(cpu)
for i in 1 2 3 4 5; do
  p=$(curl -fs -u "$AUTH" -H 'Content-Type: application/json' -d '{"name":"password2"}' \
    "$ADMIN_API/guessed/credentials/regenerate" | python3 -c 'import json,sys; print(json.load(sys.stdin)["passwords"][0]["value"])')
  token "$p" >/dev/null
done
per_signin=$(python3 -c "print(($(cpu) - $before) / $tick / 5)")
before=$(cpu)
seq 1 "$guesses" | xargs -P 10 -I{} bash -c 'token guess-{}' >"$work/answers"
after=$(cpu)
echo "guesses: $guesses at concurrency 10; answers: $(sort "$work/answers" | uniq -c | tr '\n' ' ')"
python3 -c "print('registry CPU for the burst: %.2f s; a regenerate + sign-in (2 hashes): %.3f s' % (($after - $before) / $tick, $per_signin))"
