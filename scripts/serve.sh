#!/usr/bin/env bash
# Serves Tsunagu: gunicorn for the pages and API, and the background-task worker (django-tasks) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
# Processes rather than threads (WORKERS=6, THREADS=1): a request that waits on the database gets the CPU back at
# once instead of waiting for the GIL behind a page being rendered in the same process (bench.meetings measured the
# p95s 30-40 % lower than 3 workers x 4 threads). Behind a reverse proxy in production, as sync workers want.
HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}" WORKERS="${WORKERS:-6}" THREADS="${THREADS:-1}"
VAR_DIR="${TSUNAGU_VAR_DIR:-var}"
mkdir -p "$VAR_DIR"
# Nothing starts on settings that must not serve: with DEBUG off, an empty SECRET_KEY or the public key of earlier
# versions is refused in one Japanese line (without SECRET_KEY the per-install key in $VAR_DIR/secret_key is used,
# made here on a fresh install). Then Django's deployment checks: an error stops here, warnings are shown.
.venv/bin/python -m tsunagu.cli check-serving
.venv/bin/python manage.py check --deploy --fail-level ERROR
# The worker reconnects after losing the database (core.worker); should it end anyway, supervise.sh starts it again.
scripts/supervise.sh .venv/bin/python manage.py db_worker --no-reload --interval 5 >>"$VAR_DIR/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/gunicorn tsunagu.wsgi -b "$HOST:$PORT" -w "$WORKERS" --threads "$THREADS" --access-logfile - --log-level warning
