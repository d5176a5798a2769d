#!/usr/bin/env bash
# Upgrades an installation of docs/DEPLOY.md to a release bundle unpacked in RELEASE (a git checkout with
# tsunagu/static/vendor and wheelhouse/, made on a connected machine: docs/DEPLOY.md, 1.). Run as root:
#   deploy/upgrade.sh /srv/tsunagu-releases/<version>
# Backup, stop, pull, install, migrate, start, check. Any failing step stops here; the backup restores the database
# of before (tsunagu-manage restore --force FILE) together with the previous release (git checkout of its commit).
set -euo pipefail
RELEASE="$(realpath "${1:?usage: upgrade.sh RELEASE_DIR}")"
APP=/srv/tsunagu
manage() { /usr/local/bin/tsunagu-manage "$@"; }
step() { echo "== $*"; }

step "1/6 backup of the running installation"
manage backup
step "2/6 stop the web server and the worker"
systemctl stop tsunagu-web tsunagu-worker
step "3/6 pull the release into $APP"
before="$(git -C "$APP" rev-parse HEAD)"
git -C "$APP" pull --ff-only "$RELEASE" HEAD
rsync -a --delete "$RELEASE/tsunagu/static/vendor/" "$APP/tsunagu/static/vendor/"
echo "   $before → $(git -C "$APP" rev-parse HEAD)"
step "4/6 install the pinned Python packages from the release's wheelhouse (nothing is downloaded)"
"$APP/.venv/bin/pip" install -q --no-index --find-links "$RELEASE/wheelhouse" -r "$APP/requirements.txt" -c "$APP/requirements.lock"
"$APP/.venv/bin/pip" install -q --no-index --find-links "$RELEASE/wheelhouse" setuptools wheel
"$APP/.venv/bin/pip" install -q --no-index --no-deps --no-build-isolation -e "$APP"
step "5/6 migrate the database"
manage migrate --noinput
step "6/6 start and check"
systemctl start tsunagu-worker tsunagu-web
for _ in $(seq 30); do curl -fsS http://127.0.0.1:8000/healthz >/dev/null 2>&1 && break; sleep 2; done
curl -sS http://127.0.0.1:8000/healthz; echo
