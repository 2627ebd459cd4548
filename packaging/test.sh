#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, store crash, CLI, server, app under a
# headless SDL driver and under Xvfb, and the long property run of core), then the fuzzers for a bounded
# time. This is the README's test command. The core's tests run once more built by clang.
#
# Then the whole suite runs twice more with the wall clock moved (Debian's faketime; the monotonic clock
# stays real, the sync worker's waits need it), to prove that no test depends on the day it runs: once 30 s
# before the US daylight-saving change of 2027-03-14 (07:00 UTC is 2 am in New York), once starting at
# 2026-12-31 23:59:20 UTC so that the run crosses midnight and New Year.
#
# Last, the Debian packages (packaging/package_test.sh): built, checked by lintian, installed on this
# machine, the installed server and kiosk app used together, then purged.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --workflow --preset ci
# The core once more built by clang (Debian's clang-14): the rules engine and session model, with their
# property tests, must hold whatever compiler builds them.
echo "== core built with clang =="
cmake -S . -B build/clang-core -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DUNITCLOCK_BUILD_BENCH=OFF >/dev/null
cmake --build build/clang-core -j2 --target core_tests
build/clang-core/tests/core/core_tests --gtest_brief=1
./packaging/fuzz.sh 30   # every parser of outside bytes, 30 s each, clang + libFuzzer (a separate build)
for start in '2027-03-14 06:59:30' '2026-12-31 23:59:20'; do
  echo "== the whole suite again, with the wall clock starting at $start UTC =="
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$start UTC" ctest --preset ci -LE long  # the long run reads no clock
done
./packaging/package_test.sh
