#!/usr/bin/env bash
# Installs what is missing, builds the release preset, and shows the units calculator on an example day.
# (Until the kiosk app takes over this command.)
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --workflow --preset release
cli=./build/release/app/cli/unitclock-cli
echo
echo "== A Medicare OT day: 33 min therapeutic exercise, 7 min manual therapy (CMS Example 3) =="
"$cli" units 97110=33 97140=7
echo
echo "== The same day as JSON =="
"$cli" units --json 97110=33 97140=7
echo
echo "== A PT day with an assistant, under Medicare and under a commercial payer =="
"$cli" units --discipline pt 97110=13+23 97140=30 97035=8
echo
"$cli" units --discipline pt --payer commercial 97110=13+23 97140=30 97035=8
