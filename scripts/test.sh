#!/usr/bin/env bash
# The whole test suite: installs what it needs that is missing (Debian's etcd
# for the storage tests, python3-kubernetes for the Python client test, Go and
# sprig for the chart test),
# compiles with tsc, and runs every test file on node's test runner against the
# compiled output.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v etcd >/dev/null 2>&1; then
  echo "test.sh: installing Debian's etcd-server and etcd-client (the storage tests run a real etcd)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq etcd-server etcd-client >/dev/null
fi

# The Python dynamic-client test runs Debian's python3-kubernetes, which only the
# system interpreter sees (a pyenv or venv python3 on PATH would not).
PYTHON="${FRONTDOOR_PYTHON:-/usr/bin/python3}"
if ! "$PYTHON" -c 'import kubernetes' >/dev/null 2>&1; then
  echo "test.sh: installing Debian's python3-kubernetes (the Python dynamic-client test uses it)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-kubernetes >/dev/null
fi

# The chart test (test/chart) builds its helm-compatible renderer with Debian's Go and sprig, offline.
if ! command -v go >/dev/null 2>&1 || [ ! -d /usr/share/gocode/src/github.com/Masterminds/sprig ]; then
  echo "test.sh: installing Debian's golang-go and golang-github-masterminds-sprig-dev (the chart test renders the chart with them)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go golang-github-masterminds-sprig-dev >/dev/null
fi

if [ ! -d node_modules ]; then
  npm install --no-audit --no-fund
fi

rm -rf dist
npx tsc -p .

mapfile -t files < <(find dist/test -name '*.test.js' | sort)
if [ "$#" -gt 0 ]; then
  # `npm test -- storage` runs only the files whose path contains "storage"
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -F -e "$1")
fi
# One file at a time: the etcd tests stop and restart etcd on fixed ports, which a parallel
# test could take in between.
exec node --test --test-concurrency="${TEST_CONCURRENCY:-1}" "${files[@]}"
