"""gunicorn settings read by `make run` (scripts/serve.sh) and the benchmarks (both start gunicorn here).

Before anything is served, the master refuses settings that must not serve (DEBUG off with an empty SECRET_KEY or
the public key of earlier versions), then a database that is missing, unreachable, not migrated or read-only: one
Japanese line on stderr and exit status 1 (tsunagu.settings.serving_refusal, tsunagu.core.health.database_refusal).
Serving never creates a database; `manage.py migrate` (and `make run`) do.

After a worker has loaded Django, everything it holds is moved out of the garbage collector's sight
(`gc.freeze()`), and the youngest generation is collected less often: a full collection then scans only what
requests create, instead of the tens of thousands of objects of the loaded application, which otherwise show as
tens-of-milliseconds pauses in the slowest requests.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")

from tsunagu.settings import refusal_to_serve  # noqa: E402 -- after the settings module is chosen

if refusal := refusal_to_serve():
    raise SystemExit(refusal)  # gunicorn lets SystemExit through: the line, status 1, no traceback

import django  # noqa: E402 -- the database is checked once the settings have passed

django.setup()  # in the master, before the fork: the workers find the apps loaded; no connection stays open

from tsunagu.core.health import database_refusal  # noqa: E402 -- needs the app registry

if refusal := database_refusal():
    raise SystemExit(refusal)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)
