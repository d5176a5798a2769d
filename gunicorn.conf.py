"""gunicorn settings read by `make run` (scripts/serve.sh) and the benchmarks (both start gunicorn here).

Before anything is served, the master refuses settings that must not serve (DEBUG off with an empty SECRET_KEY or
the public key of earlier versions), then a database that is missing, unreachable, not migrated or read-only: one
Japanese line on stderr and exit status 1 (tsunagu.settings.serving_refusal, tsunagu.core.health.database_refusal).
Serving never creates a database; `manage.py migrate` (and `make run`) do.

The master also loads the URLconf, and with it every view module (WeasyPrint's libraries, the API, the PDF forms):
2–3 s that each worker otherwise paid on its first request, after every restart.

After a worker has loaded Django, everything it holds is moved out of the garbage collector's sight
(`gc.freeze()`, `tsunagu.core.process.settle_after_load`), and the youngest generation is collected less often: a full collection then scans only what
requests create, instead of the tens of thousands of objects of the loaded application, which otherwise show as
tens-of-milliseconds pauses in the slowest requests.
"""

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

from django.db import connections  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from tsunagu.core.process import settle_after_load  # noqa: E402

get_resolver().url_patterns  # noqa: B018 -- imports every view module, once, before the fork
connections.close_all()  # nothing the master opened is shared by the workers it forks


def post_worker_init(worker):
    settle_after_load()
