"""gunicorn settings read by `make run` (scripts/serve.sh) and the benchmarks (both start gunicorn here).

Before anything is served, the master refuses settings that must not serve (DEBUG off with an empty SECRET_KEY or
the public key of earlier versions): one Japanese line on stderr and exit status 1 (tsunagu.settings.serving_refusal).

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


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)
