"""How a serving process keeps the garbage collector out of its requests' way, set once the application is loaded:
by each gunicorn worker (gunicorn.conf.py) and by the benchmarks' single user (bench.harness), so that the latter
measures what a worker serves."""

import gc

# the youngest generation collected after 7,000 allocations instead of 700: a page of a few hundred rows makes
# thousands of objects, and each collection of the older generations walks every tracked object
THRESHOLDS = (7000, 20, 20)


def settle_after_load() -> None:
    """Everything loaded so far moved out of the collector's sight (`gc.freeze`): a full collection then scans only
    what requests create, not the tens of thousands of objects of the loaded application, which otherwise show as
    pauses of tens to a hundred milliseconds in the slowest requests."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
