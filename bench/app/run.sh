#!/usr/bin/env bash
# Kiosk app benchmarks under Xvfb (software renderer, 1280x800). Usage: bench/app/run.sh BUILD_DIR [OUT_DIR]
#  1. cold start to first frame with a 5,000-session store (and with an empty one), hyperfine + --stats
#  2. frames per minute on idle screens and with one running clock showing seconds (--stats)
#  3. CPU over DURATION seconds: the event-driven app against the same app with --always-redraw
#     (a naive ImGui loop), side by side in two Xvfb servers at the same time; plus each Xvfb's CPU
#  4. resident memory (--stats rss_kb / max_rss_kb)
# Taps go through xdotool into the real X11 window, like a finger would.
set -euo pipefail
build="$(cd "$1" && pwd)"; out="${2:-$build/bench-app}"; dur="${DURATION:-60}"
app="$build/app/kiosk/unitclock"; mk="$build/bench/app/unitclock_bench_make_store"
mkdir -p "$out"; cd "$out"
export TZ=UTC
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{printf "%.3f", ($14+$15)/t}' "/proc/$1/stat"; }
json() { grep -o "\"$2\":[^,}]*" "$1" | cut -d: -f2; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_x() {  # start_x DISPLAYNUM -> sets XPID
  Xvfb ":$1" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  XPID=$!; pids+=("$XPID"); sleep 1
}

echo "== store with 5,000 sessions"
# 29 past days + today = the 30 days the default retention keeps.
[[ -f store5000/device.db ]] || "$mk" store5000 5000 29
rm -rf empty && "$mk" empty 0 1 >/dev/null   # the demo clinic with only today's running session
echo quit > quit.txt

start_x 91; X1=$XPID
start_x 92; X2=$XPID

echo "== 1. cold start to first frame (script 'quit' on x11, 15 runs after 2 warm-ups)"
for store in store5000 empty; do
  cp -r "$store" "run-$store"
  hyperfine -N --warmup 2 --runs 15 --export-json "cold-$store.json" \
    "env DISPLAY=:91 SDL_VIDEODRIVER=x11 $app --script quit.txt --data-dir run-$store" >/dev/null
  mean=$(grep -o '"mean": [0-9.]*' "cold-$store.json" | head -1 | awk '{print $2*1000}')
  ff=""
  for i in 1 2 3 4 5; do
    DISPLAY=:91 SDL_VIDEODRIVER=x11 "$app" --script quit.txt --data-dir "run-$store" --stats ff.json
    ff="$ff $(json ff.json first_frame_seconds)"
  done
  echo "cold start [$store]: whole run (start, first frame, exit) mean ${mean} ms; runner start to first frame (s):$ff"
done

run_session_screen() {  # DISPLAY STORE STATS [extra]; logs Dana in from the open-session card
  local d="$1" store="$2" stats="$3"; shift 3
  DISPLAY="$d" SDL_VIDEODRIVER=x11 "$app" --data-dir "$store" --stats "$stats" "$@" &
  APP=$!; pids+=("$APP"); sleep 2
  DISPLAY="$d" xdotool mousemove 194 235 click 1; sleep 0.5      # the JD card
  DISPLAY="$d" xdotool type --delay 50 1111; DISPLAY="$d" xdotool key Return; sleep 1
  DISPLAY="$d" xdotool mousemove 1279 799                          # finger away
}

echo "== 2+3. one running clock (seconds shown): event-driven vs --always-redraw, side by side for ${dur} s"
rm -rf a b && cp -r store5000 a && cp -r store5000 b
run_session_screen :91 a ev.json; EV=$APP
run_session_screen :92 b ar.json --always-redraw; AR=$APP
DISPLAY=:91 /usr/bin/import -window root session-event-driven.png
sleep 1
e0=$(cpu_of "$EV"); a0=$(cpu_of "$AR"); x10=$(cpu_of "$X1"); x20=$(cpu_of "$X2")
sleep "$dur"
e1=$(cpu_of "$EV"); a1=$(cpu_of "$AR"); x11=$(cpu_of "$X1"); x21=$(cpu_of "$X2")
kill -TERM "$EV" "$AR"; wait "$EV" "$AR" || true
ev_cpu=$(awk "BEGIN{print $e1-$e0}"); ar_cpu=$(awk "BEGIN{print $a1-$a0}")
echo "event-driven: app CPU ${ev_cpu} s, Xvfb CPU $(awk "BEGIN{print $x11-$x10}") s over ${dur} s;" \
     "frames after settling since last input $(json ev.json frames_since_input) in $(json ev.json seconds_since_input) s;" \
     "rss $(json ev.json rss_kb) kB, peak $(json ev.json max_rss_kb) kB"
echo "always-redraw: app CPU ${ar_cpu} s, Xvfb CPU $(awk "BEGIN{print $x21-$x20}") s over ${dur} s;" \
     "frames after settling since last input $(json ar.json frames_since_input) in $(json ar.json seconds_since_input) s"
echo "ratio (always-redraw / event-driven app CPU): $(awk "BEGIN{ if ($ev_cpu > 0) printf \"%.0f\", $ar_cpu/$ev_cpu; else print \"inf\"}")"

echo "== 2. idle screens for ${dur} s"
rm -rf idle && "$mk" idle 0 1 --no-running >/dev/null
DISPLAY=:91 SDL_VIDEODRIVER=x11 "$app" --data-dir idle --stats idle-lock.json & L=$!; pids+=("$L")
sleep "$((dur + 2))"; kill -TERM "$L"; wait "$L" || true
echo "idle lock screen (shows HH:MM): $(json idle-lock.json frames_since_input) frames in $(json idle-lock.json seconds_since_input) s; rss $(json idle-lock.json rss_kb) kB"
DISPLAY=:91 SDL_VIDEODRIVER=x11 "$app" --data-dir idle --stats idle-pin.json & P=$!; pids+=("$P")
sleep 2; DISPLAY=:91 xdotool mousemove 766 232 click 1; sleep 0.3; DISPLAY=:91 xdotool mousemove 1279 799
sleep "$dur"; kill -TERM "$P"; wait "$P" || true
echo "idle PIN pad (nothing changes by itself): $(json idle-pin.json frames_since_input) frames in $(json idle-pin.json seconds_since_input) s"
