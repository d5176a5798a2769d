"""One page at a time, in one process, without HTTP: where does a request's time go?

    .venv/bin/python -m bench.profile [--database sqlite|postgresql] [--login houkatsu] [--repeat 20]
                                      [--cprofile] URL [URL ...]

For each URL (after two warm-up requests) prints the mean and p95 wall time, the number of SQL queries and the
time spent in SQL, on the benchmark's city dataset. With --cprofile, the 25 costliest functions follow. The
load benchmarks (bench.cases, bench.meetings…) give the figures the issues ask for; this tells what to fix.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time

from bench import harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--login", default="houkatsu")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the SQL of the last request")
    args = parser.parse_args()

    os.environ.update(harness.bench_env(args.database))
    if args.database != "postgresql":
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tsunagu.agencies.models import Staff

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(Staff.objects.get(login_id=args.login))
    for url in args.urls:
        for _ in range(2):
            assert client.get(url).status_code in (200, 404), url
        walls, sql_ms, queries = [], [], 0
        profiler = cProfile.Profile() if args.cprofile else None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.get(url)
                if profiler:
                    profiler.disable()
                walls.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 404)
            queries = len(captured.captured_queries)
            sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        walls.sort()
        p95 = walls[max(0, round(len(walls) * 0.95) - 1)]
        print(f"{url:<50} p50 {statistics.median(walls):6.1f} ms  mean {statistics.mean(walls):6.1f} ms  p95 {p95:6.1f} ms  "
              f"{queries:3d} queries  SQL {statistics.mean(sql_ms):6.1f} ms  {len(response.content):>7} bytes")
        if args.sql:
            for q in captured.captured_queries:
                columns = q["sql"].split(" FROM ")[0].count(", ") + 1
                print(f"  {float(q['time']) * 1000:6.1f} ms  {columns:3d} cols  {q['sql'][:300]}")
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("PROF_SORT", "cumulative")).print_stats(int(os.environ.get("PROF_N", "25")))


if __name__ == "__main__":
    main()
