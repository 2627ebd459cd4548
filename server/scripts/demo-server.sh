#!/usr/bin/env bash
# A local unitclock-server for the demo clinic: the same clinic id, clinicians and PINs as the kiosk's
# --demo data, today's schedule, a one-time enrollment code and a supervisor token (printed), then
# `serve` in the foreground. Safe to run again on the same store (adds a new code and token).
#
#   server/scripts/demo-server.sh BUILD/server/unitclock-server DATA_DIR|postgresql://USER@HOST:PORT/DB [HOST:PORT]
#
# The store is a SQLite data directory, or a PostgreSQL database named by its URL: every command then gets
# `--database URL` instead of `--data-dir DIR` (the database must exist; `init` creates the tables).
# UNITCLOCK_DEMO_DATE=YYYY-MM-DD schedules another day than today (tests that set the kiosk's clock).
set -euo pipefail
usage="usage: demo-server.sh UNITCLOCK_SERVER DATA_DIR|postgresql://… [HOST:PORT]"
srv="${1:?$usage}"
data="${2:?$usage}"
listen="${3:-127.0.0.1:8470}"
if [[ $data == postgresql://* || $data == postgres://* ]]; then
  store=(--database "$data")
else
  store=(--data-dir "$data")
fi

# init creates the store or migrates it (idempotent); the demo clinic is set up once.
"$srv" init "${store[@]}" >/dev/null
clinics="$("$srv" clinic list "${store[@]}")"
if ! grep -q $'^demo-clinic\t' <<<"$clinics"; then
  "$srv" clinic add "${store[@]}" --id demo-clinic --name "Riverside Therapy (demo)" --timezone UTC \
    --min-pin-digits 4 >/dev/null  # the kiosk demo's PINs; a real clinic keeps the default 6
  # The kiosk's --demo clinicians (app/kiosk/demo_data.cpp), with the names and NPIs the
  # server's exports need: valid check digits (Luhn over 80840 + the digits), obviously fictional
  # (the 100000000x series). The kiosk itself keeps no NPI.
  while IFS='|' read -r id name family given role pin npi; do
    "$srv" clinician add "${store[@]}" --clinic demo-clinic --id "$id" --name "$name" --role "$role" \
      --pin-stdin --npi "$npi" --family-name "$family" --given-name "$given" <<<"$pin" >/dev/null
  done <<'ROSTER'
c-dana|Dana Ortiz|Ortiz|Dana|ot|1111|1000000004
c-sam|Sam Lee|Lee|Sam|ota|2222|1000000012
c-priya|Priya Shah|Shah|Priya|pt|3333|1000000020
c-marco|Marco Reyes|Reyes|Marco|pta|4444|1000000038
c-alex|Alex Kim|Kim|Alex|slp|5555|1000000046
c-jordan|Jordan Blake|Blake|Jordan|supervisor|9999|1000000053
ROSTER
  today="${UNITCLOCK_DEMO_DATE:-$(date -u +%F)}"
  while IFS='|' read -r time mrn initials payer discipline; do
    "$srv" schedule add "${store[@]}" --clinic demo-clinic --date "$today" --time "$time" --mrn "$mrn" \
      --initials "$initials" --payer "$payer" --discipline "$discipline" >/dev/null
  done <<'SCHEDULE'
08:30|MRN1001|JD|medicare|ot
09:15|MRN1002|AB|commercial|pt
10:00|MRN1003|KW|medicare|slp
10:45|MRN1004|RM|medicare|pt
13:30|MRN1005|TS|commercial|ot
SCHEDULE
fi
echo "enrollment code: $("$srv" device enroll-code "${store[@]}" --clinic demo-clinic)"
echo "supervisor token: $("$srv" token add "${store[@]}" --role supervisor --clinic demo-clinic 2>/dev/null)"
exec "$srv" serve "${store[@]}" --listen "$listen"
