#!/usr/bin/env bash
# End-to-end cases of the kiosk app, each as a clinic would meet it. Usage: cases.sh CASE APP CLI SCRIPTS WORKDIR
set -euo pipefail
case_name="$1"; app="$2"; cli="$3"; scripts="$4"; work="$5"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export TZ=UTC
# Every case sets the app's clock (--clock-start) to a fixed day and asks the server for that day: no case
# depends on the day it runs (CI runs the suite again with the wall clock moved).
day=2026-11-26
fail() { echo "FAIL: $1"; exit 1; }
# A real unitclock-server on 127.0.0.1 for the sync cases.
clinic_server() {  # a clinic with Dana Ortiz (PIN 1357); sets code (enrollment) and token (supervisor)
  srv="${UNITCLOCK_SERVER:?set UNITCLOCK_SERVER to the unitclock-server binary}"
  "$srv" init --data-dir srv >/dev/null
  "$srv" clinic add --data-dir srv --id riverside --name "Riverside Therapy" --timezone UTC --min-pin-digits 4 >/dev/null
  "$srv" clinician add --data-dir srv --clinic riverside --id c-dana --name "Dana Ortiz" --role ot --pin-stdin \
    --npi 1000000004 --family-name Ortiz --given-name Dana <<<1357 >/dev/null
  code="$("$srv" device enroll-code --data-dir srv --clinic riverside | tail -1)"
  token="$("$srv" token add --data-dir srv --role supervisor --clinic riverside | tail -1)"
}
start_server() {  # start_server COMMAND...: runs it in the background, waits for "listening", sets url
  "$@" > srv.log 2>&1 &
  spid=$!
  trap 'kill $spid 2>/dev/null || true' EXIT
  for _ in $(seq 600); do  # up to a minute on a loaded machine; ends early if the server stops
    grep -q "^listening" srv.log && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  url="$(grep -o 'http://127.0.0.1:[0-9]*' srv.log | head -1)"
  [[ -n "$url" ]] || { cat srv.log; fail "the server did not start"; }
}
get() {  # get PATH: a supervisor's GET on the server
  curl -sf -H "Authorization: Bearer $token" "$url$1"
}
hl7_check() {  # hl7_check: the day's HL7 export read back by Debian's python3-hl7; Dana's NPI in FT1-20
  get "/api/v1/days/$day/charges.hl7" > export.hl7 || fail "no HL7 export"
  local read
  read="$(/usr/bin/python3 "$scripts/../../server/hl7_oracle.py" export.hl7 1:FT1.F20.R1.C1 1:FT1.F20.R1.C13)" ||
    fail "python3-hl7 cannot parse the HL7 export"
  echo "$read"
  grep -q '"1:FT1.F20.R1.C1": "1000000004", "1:FT1.F20.R1.C13": "NPI"' <<<"$read" ||
    fail "FT1-20 does not name the rendering clinician by NPI"
}
run_script() {  # run_script SCRIPT [extra args...]
  local s="$1"; shift
  SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" "$app" --script "$scripts/$s" --clock-start 2026-11-26T15:00:00Z "$@"
}

case "$case_name" in
  failing-tap)
    # A script naming a button that is not on screen fails with status 1 and names the line.
    set +e; out="$(run_script failing_tap.txt --demo --data-dir data 2>&1)"; rc=$?; set -e
    echo "$out"
    [[ $rc == 1 ]] || fail "expected exit status 1, got $rc"
    grep -q 'failing_tap.txt:4: tap "Start session": no such widget on screen' <<<"$out" || fail "the failing line is not named"
    ;;
  bad-script)
    # A malformed script is refused before the app starts.
    printf 'tap "Dana Ortiz"\nadvance 5 minutes\n' > bad.txt
    set +e; out="$(SDL_VIDEODRIVER=dummy "$app" --script bad.txt --demo --data-dir data 2>&1)"; rc=$?; set -e
    echo "$out"
    [[ $rc == 1 ]] || fail "expected exit status 1, got $rc"
    grep -q "line 2: advance" <<<"$out" || fail "the bad line is not named"
    ;;
  pin-lockout)
    # Five wrong PINs lock the clinician out; the lock-out survives a restart and then expires.
    run_script pin_lockout.txt --demo --data-dir data
    run_script pin_lockout_after_restart.txt --demo --data-dir data
    ;;
  first-start)
    # An empty device asks for an administrator, who adds a clinician, who can log in.
    run_script first_start.txt --data-dir data
    roster="$(sqlite3 data/device.db "select role || ':' || substr(pin_hash,1,10) from clinicians order by role" 2>/dev/null || true)"
    echo "$roster"
    grep -q 'pt:\$argon2id' <<<"$roster" || fail "the clinician's PIN is not stored as an Argon2id hash"
    ! grep -rq '2468' data/device.db || fail "the PIN appears in the store in clear text"
    ;;
  corrupt-store)
    # A damaged store shows an error screen and is never modified.
    mkdir -p data && head -c 20000 /dev/urandom > data/device.db && cp data/device.db before.db
    run_script corrupt_store.txt --data-dir data
    cmp -s data/device.db before.db || fail "the damaged store was modified"
    [[ -s error.png ]] || fail "no screenshot of the error screen"
    ;;
  correct-and-void)
    # A signed session corrected as a new revision, and another voided; the store and its export show both,
    # and the audit log keeps who did it and why.
    run_script correct_and_void.txt --demo --data-dir data
    json="$("$cli" sessions export --json --db data/device.db | sed -E 's/\},\{"id":"([0-9a-f]{8}-)/}\n{"id":"\1/g')"
    echo "$json"
    jd="$(grep '"initials":"JD"' <<<"$json")"; ab="$(grep '"initials":"AB"' <<<"$json")"
    grep -q '"status":"signed","revision":2' <<<"$jd" || fail "J.D.'s correction is not signed as revision 2"
    grep -q '"total_timed_minutes":13' <<<"$jd" || fail "J.D.'s corrected minutes differ from the review screen (13)"
    grep -q '"total_units":1' <<<"$jd" || fail "J.D.'s corrected units differ from the review screen (1)"
    grep -q '"status":"voided"' <<<"$ab" || fail "A.B.'s session is not voided"
    outbox="$(sqlite3 data/device.db "select o.revision || ':' || o.state from outbox o join sessions s on s.id = o.session_id where s.patient_initials = 'JD' order by o.revision" 2>&1 || true)"
    echo "$outbox"
    grep -q '^2:pending$' <<<"$outbox" || fail "revision 2 is not waiting in the outbox"
    audit="$(sqlite3 data/device.db "select action || '|' || detail from audit_log" 2>&1 || true)"
    echo "$audit"
    grep -q '^session_reopened|Times were wrong$' <<<"$audit" || fail "the correction's reason is not audited"
    grep -q '^segment_edited|Forgot to stop$' <<<"$audit" || fail "the edit's reason is not audited"
    grep -q '^session_voided|Wrong patient$' <<<"$audit" || fail "the void's reason is not audited"
    ;;
  clinic-room)
    # An administrator renames the clinic and the room on a device without a server; the lock screen shows
    # them and the change is audited. A therapist cannot edit them.
    run_script clinic_room.txt --demo --data-dir data
    # The demo's seeding wrote each once; the administrator's change is the second entry.
    audit="$(sqlite3 data/device.db "select clinician_id || '|' || detail from audit_log where action = 'setting_changed' and detail in ('clinic_name', 'room') order by id" 2>&1 || true)"
    echo "$audit"
    [[ "$(grep -c '^admin-1|clinic_name$' <<<"$audit")" == 2 ]] || fail "the clinic name change is not audited"
    [[ "$(grep -c '^admin-1|room$' <<<"$audit")" == 2 ]] || fail "the room change is not audited"
    [[ "$(sqlite3 data/device.db "select value from settings where key = 'clinic_name'")" == "Riverside Therapy West" ]] || fail "clinic name not stored"
    [[ "$(sqlite3 data/device.db "select value from settings where key = 'room'")" == "Gym 3" ]] || fail "room not stored"
    ;;
  refuses-invisible)
    # Outside script mode the app will not run on a video driver that shows nothing.
    set +e; out="$(SDL_VIDEODRIVER=dummy "$app" --demo --data-dir data 2>&1)"; rc=$?; set -e
    echo "$out"
    [[ $rc == 2 ]] || fail "expected exit status 2, got $rc"
    grep -q "no display" <<<"$out" || fail "no clear message"
    ;;
  tour-landscape|tour-portrait)
    size=1280x800; [[ "$case_name" == tour-portrait ]] && size=800x1280
    run_script screens_tour.txt --demo --data-dir data --size "$size"
    for f in 01-lock-empty 05-new-session 08-session-running 11-review 14-supervisor 16-settings 18-review-correct 19-review-void; do
      [[ "$(head -c 8 "$f.png" | od -An -c | tr -d ' ')" == '211PNG\r\n032\n' ]] || fail "$f.png is not a PNG"
    done
    ;;
  docs-tour-landscape|docs-tour-portrait)
    # The walk through every screen that makes docs/screenshots (a session with assistant minutes and long
    # activity names, signing, the correction and void panels, supervisor, settings, text size Large).
    size=1280x800; [[ "$case_name" == docs-tour-portrait ]] && size=800x1280
    run_script docs_tour.txt --demo --data-dir data --size "$size"
    for f in lock session review review-correct review-void home-signed supervisor settings large-review large-session; do
      [[ "$(head -c 8 "$f.png" | od -An -c | tr -d ' ')" == '211PNG\r\n032\n' ]] || fail "$f.png is not a PNG"
    done
    ;;
  x11-window)
    # The same full session in a real X11 window (run under xvfb-run).
    [[ -n "${DISPLAY:-}" ]] || fail "needs an X display (run under xvfb-run)"
    SDL_VIDEODRIVER=x11 "$app" --script "$scripts/full_session.txt" --demo --data-dir data \
      --clock-start 2026-11-26T15:00:00Z --stats stats.json
    cat stats.json
    grep -q '"video_driver":"x11"' stats.json || fail "did not run on the x11 driver"
    "$cli" sessions export --json --db data/device.db | grep -q '"total_units":3' || fail "units differ"
    ;;
  stats-on-sigterm)
    # An idle lock screen in a real window: stats are written when the app is terminated.
    [[ -n "${DISPLAY:-}" ]] || fail "needs an X display (run under xvfb-run)"
    SDL_VIDEODRIVER=x11 "$app" --demo --data-dir data --stats stats.json &
    pid=$!
    sleep 3
    kill -TERM "$pid"
    wait "$pid" || fail "the app did not exit cleanly on SIGTERM"
    cat stats.json
    for k in frames seconds cpu_seconds; do grep -q "\"$k\":" stats.json || fail "no $k in stats"; done
    ;;
  enroll-failure-shown)
    # Started with --server/--enroll-code and the enrollment fails (nothing listens there): the sync line
    # says so and why, instead of nothing.
    printf 'wait-sync 15\nexpect "Sync: enrollment failed"\n' > enroll.txt
    SDL_VIDEODRIVER=dummy "$app" --script enroll.txt --demo --data-dir data --server http://127.0.0.1:9 \
      --enroll-code AAAA-BBBB-CCCC --clock-start 2026-11-26T15:00:00Z
    ;;
  enroll-failure-settings)
    run_script enroll_failure_settings.txt --demo --data-dir data
    ;;
  sync-to-server)
    # A device enrolled with a real unitclock-server on 127.0.0.1: the roster arrives from the server, a
    # session signed in the app is uploaded (wait-sync), and the server's day summary and CSV export show it.
    clinic_server
    start_server "$srv" serve --data-dir srv --listen 127.0.0.1:0
    sed -e "s|@URL@|$url|" -e "s|@CODE@|$code|" "$scripts/enroll_and_sign.txt" > sync.txt
    SDL_VIDEODRIVER=dummy "$app" --script sync.txt --data-dir data --clock-start "${day}T12:00:00Z"
    summary="$(get "/api/v1/days/$day/summary")" || fail "no day summary"
    echo "$summary"
    grep -q "97110" <<<"$summary" || grep -q '"units":1' <<<"$summary" || fail "the session is not in the summary"
    csv="$(get "/api/v1/days/$day/charges.csv")" || fail "no CSV export"
    echo "$csv"
    grep -q "97110" <<<"$csv" || fail "97110 is not in the CSV export"
    hl7="$(get "/api/v1/days/$day/charges.hl7" | tr '\r' '\n')" || fail "no HL7 export"
    hl7_check
    echo "$hl7"
    grep -q '^MSH|^~\\&|' <<<"$hl7" || fail "the HL7 export has no MSH segment"
    grep -q '^FT1|.*97110' <<<"$hl7" || fail "97110 is not an FT1 charge in the HL7 export"
    "$cli" sessions export --json --db data/device.db | grep -q '"status":"synced"' || fail "the device does not show the session synced"
    ;;
  demo-walkthrough)
    # What packaging/run.sh does on a machine without a display: the demo billing server
    # (server/scripts/demo-server.sh), the app's demo clinic enrolled with it from the command line, the
    # walkthrough script (a whole session with an auto-lock, a pause and assistant minutes), and the
    # session in the server's summary and both exports with the units the engine gives.
    srv="${UNITCLOCK_SERVER:?set UNITCLOCK_SERVER to the unitclock-server binary}"
    root="$(cd "$scripts/../../.." && pwd)"
    UNITCLOCK_DEMO_DATE="$day" start_server "$root/server/scripts/demo-server.sh" "$srv" srv 127.0.0.1:0
    code="$(sed -n 's/^enrollment code: //p' srv.log)"
    token="$(sed -n 's/^supervisor token: //p' srv.log)"
    SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" "$app" --demo --data-dir data --server "$url" --enroll-code "$code" \
      --script "$root/packaging/demo/walkthrough.txt" --clock-start "${day}T12:00:00Z"
    summary="$(get "/api/v1/days/$day/summary")" || fail "no day summary"
    echo "$summary"
    # 97530 10 min; 97110 7 min by Dana, then 8 by the assistant alone: 25 timed min, 2 units; the 97110
    # unit carries CO because the assistant furnished 8 of its final unit's minutes to Dana's 7.
    grep -q '"totals":{"timed_minutes":25,"treatment_minutes":25,"units":2}' <<<"$summary" || fail "wrong day totals"
    csv="$(get "/api/v1/days/$day/charges.csv")" || fail "no CSV export"
    echo "$csv"
    grep -q ',97530,GO,1,' <<<"$csv" || fail "97530 x1 GO is not in the CSV"
    grep -q ',97110,GO:CO,1,' <<<"$csv" || fail "97110 x1 GO CO is not in the CSV"
    hl7="$(get "/api/v1/days/$day/charges.hl7" | tr '\r' '\n')" || fail "no HL7 export"
    hl7_check
    echo "$hl7"
    [[ "$(grep -c '^FT1|' <<<"$hl7")" == 2 ]] || fail "the HL7 export should hold two FT1 charges"
    ls lock.png session.png review.png home.png >/dev/null || fail "the walkthrough's screenshots are missing"
    ;;
  correct-void-after-sync)
    # Corrections and voids of sessions the billing server already has (a real unitclock-server on
    # 127.0.0.1): J.D.'s session uploads as revision 1 (2 units), is corrected and signed as revision 2
    # (1 unit) and uploads again; A.B.'s session uploads and is then voided. The server must bill revision 2
    # only, leave A.B. out of both exports and list it as voided; the device must show both uploads
    # accepted, none rejected.
    clinic_server
    start_server "$srv" serve --data-dir srv --listen 127.0.0.1:0
    sed -e "s|@URL@|$url|" -e "s|@CODE@|$code|" "$scripts/correct_void_after_sync.txt" > script.txt
    SDL_VIDEODRIVER=dummy "$app" --script script.txt --data-dir data --clock-start "${day}T12:00:00Z" \
      || { cat srv.log; fail "the script failed"; }
    device="$("$cli" sessions export --json --db data/device.db | sed -E 's/\},\{"id":"([0-9a-f]{8}-)/}\n{"id":"\1/g')"
    echo "$device"
    jd="$(grep '"initials":"JD"' <<<"$device")"; ab="$(grep '"initials":"AB"' <<<"$device")"
    jd_id="$(grep -o '{"id":"[0-9a-f-]*"' <<<"$jd" | head -1 | cut -d'"' -f4)"
    ab_id="$(grep -o '{"id":"[0-9a-f-]*"' <<<"$ab" | head -1 | cut -d'"' -f4)"
    [[ -n "$jd_id" && -n "$ab_id" ]] || fail "the device does not hold both sessions"
    grep -q '"status":"synced","revision":2' <<<"$jd" || fail "J.D.'s revision 2 is not shown synced on the device"
    upload_of() { grep -o '"upload":{[^}]*}' <<<"$1" || true; }
    echo "J.D.: $(upload_of "$jd")"; echo "A.B.: $(upload_of "$ab")"
    grep -q '"revision":2' <<<"$(upload_of "$jd")" && grep -q '"state":"sent"' <<<"$(upload_of "$jd")" \
      || fail "J.D.'s revision 2 upload is not sent"
    grep -q '"status":"voided"' <<<"$ab" || fail "A.B.'s session is not voided on the device"
    grep -q '"state":"rejected"' <<<"$ab" && fail "the server rejected A.B.'s void: $(grep -o '"last_error":"[^"]*"' <<<"$ab")"
    grep -q '"state":"sent"' <<<"$(upload_of "$ab")" || fail "A.B.'s void is not sent"
    outbox="$(sqlite3 data/device.db "select state, count(*) from outbox group by state" 2>&1 || true)"
    echo "$outbox"
    grep -q 'rejected\|pending' <<<"$outbox" && fail "an upload is left pending or rejected on the device"
    summary="$(get "/api/v1/days/$day/summary")" || fail "no day summary"
    echo "$summary"
    # J.D.: 13 timed minutes, 1 unit of 97110 (revision 2); A.B. voided, so the day holds 13 minutes, 1 unit.
    grep -q '"totals":{"timed_minutes":13,"treatment_minutes":13,"units":1}' <<<"$summary" || fail "wrong day totals"
    grep -q "\"voided\":\[[^]]*$ab_id" <<<"$summary" || fail "A.B.'s session is not listed as voided"
    grep -q '"rejected":\[\]' <<<"$summary" || fail "the server recorded a rejected upload"
    stored="$(get "/api/v1/sessions/$jd_id")" || fail "J.D.'s session is not on the server"
    grep -q '"reason":"Times were wrong"' <<<"$stored" || fail "the server does not keep revision 2's reason"
    stored="$(get "/api/v1/sessions/$ab_id")" || fail "A.B.'s session is not on the server"
    grep -q '"status":"voided"' <<<"$stored" || fail "the server does not hold A.B.'s session as voided"
    csv="$(get "/api/v1/days/$day/charges.csv")" || fail "no CSV export"
    echo "$csv"
    grep -q ',MRN2041,JD,ot,medicare,97110,GO,1,' <<<"$csv" || fail "J.D.'s revision 2 (97110 x1) is not in the CSV"
    grep -q 'MRN2042\|97530' <<<"$csv" && fail "A.B.'s voided session is billed in the CSV"
    [[ "$(grep -c ',97110,' <<<"$csv")" == 1 ]] || fail "J.D. is billed more than once in the CSV"
    hl7="$(get "/api/v1/days/$day/charges.hl7" | tr '\r' '\n')" || fail "no HL7 export"
    hl7_check
    echo "$hl7"
    grep -q '^FT1|.*97110^^C4|||1|' <<<"$hl7" || fail "J.D.'s 97110 x1 is not an FT1 charge in the HL7 export"
    grep -q 'MRN2042\|97530' <<<"$hl7" && fail "A.B.'s voided session is in the HL7 export"
    [[ "$(grep -c '^FT1|' <<<"$hl7")" == 1 ]] || fail "the HL7 export should hold one FT1 charge"
    ;;
  *) fail "unknown case $case_name" ;;
esac
echo PASS
