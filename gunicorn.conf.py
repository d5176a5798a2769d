"""gunicorn settings read by `make run` (scripts/serve.sh) and the benchmarks (both start gunicorn here).

After a worker has loaded Django, everything it holds is moved out of the garbage collector's sight
(`gc.freeze()`), and the youngest generation is collected less often: a full collection then scans only what
requests create, instead of the tens of thousands of objects of the loaded application, which otherwise show as
tens-of-milliseconds pauses in the slowest requests.
"""

import gc


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)
