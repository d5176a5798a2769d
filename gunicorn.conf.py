"""gunicorn settings read by `make run` (scripts/serve.sh) and the benchmarks (both start gunicorn here).

After a worker has loaded Django, everything it holds is moved out of the garbage collector's sight
(`gc.freeze()`), and the youngest generation is collected less often: a full collection then scans only what
requests create, instead of the tens of thousands of objects of the loaded application, which otherwise show as
tens-of-milliseconds pauses in the slowest requests.

A worker's threads hand the interpreter to each other every millisecond instead of every five: a short request
(an SVG, ~10 ms) sharing a worker with a long one (the 狭間 list, ~60 ms) no longer waits in 5 ms slices.
Measured with bench.meetings on PostgreSQL: the genogram + ecomap pair's p95 fell from 47 to 40 ms.
"""

import gc
import sys


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)
    sys.setswitchinterval(0.001)
