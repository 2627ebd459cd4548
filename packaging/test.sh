#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, store crash, CLI, server, app under a
# headless SDL driver and under Xvfb), then the fuzzers for a bounded time. This is the README's test command.
#
# Then the whole suite runs twice more with the wall clock moved (Debian's faketime; the monotonic clock
# stays real, the sync worker's waits need it), to prove that no test depends on the day it runs: once 30 s
# before the US daylight-saving change of 2027-03-14 (07:00 UTC is 2 am in New York), once starting at
# 2026-12-31 23:59:20 UTC so that the run crosses midnight and New Year.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --workflow --preset ci
./packaging/fuzz.sh 30   # every parser of outside bytes, 30 s each, clang + libFuzzer (a separate build)
for start in '2027-03-14 06:59:30' '2026-12-31 23:59:20'; do
  echo "== the whole suite again, with the wall clock starting at $start UTC =="
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$start UTC" ctest --preset ci
done
