#!/usr/bin/env bash
# Installs every Debian package Unitclock needs to build, run and test.
# This is the only place that lists them. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # the programs' command lines: options, --help, the server's configuration file (header-only, build time)
  libcli11-dev
  # the core is also built and tested with clang
  clang
  # core tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # platform: storage, crypto, network
  libsqlite3-dev sqlite3 libsodium-dev libcurl4-openssl-dev libssl-dev openssl
  libcpp-httplib-dev nlohmann-json3-dev
  tzdata
  # PostgreSQL: the client library the server links (libpq5 comes with it), and the server the tests start
  # throwaway clusters of (tests/support/pg_cluster.sh runs initdb and pg_ctl from postgresql-15)
  libpq-dev postgresql-15 postgresql-common
  # kiosk app: window, UI, font
  libsdl2-dev libimgui-dev libstb-dev fonts-inter
  # UI tests and screenshots under a virtual X server
  xvfb xauth xdotool imagemagick
  # benchmarks and tools used by the test scripts
  time hyperfine curl procps
  # the test command's runs with the wall clock moved
  faketime
  # Debian packages: man pages, package checks, desktop entry checks
  help2man lintian desktop-file-utils appstream man-db systemd
  # the independent HL7 parser that reads every HL7 export in the tests
  python3 python3-hl7
  # the independent Prometheus text-format parser that reads the server's /metrics in the tests
  python3-prometheus-client
  # the web console's browser tests: Debian's Chromium, its WebDriver, and Selenium to drive them (headless)
  chromium chromium-driver python3-selenium
  # the fuzzers (packaging/fuzz.sh): clang and its libFuzzer runtime; the main build stays gcc
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# Installing postgresql-15 would create and start a system cluster (15/main, port 5432). The tests start
# their own clusters and nothing here needs that one: tell postgresql-common's postinst not to create it.
# An existing cluster is left as it is.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -d /etc/postgresql/15/main ]; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  printf '# Unitclock (packaging/install-deps.sh): the tests start throwaway clusters\ncreate_main_cluster = false\n' |
    $SUDO tee /etc/postgresql-common/createcluster.d/50-unitclock-no-main-cluster.conf >/dev/null
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
