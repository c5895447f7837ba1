#!/usr/bin/env bash
# The README's first command as a new user runs it: `make run` in a fresh virtualenv made from
# the runtime lock alone (no test extras), on a free loopback port, until its home page and
# /healthz answer 200; then it is stopped. Exits 1 (with the end of make's output) when the
# server dies or does not answer in time. .ci/run calls it after the tests.
#   tools/first_run.sh [SECONDS]   # how long to wait for the first answer (default 900)
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-900}"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$work/make-run.log"
started=$(date +%s)
# its own process group, so make, budgetpub serve and gunicorn stop together
setsid make --no-print-directory run VENV="$work/venv" DATA="$work/var" PORT="$port" >"$log" 2>&1 &
group=$!
stop() {
  kill -TERM -- "-$group" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$group" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
answers() {  # status code of a GET, or 000
  python3 - "$1" <<'EOF'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print("000")
EOF
}
base="http://127.0.0.1:$port/"
while :; do
  if ! kill -0 "$group" 2>/dev/null; then
    echo "first run: make run stopped before answering on $base; its output ends:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  if [ "$(answers "${base}healthz")" = 200 ]; then
    break
  fi
  if [ $(($(date +%s) - started)) -ge "$limit" ]; then
    echo "first run: no answer on ${base}healthz after $limit s; make run's output ends:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  sleep 1
done
seconds=$(($(date +%s) - started))
home=$(answers "$base")
if [ "$home" != 200 ]; then
  echo "first run: the home page $base answered $home; make run's output ends:" >&2
  tail -40 "$log" >&2
  exit 1
fi
echo "first run: make run answered / and /healthz (200) on $base after $seconds s (fresh venv from the runtime lock)"
