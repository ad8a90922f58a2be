#!/usr/bin/env bash
# Load test of the public window directory (/public/windows/) with two gunicorn workers.
#
#     bench/public_windows.sh            # from the repository root, after `make demo` or `pip install -e .`
#
# Builds a throw-away SQLite database with the demo data, starts gunicorn with 2 workers on loopback
# (production settings: DEBUG=0), warms up, then runs
#     wrk -t2 -c16 -d10s --latency http://127.0.0.1:PORT/public/windows/
# and prints requests/s and the 95th percentile latency. The goal: >= 500 requests/s, p95 < 50 ms.
# Installs nothing: it says what is missing. Environment: DURATION (default 10s), WORKERS (default 2),
# GUNICORN_ARGS (more gunicorn options, e.g. "--worker-class gthread --threads 4" to compare).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
DURATION=${DURATION:-10s}
WORKERS=${WORKERS:-2}

missing=()
command -v wrk >/dev/null 2>&1 || missing+=("wrk (Debian: apt-get install wrk)")
[ -x "$VENV/bin/gunicorn" ] || missing+=("gunicorn in $VENV (pip install -e .)")
[ -x "$VENV/bin/tsunagu" ] || missing+=("tsunagu in $VENV (pip install -e .)")
if [ ${#missing[@]} -gt 0 ]; then
    printf 'Missing: %s\n' "${missing[@]}" >&2
    exit 1
fi

WORK=$(mktemp -d)
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1 TSUNAGU_VAR_DIR="$WORK" STATIC_ROOT="$WORK/static"
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3" LOG_LEVEL=ERROR
SECRET_KEY=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY

echo "Preparing a demo database in $WORK ..."
"$VENV/bin/tsunagu" migrate --noinput -v0
"$VENV/bin/tsunagu" demo-data >/dev/null
"$VENV/bin/tsunagu" collectstatic --noinput -v0

"$VENV/bin/gunicorn" tsunagu.wsgi:application --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
    ${GUNICORN_ARGS:-} --log-level warning >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!

URL="http://127.0.0.1:$PORT/public/windows/"
for _ in $(seq 1 50); do
    if "$VENV/bin/python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$URL" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

cat >"$WORK/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  local seconds = summary.duration / 1000000
  io.write(string.format("requests/s: %.0f\n", summary.requests / seconds))
  io.write(string.format("p95 latency: %.2f ms\n", latency:percentile(95) / 1000))
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
LUA

echo "Warming up ..."
wrk -t2 -c16 -d3s "$URL" >/dev/null
echo "wrk -t2 -c16 -d$DURATION --latency $URL   (gunicorn, $WORKERS workers, DEBUG=0, SQLite)"
# wrk, gunicorn and anything else running share the CPUs: the load says how quiet the machine was.
echo "CPUs: $(nproc), load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c16 -d"$DURATION" --latency -s "$WORK/p95.lua" "$URL"
