#!/usr/bin/env bash
# Starts the site as a newcomer would (`npm start`, embedded defaults) in a fresh data folder, waits
# for /health and /docs, restarts it and checks that data and the secret key survived.
set -euo pipefail
cd "$(dirname "$0")/.."

data=$(mktemp -d)
port=18765
log=$(mktemp)
# npm runs in a session of its own, so that the trap can stop the server under it as well.
trap 'kill -- -"$pid" 2>/dev/null || true; rm -rf "$data" "$log"' EXIT

start() {
  DATA_DIR="$data" PORT=$port setsid npm start >>"$log" 2>&1 &
  pid=$!
  local started=$(date +%s%N)
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      echo "ready in $(( ($(date +%s%N) - started) / 1000000 )) ms"
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL: not serving /health within 10 s" >&2
  cat "$log" >&2
  return 1
}

# SIGTERM goes to the server itself (as a container runtime sends it); npm then exits with its status.
stop() {
  local server
  server=$(pgrep -s "$pid" -f "^node .*dist/server\.js$")
  kill -TERM "$server"
  wait "$pid" || { echo "FAIL: exit status $? after SIGTERM" >&2; return 1; }
}

start
# The build takes a while on a first start: it says so before anything else.
grep -m1 -v '^\(> \|$\)' "$log" | grep -q '^building the server and the browser code\.\.\.$' ||
  { echo "FAIL: npm start does not say that it is building" >&2; cat "$log" >&2; exit 1; }
curl -fs "http://127.0.0.1:$port/docs/" | grep -q 'swagger-ui' || { echo "FAIL: /docs" >&2; exit 1; }
curl -fs -X POST "http://127.0.0.1:$port/api/users" -H 'content-type: application/json' \
  -d '{"username":"smoke","email":"smoke@example.com","password":"smoke-password"}' >/dev/null
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/users/token" -d 'username=smoke@example.com&password=smoke-password' |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')
stop

start
curl -fs "http://127.0.0.1:$port/api/users/me" -H "authorization: Bearer $token" | grep -q '"username":"smoke"' ||
  { echo "FAIL: the user or the secret key did not survive a restart" >&2; exit 1; }
stat -c '%a' "$data/secret.key" | grep -qx 600 || { echo "FAIL: secret.key is not mode 0600" >&2; exit 1; }
stop
echo "smoke: /health, /docs, restart with data and key kept, clean exit on SIGTERM: ok"
