#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, store crash, CLI, server, app under a
# headless SDL driver and under Xvfb). This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --workflow --preset ci
