#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (docs/postgres-tests.md): the CTest fixture
# `postgres_cluster` starts one per test run and stops it afterwards; a test may start a private one.
#
#   pg_cluster.sh start STATE_DIR [--stop-with PID|parent]
#   pg_cluster.sh stop STATE_DIR
#
# start: initdb in a fresh directory under $TMPDIR (or /tmp), a server on 127.0.0.1 and a free port with
# its socket in that directory and trust authentication, a database `unitclock`, then writes
#   STATE_DIR/url      postgresql://postgres@127.0.0.1:PORT/unitclock
#   STATE_DIR/cluster  the cluster's directory (data/, server.log, the socket)
# --stop-with PID: a watchdog stops the cluster once process PID is gone (`parent`: whoever ran this
# script, which is ctest for the fixture), so a run killed before its cleanup leaves no server behind.
# stop: stops the cluster recorded in STATE_DIR and removes its directory; nothing recorded, nothing done.
#
# As root (CI), initdb and the server run as `nobody` (PostgreSQL refuses to run as root); otherwise as
# the caller. It never uses pg_ctlcluster or the system cluster's directories and ports.
#
# The cluster runs with fsync, synchronous_commit and full_page_writes off (a test cluster is thrown
# away); with UNITCLOCK_PG_DURABLE=1 in the environment it keeps them on, PostgreSQL's defaults (the
# server benchmarks, docs/bench-server.md).
set -euo pipefail

bindir="${UNITCLOCK_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
self="$(readlink -f "$0")"

die() { echo "pg_cluster: $*" >&2; exit 1; }

# packaging/test.sh runs ctest under libfaketime, which PostgreSQL cannot run under: libfaketime hands the
# real clock to a signal handler that interrupts select() or epoll_wait(), and PostgreSQL reads the clock
# in its SIGALRM handler (deadlock_timeout, statement_timeout, lock_timeout) and in the postmaster's
# handlers. A deadline set with the moved clock is then compared with the real one: with the clock moved
# forward, deadlock detection never runs. So the server runs on the real clock, like a database on another
# machine; the tests and programs that talk to it keep the moved clock.
without_faketime() {
  local entry kept=()
  local -a entries
  IFS=': ' read -r -a entries <<<"${LD_PRELOAD:-}"
  for entry in "${entries[@]}"; do
    [[ -z $entry || $entry == *faketime* ]] || kept+=("$entry")
  done
  if ((${#kept[@]})); then LD_PRELOAD="$(IFS=:; echo "${kept[*]}")"; export LD_PRELOAD; else unset LD_PRELOAD; fi
  unset FAKETIME FAKETIME_SHARED FAKETIME_DONT_FAKE_MONOTONIC FAKETIME_NO_CACHE FAKETIME_TIMESTAMP_FILE
}

# The caller's PG* variables (PGHOST, PGPORT, PGOPTIONS, PGSERVICE ...) must not steer these commands.
without_pg_environment() {
  local name
  for name in $(compgen -e); do
    [[ $name == PG* ]] && unset "$name"
  done
  return 0
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops the server of one cluster directory (and its watchdog) and removes the directory.
stop_cluster() {
  local dir="$1" pid
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  [ -f "$dir/unitclock-pg-cluster" ] || die "$dir is not a cluster this script made; leaving it alone"
  if [ -f "$dir/watchdog.pid" ]; then
    # The watchdog leads its own process group (setsid): its shell and its `tail` go together.
    pid="$(cat "$dir/watchdog.pid")"
    if [[ $pid =~ ^[0-9]+$ ]] && [ "$pid" != "$$" ]; then kill -- "-$pid" 2>/dev/null || true; fi
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1) ||
      (cd "$dir" && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1) || true
    if [ -f "$dir/data/postmaster.pid" ]; then
      pid="$(head -n 1 "$dir/data/postmaster.pid")"
      [[ $pid =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

# Seconds from $1 to $2 (or now), both $EPOCHREALTIME readings, to two decimals.
span() { awk -v a="$1" -v b="${2:-$EPOCHREALTIME}" 'BEGIN { printf "%.2f", b - a }'; }

cmd_start() {
  local state="$1" stop_with="${2:-}" base port url attempt durability t0 t1 t2 t3
  dir=""  # global: the EXIT trap reads it
  t0=$EPOCHREALTIME
  mkdir -p "$state"
  state="$(cd "$state" && pwd)"
  [ -x "$bindir/initdb" ] || die "$bindir/initdb is missing: install postgresql-15 (packaging/install-deps.sh)"

  # A cluster left behind by a run that was killed before its cleanup.
  if [ -f "$state/cluster" ]; then stop_cluster "$(cat "$state/cluster")"; fi
  rm -f "$state/url" "$state/cluster"

  # Short (the socket path has a limit of 107 bytes) and reachable by the server's user.
  base="${TMPDIR:-/tmp}"
  if [ ${#base} -gt 60 ] || [ ! -d "$base" ]; then base=/tmp; fi
  dir="$(mktemp -d "$base/unitclock-pg.XXXXXX")"
  touch "$dir/unitclock-pg-cluster"
  if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$dir"
    if ! as_owner test -w "$dir"; then
      rm -rf "$dir"
      dir="$(mktemp -d /tmp/unitclock-pg.XXXXXX)"
      touch "$dir/unitclock-pg-cluster"
      chown nobody "$dir"
    fi
  fi
  echo "$dir" >"$state/cluster"
  # A start that fails half way leaves nothing running: what it printed says why.
  started_ok=false
  trap '$started_ok || { stop_cluster "$dir"; rm -f "$state/cluster"; }' EXIT
  cd "$dir"  # the server's user may not be allowed into the caller's directory

  t1=$EPOCHREALTIME
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  t2=$EPOCHREALTIME
  # The free port can be taken between the check and the server's bind (another build on this machine):
  # then the server exits at once and the next attempt takes another port.
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    # fsync off: a test cluster is thrown away, and a power cut is not what these tests are about.
    # UNITCLOCK_PG_DURABLE=1 (the benchmarks) keeps PostgreSQL's defaults instead: fsync, synchronous_commit
    # and full_page_writes on, every COMMIT flushed, as SQLite's synchronous=FULL in the server.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${UNITCLOCK_PG_DURABLE:-}" = 1 ]; then durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"; fi
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -s \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability" \
      start; then
      break
    fi
    grep -q 'could not bind\|Address already in use' "$dir/server.log" && [ "$attempt" -lt 5 ] ||
      { cat "$dir/server.log" >&2; die "the server did not start"; }
    echo "pg_cluster: port $port was taken, trying another" >&2
    rm -f "$dir/server.log"
  done

  t3=$EPOCHREALTIME
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres unitclock ||
    { cat "$dir/server.log" >&2; die "createdb failed"; }

  if [ -n "$stop_with" ]; then
    [ "$stop_with" = parent ] && stop_with="$PPID"
    [[ $stop_with =~ ^[0-9]+$ ]] || die "--stop-with takes a process id or 'parent', not $stop_with"
    # tail --pid waits (checking once a second) until the process is gone.
    setsid bash -c 'tail --pid="$1" -f /dev/null; exec "$2" stop-dir "$3"' watchdog "$stop_with" "$self" "$dir" \
      </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watchdog.pid"
  fi

  url="postgresql://postgres@127.0.0.1:$port/unitclock"
  echo "$url" >"$state/url.tmp"
  mv "$state/url.tmp" "$state/url"
  started_ok=true
  echo "pg_cluster: $url in $dir, ready in $(span "$t0") s" \
    "(initdb $(span "$t1" "$t2") s, server start $(span "$t2" "$t3") s, createdb $(span "$t3") s)"
}

cmd_stop() {
  local state="$1"
  if [ -f "$state/cluster" ]; then stop_cluster "$(cat "$state/cluster")"; fi
  rm -f "$state/url" "$state/cluster"
}

without_faketime
without_pg_environment
case "${1:-}" in
  start)
    [ $# -eq 2 ] || { [ $# -eq 4 ] && [ "$3" = --stop-with ]; } ||
      die "usage: pg_cluster.sh start STATE_DIR [--stop-with PID|parent]"
    cmd_start "$2" "${4:-}"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: pg_cluster.sh stop STATE_DIR"
    cmd_stop "$2"
    ;;
  stop-dir)  # the watchdog's: one cluster directory, whatever STATE_DIR says by then
    [ $# -eq 2 ] || die "usage: pg_cluster.sh stop-dir CLUSTER_DIR"
    stop_cluster "$2"
    ;;
  *)
    die "usage: pg_cluster.sh start STATE_DIR [--stop-with PID|parent] | stop STATE_DIR"
    ;;
esac
