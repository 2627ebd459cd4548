#!/usr/bin/env bash
# The demo server script sets up the demo clinic, prints an enrollment code and a token, and serves.
set -euo pipefail
srv="$1"; script="$2"
dir="$(mktemp -d)"; trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
"$script" "$srv" "$dir/data" 127.0.0.1:0 > "$dir/out" 2> "$dir/err" &
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
"$srv" device list --data-dir "$dir/data" >/dev/null
echo "demo server: ok"
