#!/usr/bin/env bash
# Runs a command, and again whenever it ends, until this script is told to stop (TERM, INT): what keeps the background
# worker alive under scripts/serve.sh (systemd's Restart=always does it in a deployment, deploy/systemd/).
# Each restart is logged on stderr with the exit status; SUPERVISE_DELAY seconds (default 5) between two starts.
set -uo pipefail
delay="${SUPERVISE_DELAY:-5}"
child=""
stop() {
  [ -n "$child" ] && kill "$child" 2>/dev/null && wait "$child" 2>/dev/null
  exit 0
}
trap stop TERM INT
while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=""
  echo "$(date '+%Y-%m-%d %H:%M:%S') $1 が終了しました（終了状態 $status）。${delay} 秒後に起動し直します。" >&2
  sleep "$delay" &
  wait $!
done
