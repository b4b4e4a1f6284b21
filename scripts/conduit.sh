#!/usr/bin/env bash
# Runs the official RealWorld ("Conduit") API test collection with newman against the built app: on
# the embedded database (a fresh DATA_DIR), and on PostgreSQL as well when TEST_DATABASE_URL is given
# (in a database of its own, created and dropped here). Fails if any assertion fails, and prints how
# many passed on each database.
#
# The collection is not part of the repository: CONDUIT_DIR names its folder, by default
# ../shared/conduit beside the repository (then /work/shared/conduit, where the workspace keeps it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

conduit_dir="${CONDUIT_DIR:-}"
if [ -z "$conduit_dir" ]; then
  conduit_dir="$root/../shared/conduit"
  [ -f "$conduit_dir/Conduit.postman_collection.json" ] || conduit_dir=/work/shared/conduit
fi
collection="$conduit_dir/Conduit.postman_collection.json"
[ -f "$collection" ] || {
  echo "FAIL: no RealWorld collection at $collection (set CONDUIT_DIR to the folder that holds it)" >&2
  exit 1
}

work=$(mktemp -d)
pid=""
pg_database=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pg_database" ]; then
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$pg_database\" WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the server..."
node scripts/build.mjs >/dev/null

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# run <label> [DATABASE_URL]: starts the app, runs the collection, stops the app.
run() {
  local label=$1 database_url=${2:-}
  local port data log report
  port=$(free_port)
  data="$work/$label"
  log="$work/$label.log"
  report="$work/$label.json"
  mkdir -p "$data"
  (
    export DATA_DIR="$data" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warn
    [ -n "$database_url" ] && export DATABASE_URL="$database_url"
    exec node dist/server.js
  ) >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 || {
    echo "FAIL: the app ($label) is not serving /health" >&2
    cat "$log" >&2
    exit 1
  }

  local unique
  unique="rw$(date +%s%N | tail -c 10)$RANDOM"
  local status=0
  npx --no-install newman run "$collection" \
    --global-var "APIURL=http://127.0.0.1:$port/conduit/api" \
    --global-var "USERNAME=$unique" \
    --global-var "EMAIL=$unique@example.com" \
    --global-var "PASSWORD=password-$unique" \
    --reporters cli,json --reporter-json-export "$report" || status=$?

  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""

  node -e '
    const { run } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const { total, failed } = run.stats.assertions;
    console.log(`conduit (${process.argv[2]}): ${total - failed} of ${total} assertions passed`);
    process.exit(failed === 0 && run.failures.length === 0 ? 0 : 1);
  ' "$report" "$label" || status=1
  if [ "$status" -ne 0 ]; then
    echo "FAIL: the RealWorld collection failed on $label" >&2
    tail -n 50 "$log" >&2
    exit 1
  fi
}

run embedded

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  pg_database="conduit_$(date +%s)_$RANDOM"
  psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE \"$pg_database\"" >/dev/null
  database_url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.href)' \
    "$TEST_DATABASE_URL" "$pg_database")
  run postgresql "$database_url"
fi
