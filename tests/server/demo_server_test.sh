#!/usr/bin/env bash
# The demo server script sets up the demo clinic, prints an enrollment code and a token, and serves.
#   demo_server_test.sh UNITCLOCK_SERVER DEMO_SCRIPT            on a fresh SQLite data directory
#   demo_server_test.sh UNITCLOCK_SERVER DEMO_SCRIPT postgres   on a fresh database of the run's cluster
#                                                               ($UNITCLOCK_TEST_PG_DIR/url, docs/postgres-tests.md)
set -euo pipefail
srv="$1"; script="$2"; backend="${3:-sqlite}"
psql="${UNITCLOCK_PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql"
dir="$(mktemp -d)"; pid=""; cluster=""; db=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$db" ]; then "$psql" -q "$cluster" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
if [ "$backend" = postgres ]; then
  cluster="$(cat "${UNITCLOCK_TEST_PG_DIR:?the postgres_cluster fixture sets UNITCLOCK_TEST_PG_DIR}/url")"
  db="demo_$$"
  "$psql" -q "$cluster" -c "CREATE DATABASE $db" >/dev/null
  store="${cluster%/*}/$db"; store_args=(--database "$store")
else
  store="$dir/data"; store_args=(--data-dir "$store")
fi
"$script" "$srv" "$store" 127.0.0.1:0 > "$dir/out" 2> "$dir/err" &
pid=$!
# Setting up the clinic hashes every demo PIN (Argon2id): up to a minute on a loaded machine, and the wait
# ends as soon as the script stops.
for _ in $(seq 600); do
  grep -q '^listening http://127.0.0.1:' "$dir/out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^listening http://127.0.0.1:' "$dir/out" || { cat "$dir/out" "$dir/err"; echo "FAIL: not serving"; exit 1; }
grep -Eq '^enrollment code: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$' "$dir/out" || { cat "$dir/out"; exit 1; }
grep -q '^supervisor token: uct_' "$dir/out" || { cat "$dir/out"; exit 1; }
url="$(sed -n 's/^listening //p' "$dir/out")"
curl -fsS "$url/api/v1/health" | grep -q '"ok"'
"$srv" device list "${store_args[@]}" >/dev/null
# Run again on the same store: the clinic is not set up twice, a new code and token are printed.
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
"$script" "$srv" "$store" 127.0.0.1:0 > "$dir/out2" 2> "$dir/err2" &
pid=$!
for _ in $(seq 600); do
  grep -q '^listening http://127.0.0.1:' "$dir/out2" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^listening http://127.0.0.1:' "$dir/out2" || { cat "$dir/out2" "$dir/err2"; echo "FAIL: second run not serving"; exit 1; }
[ "$("$srv" clinic list "${store_args[@]}" | grep -c $'^demo-clinic\t')" = 1 ] || { echo "FAIL: demo clinic twice"; exit 1; }
echo "demo server ($backend): ok"
