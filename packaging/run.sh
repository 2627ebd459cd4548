#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, start a local billing
# server with the demo clinic, and open the kiosk app's demo clinic enrolled with that server.
# With no display, the same demo runs a whole session under a virtual X server and prints what the
# billing server then holds.
#
#   packaging/run.sh            # window on this display
#   packaging/run.sh --kiosk    # fullscreen (extra options go to the app)
#
# Demo data lives in ${UNITCLOCK_DEMO_DIR:-~/.local/share/unitclock-demo-run}; delete it to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

./packaging/install-deps.sh
# Only what this runs: the kiosk app, the billing server and the CLI (the tests are the test command's).
cmake --preset release >/dev/null
cmake --build --preset release --target unitclock unitclock-server unitclock_cli

bin=$root/build/release
app=$bin/app/kiosk/unitclock
srv=$bin/server/unitclock-server
demo=${UNITCLOCK_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/unitclock-demo-run}
mkdir -p "$demo"
chmod 700 "$demo"

today=$(date -u +%Y-%m-%d)   # the demo clinic keeps UTC days

# The billing server with the same clinic, roster (ids and PINs) and schedule as the app's demo clinic
# (server/scripts/demo-server.sh), on a fixed port because an enrolled device remembers its server.
port=${UNITCLOCK_DEMO_PORT:-8470}
server/scripts/demo-server.sh "$srv" "$demo/server" "127.0.0.1:$port" > "$demo/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
: > "$demo/server.log"
url=""
# Up to a minute: setting up the demo clinic hashes every PIN, slow on a busy machine.
for _ in $(seq 600); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$demo/server.log" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 $server_pid 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { cat "$demo/server.log" >&2; echo "run.sh: the billing server did not start (is port $port taken? set UNITCLOCK_DEMO_PORT)" >&2; exit 1; }
echo "Billing server: $url (data in $demo/server, log in $demo/server.log)"

# A fresh one-time code each run: a device that is not enrolled yet uses it, an enrolled one keeps its
# token and ignores it (unused codes expire after 24 h).
code=$(sed -n 's/^enrollment code: //p' "$demo/server.log" | tail -1)
token=$(sed -n 's/^supervisor token: //p' "$demo/server.log" | tail -1)
enroll=(--server "$url" --enroll-code "$code")

show_server_day() {
  echo
  echo "== What the billing server holds for $today =="
  curl -sf -H "Authorization: Bearer $token" "$url/api/v1/days/$today/summary" | head -c 2000; echo
  echo "== charges.csv =="
  curl -sf -H "Authorization: Bearer $token" "$url/api/v1/days/$today/charges.csv"
  echo "== charges.hl7 =="
  curl -sf -H "Authorization: Bearer $token" "$url/api/v1/days/$today/charges.hl7" | tr '\r' '\n'
}

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening the demo clinic. PINs: Dana Ortiz (OT) 1111, Sam Lee (OTA) 2222, Priya Shah (PT) 3333,"
  echo "Marco Reyes (PTA) 4444, Alex Kim (SLP) 5555, Jordan Blake (supervisor) 9999."
  "$app" --demo --data-dir "$demo/kiosk" "${enroll[@]}" "$@" || true
  show_server_day
else
  echo "No display here: running a whole demo session under a virtual X server instead."
  mkdir -p "$demo/screenshots"
  (cd "$demo/screenshots" && xvfb-run -a -s '-screen 0 1280x800x24' \
     "$app" --demo --data-dir "$demo/kiosk" "${enroll[@]}" --script "$root/packaging/demo/walkthrough.txt")
  echo "Screenshots: $demo/screenshots"
  show_server_day
fi
