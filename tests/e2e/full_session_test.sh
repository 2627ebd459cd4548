#!/usr/bin/env bash
# A therapist's whole session through the real app (script mode, SDL dummy driver), then the same session
# read back by unitclock-cli from the device store: signed, with the units the review screen showed.
set -euo pipefail
app="$1"; cli="$2"; script="$3"; work="$4"
rm -rf "$work" && mkdir -p "$work"
SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" TZ=UTC "$app" --script "$script" --demo --data-dir "$work/data" \
  --clock-start 2026-11-26T15:00:00Z --stats "$work/stats.json"
json="$("$cli" sessions export --json --db "$work/data/device.db")"
echo "$json"
fail() { echo "FAIL: $1"; exit 1; }
[[ "$(grep -o '"id":' <<<"$json" | wc -l)" == 1 ]] || fail "expected exactly one session in the store"
grep -q '"status":"signed"' <<<"$json" || fail "the session is not signed"
grep -q '"total_timed_minutes":38' <<<"$json" || fail "total timed minutes differ from the review screen (38)"
grep -q '"total_treatment_minutes":38' <<<"$json" || fail "total treatment minutes differ from the review screen (38)"
grep -q '"total_units":3' <<<"$json" || fail "units differ from the review screen (3)"
grep -q '"code":"97530","units":1' <<<"$json" || fail "97530 should bill 1 unit"
grep -q '"code":"97110","units":1' <<<"$json" || fail "97110 should bill 1 unit"
grep -q '"code":"97535","units":1,"modifiers":\["GO","CO"\]' <<<"$json" || fail "97535 (all assistant) should carry GO CO"
grep -q '"patient":{"mrn":"MRN2041","initials":"JD"}' <<<"$json" || fail "patient differs"
grep -q '"diagnoses":\["M54.50"\]' <<<"$json" || fail "diagnosis differs"
grep -q '"state":"pending"' <<<"$json" || fail "the signed session should wait in the outbox"
grep -q '"frames":' "$work/stats.json" || fail "no stats written"
echo "PASS"
