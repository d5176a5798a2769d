#!/usr/bin/env bash
# Serves Tsunagu: gunicorn for the pages and API, and the background-task worker (django-tasks) beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}" WORKERS="${WORKERS:-3}"
VAR_DIR="${TSUNAGU_VAR_DIR:-var}"
mkdir -p "$VAR_DIR"
.venv/bin/python manage.py db_worker --no-reload --interval 5 >"$VAR_DIR/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/gunicorn tsunagu.wsgi -b "$HOST:$PORT" -w "$WORKERS" --threads 4 --access-logfile - --log-level warning
