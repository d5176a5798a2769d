"""The intake's single-record check as the product runs it: `python -m bench.linkage.intake --size 200000`.

Links generated records once (for the model parameters and clusters a nightly run would store), builds the
per-process index the way a web process does after a run (tsunagu.linkage.queries.index_from_rows: records,
clusters and the run's m/u/prior), then times `candidates_in` (what `candidates_for` calls after its one
indexed query for the latest run id) for records of known persons written anew and for new persons.
No database is needed: the index is built from records, as the issue allows.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time

import django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    django.setup()  # queries imports models; no query is made
    from bench.linkage.generate import MUNICIPALITY, TODAY, generate  # noqa: PLC0415
    from tsunagu.identity.linkage import link_records  # noqa: PLC0415
    from tsunagu.linkage.queries import candidates_in, index_from_rows  # noqa: PLC0415

    rows = generate(args.size, seed=42).rows
    started = time.perf_counter()
    result = link_records(rows, municipality=MUNICIPALITY, today=TODAY)
    link_seconds = time.perf_counter() - started
    params = {"m": result.model.m, "u": result.model.u, "prior_weight": result.model.prior_weight}
    clusters = [result.person_of[i] for i in range(len(rows))]
    del result
    started = time.perf_counter()
    index = index_from_rows(1, [{**r, "record_id": str(i + 1)} for i, r in enumerate(rows)], clusters, params, MUNICIPALITY)
    build_seconds = time.perf_counter() - started
    rng = random.Random(7)
    known = [{**r, "record_id": "", "agency": ""} for r in rng.sample(rows, args.queries // 2)]
    strangers = [{**r, "record_id": "", "agency": ""} for r in generate(args.queries // 2, seed=99).rows]
    print(f"records {len(rows):,}  link {link_seconds:.1f} s  index build {build_seconds:.1f} s  "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    for label, queries in (("known persons", known), ("new persons", strangers), ("all", known + strangers)):
        _report(label, [_timed(candidates_in, index, q) for q in queries])
    return 0


def _timed(function, index, query) -> float:  # noqa: ANN001
    started = time.perf_counter()
    function(index, query)
    return (time.perf_counter() - started) * 1000


def _report(label: str, timings: list[float]) -> None:
    timings.sort()
    pick = lambda q: timings[min(int(len(timings) * q), len(timings) - 1)]  # noqa: E731
    p95 = pick(0.95)
    print(f"{label:>14}: n={len(timings)}  p50 {pick(0.5):.2f} ms  p95 {p95:.2f} ms  p99 {pick(0.99):.2f} ms  "
          f"max {timings[-1]:.2f} ms  {'OK' if p95 <= 50 else 'OVER'} (target p95 ≤ 50 ms)")


if __name__ == "__main__":
    sys.exit(main())
