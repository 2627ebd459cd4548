#!/usr/bin/env bash
# Two builds of the kiosk side by side under Xvfb, at the same time, on the same 5,000-session store:
# the session screen with one running clock showing seconds (event-driven, as shipped), app CPU and
# frames over DURATION seconds. Usage: bench/app/compare.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [OUT_DIR]
# (see docs/bench-app.md; needs Xvfb and xdotool).
set -euo pipefail
before="$(cd "$1" && pwd)"; after="$(cd "$2" && pwd)"; out="${3:-$after/bench-compare}"; dur="${DURATION:-60}"
mk="$before/bench/app/unitclock_bench_make_store"
mkdir -p "$out"; cd "$out"
export TZ=UTC
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{printf "%.3f", ($14+$15)/t}' "/proc/$1/stat"; }
json() { grep -o "\"$2\":[^,}]*" "$1" | cut -d: -f2; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_x() { Xvfb ":$1" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & XPID=$!; pids+=("$XPID"); sleep 1; }
run_session_screen() {  # DISPLAY APP STORE STATS; logs Dana in from the open-session card
  local d="$1" app="$2" store="$3" stats="$4"
  DISPLAY="$d" SDL_VIDEODRIVER=x11 "$app" --data-dir "$store" --stats "$stats" &
  APP=$!; pids+=("$APP"); sleep 2
  DISPLAY="$d" xdotool mousemove 194 235 click 1; sleep 0.5
  DISPLAY="$d" xdotool type --delay 50 1111; DISPLAY="$d" xdotool key Return; sleep 1
  DISPLAY="$d" xdotool mousemove 1279 799
}
[[ -f store5000/device.db ]] || "$mk" store5000 5000 29
rm -rf a b && cp -r store5000 a && cp -r store5000 b
start_x 93; start_x 94
run_session_screen :93 "$before/app/kiosk/unitclock" a before.json; B=$APP
run_session_screen :94 "$after/app/kiosk/unitclock" b after.json; A=$APP
sleep 1
b0=$(cpu_of "$B"); a0=$(cpu_of "$A")
sleep "$dur"
b1=$(cpu_of "$B"); a1=$(cpu_of "$A")
kill -TERM "$B" "$A"; wait "$B" "$A" || true
for w in before after; do
  c=$([[ $w == before ]] && awk "BEGIN{print $b1-$b0}" || awk "BEGIN{print $a1-$a0}")
  f=$(json "$w.json" frames_since_input); s=$(json "$w.json" seconds_since_input)
  echo "$w: app CPU ${c} s over ${dur} s; ${f} frames in ${s} s after settling;" \
       "$(awk "BEGIN{ if ($f > 0) printf \"%.2f\", $c * 1000 / $f; else print \"-\"}") ms CPU per frame"
done
