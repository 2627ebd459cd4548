#!/usr/bin/env bash
# The Debian packages as a clinic's IT would meet them: build them (packaging/build-debs.sh, which runs
# lintian), check what each holds, verify the systemd units, install all three on this machine, start the
# installed server as its packaged user with the packaged configuration (as unitclock-server.service
# would), enroll the installed kiosk app with it and sync a signed session, then purge the packages.
#
# Installs packages system-wide: run it as root (CI) or with sudo. Part of the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
fail() { echo "FAIL: $1"; exit 1; }

./packaging/build-debs.sh
server_deb=$(ls build/debs/unitclock-server_*.deb); kiosk_deb=$(ls build/debs/unitclock_*.deb)
cli_deb=$(ls build/debs/unitclock-cli_*.deb)
ls -l --block-size=K build/debs/*.deb

echo "== contents"
has() { dpkg-deb -c "$1" | awk '{print $6}' | grep -E "$2" >/dev/null; }  # has DEB REGEX: a path in the package
has "$server_deb" '/lib/systemd/system/unitclock-server\.service$' || fail "the server package has no unit"
has "$server_deb" '/usr/lib/sysusers\.d/unitclock-server\.conf$' || fail "the server package creates no user"
has "$server_deb" '/etc/unitclock/server\.conf$' || fail "the server package has no /etc configuration"
dpkg-deb -f "$server_deb" Depends | grep -iE 'sdl|libx11|wayland|libgl' && fail "the server package depends on SDL or X11"
has "$kiosk_deb" '/lib/systemd/system/unitclock-kiosk@\.service$' || fail "the kiosk package has no cage unit"
has "$kiosk_deb" '/fonts/' && fail "the kiosk package carries its own fonts"
dpkg-deb -f "$kiosk_deb" Depends | grep -q 'fonts-inter' || fail "the kiosk package does not depend on fonts-inter"
desktop-file-validate packaging/kiosk/org.unitclock.Unitclock.desktop || fail "the desktop entry is not valid"
appstreamcli validate --no-net packaging/kiosk/org.unitclock.Unitclock.metainfo.xml >/dev/null \
  || fail "the AppStream metadata is not valid"
for deb in build/debs/*.deb; do
  has "$deb" '/usr/share/man/man1/.*\.1\.gz$' || fail "$deb has no man page"
  has "$deb" '/copyright$' || fail "$deb has no copyright file"
done

echo "== install"
cleanup() {
  [ -n "${spid:-}" ] && kill "$spid" 2>/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq unitclock unitclock-server unitclock-cli >/dev/null 2>&1 || true
  $SUDO rm -rf /var/lib/unitclock-server-package-test /var/lib/unitclock-server-package-test-restored \
    /var/backups/unitclock-server
}
trap cleanup EXIT
# With recommends: the kiosk unit runs cage.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  "./$server_deb" "./$kiosk_deb" "./$cli_deb" >/dev/null
for p in unitclock unitclock-server unitclock-cli; do
  v="$($p --version)"; echo "$v"; [[ "$v" == "$p "[0-9]* ]] || fail "$p --version says '$v'"
  man -w "$p" >/dev/null || fail "no man page for $p"
done
getent passwd unitclock >/dev/null || fail "the package did not create the unitclock user"
getent passwd unitclock-kiosk >/dev/null || fail "the package did not create the unitclock-kiosk user"
systemd-analyze verify /lib/systemd/system/unitclock-server.service || fail "systemd-analyze rejects the server unit"
systemd-analyze verify /lib/systemd/system/unitclock-kiosk@.service || fail "systemd-analyze rejects the kiosk unit"
systemd-analyze verify /lib/systemd/system/unitclock-server-backup.service /lib/systemd/system/unitclock-server-backup.timer \
  || fail "systemd-analyze rejects the backup units"
[[ "$(stat -c '%U %a' /var/backups/unitclock-server)" == "unitclock 700" ]] || fail "no backup directory for the service user"

echo "== the installed server, as unitclock.service runs it"
# The unit's ExecStartPre and ExecStart as the unit's user, with the packaged /etc/unitclock/server.conf.
# Only the port differs (0: any free one, so a server already on 8470 here is no obstacle) and the state
# directory (systemd would create /var/lib/unitclock-server; the test keeps its own): both given the way
# an administrator overrides the file, by environment variables (Environment= in a drop-in).
conf=/etc/unitclock/server.conf
grep -q '^data-dir = "/var/lib/unitclock-server"' "$conf" || fail "the packaged configuration names no data directory"
export UNITCLOCK_DATA_DIR=/var/lib/unitclock-server-package-test UNITCLOCK_LISTEN=127.0.0.1:0
exec_line() { sed -n "s|^$1=||p" /lib/systemd/system/unitclock-server.service; }
[[ "$(exec_line ExecStart)" == "/usr/bin/unitclock-server --config $conf serve" ]] || fail "the unit runs '$(exec_line ExecStart)'"
$SUDO install -d -o unitclock -g unitclock -m 0700 "$UNITCLOCK_DATA_DIR"
as_server() {
  $SUDO env UNITCLOCK_DATA_DIR="$UNITCLOCK_DATA_DIR" UNITCLOCK_LISTEN="$UNITCLOCK_LISTEN" runuser -u unitclock -- "$@"
}
# shellcheck disable=SC2046 # the unit's command line, split into words as systemd does
as_server $(exec_line ExecStartPre)
as_server /usr/bin/unitclock-server clinic add --id riverside --name "Riverside Therapy" --timezone UTC \
  --min-pin-digits 4 >/dev/null  # the e2e kiosk script's PIN (1357); a real clinic keeps the default 6
as_server /usr/bin/unitclock-server clinician add --clinic riverside --id c-dana --name "Dana Ortiz" --role ot --pin-stdin <<<1357 >/dev/null
as_server /usr/bin/unitclock-server clinician list | grep -q '^c-dana	riverside	Dana Ortiz	ot		set	yes$' \
  || fail "the roster does not list Dana with a PIN"
code="$(as_server /usr/bin/unitclock-server device enroll-code --clinic riverside | tail -1)"
token="$(as_server /usr/bin/unitclock-server token add --role supervisor --clinic riverside | tail -1)"
work="$(mktemp -d)"
# shellcheck disable=SC2046
as_server $(exec_line ExecStart) > "$work/server.log" 2>&1 &
spid=$!
for _ in $(seq 100); do grep -q '^listening' "$work/server.log" && break; sleep 0.1; done
url="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.log" | head -1)"
[[ -n "$url" ]] || { cat "$work/server.log"; fail "the installed server did not start"; }
[[ "$(stat -c '%U %a' "$UNITCLOCK_DATA_DIR/unitclock-server.db")" == "unitclock 600" ]] || fail "the database is not the service user's alone"

echo "== the installed kiosk app syncs a signed session to it"
sed -e "s|@URL@|$url|" -e "s|@CODE@|$code|" tests/e2e/scripts/enroll_and_sign.txt > "$work/sync.txt"
SDL_VIDEODRIVER=dummy /usr/bin/unitclock --script "$work/sync.txt" --data-dir "$work/device" \
  --clock-start 2026-11-26T12:00:00Z || { cat "$work/server.log"; fail "the kiosk script failed"; }
csv="$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/days/2026-11-26/charges.csv")" || fail "no CSV"
echo "$csv"
grep -q ',MRN3300,.*,97110,' <<<"$csv" || fail "the synced session is not billed by the installed server"
unitclock-cli sessions export --json --db "$work/device/device.db" | grep -q '"status":"synced"' \
  || fail "the installed CLI does not show the session synced"

echo "== a backup as the backup unit takes it, restored into a new data directory"
backup_dir=/var/backups/unitclock-server
# shellcheck disable=SC2046
out="$(as_server $(sed -n 's|^ExecStart=||p' /lib/systemd/system/unitclock-server-backup.service))" || fail "the backup failed"
echo "$out"
grep -q "^backed up to $backup_dir/unitclock-server-" <<<"$out" || fail "the backup did not go where server.conf says"
copy="$(ls "$backup_dir"/unitclock-server-*.db | tail -1)"
[[ "$(stat -c '%U %a' "$copy")" == "unitclock 600" ]] || fail "the backup is not the service user's alone"
$SUDO install -d -o unitclock -g unitclock -m 0700 "$UNITCLOCK_DATA_DIR-restored"  # as StateDirectory would
as_server /usr/bin/unitclock-server restore --from "$copy" --data-dir "$UNITCLOCK_DATA_DIR-restored"
as_server /usr/bin/unitclock-server serve --data-dir "$UNITCLOCK_DATA_DIR-restored" > "$work/restored.log" 2>&1 &
rpid=$!
for _ in $(seq 100); do grep -q '^listening' "$work/restored.log" && break; sleep 0.1; done
rurl="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/restored.log" | head -1)"
restored_csv="$(curl -sf -H "Authorization: Bearer $token" "$rurl/api/v1/days/2026-11-26/charges.csv")" || fail "no CSV from the restored server"
kill "$rpid"; wait "$rpid" 2>/dev/null || true
[[ "$restored_csv" == "$csv" ]] || fail "the restored server bills the day differently"
kill "$spid"; wait "$spid" 2>/dev/null || true; spid=""
rm -rf "$work"

echo "== purge"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq unitclock unitclock-server unitclock-cli >/dev/null
[ ! -e /usr/bin/unitclock-server ] && [ ! -e /etc/unitclock/server.conf ] || fail "purge left files behind"
echo "package test: PASS"
