#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (the `fuzz` preset: ASan + UBSan; the main build stays gcc)
# and runs each for a bounded time from its committed seed corpus (fuzz/corpus/NAME). New inputs go to a
# scratch directory, never into the repository. A crash stops with the reproducer's path: turn it into a
# regression test (tests/server/wire_test.cpp for uploads) and add it to the seed corpus.
#   packaging/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
targets=(fuzz_upload fuzz_config_documents fuzz_tzif fuzz_kiosk_script)
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j2 --target "${targets[@]}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  name="${t#fuzz_}"
  mkdir -p "$scratch/$name/new" "$scratch/$name/crashes"
  echo "== $t: ${seconds} s from fuzz/corpus/$name =="
  # -rss_limit_mb bounds memory; -timeout flags any single input slower than 10 s as a finding.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "build/fuzz/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$scratch/$name/crashes/" "$scratch/$name/new" "fuzz/corpus/$name" 2>"$scratch/$name/log" ||
    { tail -50 "$scratch/$name/log"; ls "$scratch/$name/crashes"; echo "fuzz: $t found a failure"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$scratch/$name/log" | tr '\n' ' '; echo
done
echo "fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
