#!/usr/bin/env bash
# Hands-on pass in a real X11 window (Xvfb), with real clicks and key presses from xdotool, the way a
# therapist with busy hands meets the auto-lock: Dana opens her running session from the lock screen,
# lets the screen auto-lock, switches activity, lets it auto-lock again, switches again, then ends the
# session and signs it. Every click and key press is counted as a tap. Run it on two builds to compare
# (the flow adapts: a build that leaves the session screen on auto-lock is unlocked from the session's
# card each time; one that keeps the session on screen takes the switch with one tap):
#
#   tests/e2e/xdotool_auto_lock_pass.sh APP MAKE_STORE OUT_DIR [DISPLAY_NUMBER]
#
# APP is a unitclock binary, MAKE_STORE the unitclock_bench_make_store of a build (a busy kiosk's store with
# Dana's session running 97110 today). Needs Xvfb, xdotool and ImageMagick (packaging/install-deps.sh).
# Real time: about 2.5 minutes (auto-lock set to 1 minute). Screenshots of each step land in OUT_DIR.
set -euo pipefail
app="$1"; make_store="$2"; out="$3"; dpy=":${4:-97}"
mkdir -p "$out"; cd "$out"; rm -rf store
export TZ=UTC
"$make_store" store 50 2 >/dev/null
sqlite3 store/device.db "INSERT INTO settings(key, value) VALUES ('auto_lock_minutes', '1')
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value"
Xvfb "$dpy" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xpid=$!
trap 'kill "$apid" "$xpid" 2>/dev/null || true' EXIT
sleep 1
DISPLAY="$dpy" SDL_VIDEODRIVER=x11 "$app" --data-dir store --size 1280x800 >app.log 2>&1 & apid=$!
sleep 2
taps=0
click() { DISPLAY="$dpy" xdotool mousemove "$1" "$2" click 1; taps=$((taps + 1)); sleep 0.4; }
pin() { DISPLAY="$dpy" xdotool type --delay 80 1111; DISPLAY="$dpy" xdotool key Return; taps=$((taps + 5)); sleep 1.2; }
shot() { DISPLAY="$dpy" import -window root "$1.png"; }
locked_session_shown() {  # the blue "Unlock" where "Home" is: the session stayed on screen, locked
  shot probe
  [[ "$(convert probe.png -crop 1x1+40+40 -format '%[hex:p{0,0}]' info:)" == 1F63C9* ]]
}
back_to_session() {  # what it takes to tap the session's timers again after an auto-lock
  locked_session_shown || { click 194 235; pin; }  # else: the lock screen's card, then the PIN
}
idle_until_locked() { sleep 65; shot "$1"; }

click 194 235; pin               # open Dana's running session from the lock screen
shot 1-session
idle_until_locked 2-after-auto-lock
before=$taps
back_to_session
click 666 180                    # switch to 97530
echo "first switch after an auto-lock: $((taps - before)) taps"
shot 3-switched
idle_until_locked 4-after-second-auto-lock
before=$taps
back_to_session
click 666 320                    # switch to 97535
echo "second switch after an auto-lock: $((taps - before)) taps"
shot 5-switched-again
if locked_session_shown; then click 60 54; pin; fi  # Unlock: Dana's PIN, to end and sign
click 1148 739                   # End session
click 226 262                    # End now
shot 6-review
click 180 746                    # Sign with PIN
pin
shot 7-signed
echo "whole session: $taps taps"
