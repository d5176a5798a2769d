"""社会資源 benchmark: `python -m bench.resources.run [--postgres postgres://postgres@127.0.0.1:5432/bench_resources] [--profile metro]`.

Builds the city's agencies and a directory of ~5,000 resources in a database of its own (--profile metro: the
metro's 60 agencies and ten times the directory, ~50,000 resources, PostgreSQL only; bench/metro.py runs both and
compares their p95), then measures
  1. search, single user: the staff search (first page of 30, with its details) for a mix of 1–4 character
     queries, synonyms and filters, 15 rounds after one warm-up round — p50 / p95 / max;
  2. the public page at 20 concurrent visitors, over HTTP against gunicorn (4 workers × 4 threads), from a lean
     load generator (load.py): as deployed (pages cached per directory version), with no think time (each visitor
     sends its next request as soon as the last is answered) and with 1–3 s of think time; and with caching off —
     p50 / p95 / p99 / requests per second, the warm-up apart;
  3. `tsunagu hsds export` of every service (tabular data package) — seconds.
Targets (issue 6, the city): search p95 ≤ 30 ms, public page p95 ≤ 100 ms (20 visitors, no think time), export ≤ 10 s.
The database is built once and kept: a later run finds its resources and reuses them (a database built for the
other profile is refused).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.resources import load

TARGETS = {"search_p95_ms": 30, "public_p95_ms": 100, "export_s": 10}
PROFILES = ("city", "metro")
PER_DISTRICT = {"city": 14, "metro": 140}  # copies of each activity per district: 24 × 15 × 14 ≈ 5,000; the metro 10×
QUERIES = [
    {"q": "食"}, {"q": "送迎"}, {"q": "サロン"}, {"q": "居場所"}, {"q": "見守り"}, {"q": "通院送迎"},
    {"q": "子育て ひろば"}, {"q": "体操", "district": "旭町"}, {"field": "elderly", "day": "TU"},
    {"q": "就労", "free": True}, {"target": "youth"}, {"q": "ふーどばんく"}, {"q": "介護予防 緑町"}, {},
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup_database(var_dir: Path, database_url: str | None, per_district: int, profile: str = "city") -> None:
    env = _env(var_dir, database_url)
    if database_url:
        from bench.harness import _create_pg_database

        _create_pg_database(database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", "--skip-checks"], check=True, env=env)
    code = (
        "import django; django.setup()\n"
        "from datetime import date\nimport random\n"
        "from django.db import transaction\n"
        "from tsunagu.core.demo import DemoContext\n"
        "from tsunagu.agencies import demo as agencies_demo\n"
        "from tsunagu.resources import demo as resources_demo\n"
        "from tsunagu.agencies.models import Agency\n"
        "from tsunagu.resources.models import Service\n"
        "import sys, time\n"
        f"profile, expected = {profile!r}, len(agencies_demo._city_agencies({profile!r}))\n"
        "if not Service.objects.exists():\n"
        "    started = time.perf_counter()\n"
        f"    resources_demo.PER_DISTRICT[profile] = {per_district}\n"
        "    ctx = DemoContext(profile=profile, seed=2026, today=date(2026, 11, 1), rng=random.Random(2026))\n"
        "    with transaction.atomic():\n"
        "        agencies_demo.generate(ctx)\n"
        "        resources_demo.generate(ctx)\n"
        "    print(f'built {time.perf_counter() - started:.0f}', file=sys.stderr)\n"
        "elif Agency.objects.count() != expected:\n"
        "    sys.exit(f'このデータベースは {profile} プロファイルのものではありません（関係機関 {Agency.objects.count()}、"
        "{profile} は {expected}）。別のデータベースを指定してください。')\n"
        "print(Service.objects.count())\n"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "社会資源のデータベースを用意できませんでした")
    built = "built" in out.stderr
    if database_url and built:
        # After a bulk load, statistics and the visibility map as autovacuum would leave them in service (it is
        # off on the benchmark server): the planner then knows the table, and counts read only an index.
        subprocess.run(["psql", database_url, "-qc", "VACUUM ANALYZE"], check=True)
    print(f"社会資源 {int(out.stdout.strip().splitlines()[-1]):,} 件のデータベースを用意しました（{profile}、"
          + (f"生成 {time.perf_counter() - started:.0f} 秒）" if built else "既存のものを使います）"), flush=True)


def _env(var_dir: Path, database_url: str | None) -> dict:
    env = {**os.environ, "TSUNAGU_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "tsunagu.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def bench_search_and_export(var_dir: Path, database_url: str | None) -> dict:
    os.environ.update(_env(var_dir, database_url))
    import django

    django.setup()
    from tsunagu.core.process import settle_after_load
    from tsunagu.resources import queries
    from tsunagu.resources.hsds.tabular import export_tabular
    from tsunagu.resources.models import Service

    settle_after_load()  # as each gunicorn worker after loading (gunicorn.conf.py): the search's cost, not the collector's
    timings, first_round = [], []
    # One round more than measured, the first: a fresh process's first query of each kind pays once for what
    # stays warm afterwards (compiled querysets, the database's page cache). It is reported apart.
    for round_number in range(16):
        for params in QUERIES:
            filters = queries.Filters(query=params.get("q", ""), field=params.get("field", ""),
                                      target=params.get("target", ""), day=params.get("day", ""),
                                      district=params.get("district", ""), free=params.get("free", False))
            started = time.perf_counter()
            page = queries.result_page(queries.active_services(), filters, 1, 30)  # what the staff page runs
            for row in page.object_list:
                list(row.schedules.all())
            (timings if round_number else first_round).append((time.perf_counter() - started) * 1000)
    folder = Path(tempfile.mkdtemp(prefix="hsds-bench-"))
    started = time.perf_counter()
    counts = export_tabular(folder, public_only=False)
    export_s = time.perf_counter() - started
    return {"services": Service.objects.count(), "search_p50_ms": statistics.median(timings),
            "search_p95_ms": percentile(timings, 95), "search_max_ms": max(timings),
            "search_first_round_max_ms": max(first_round), "export_s": export_s,
            "exported_services": counts["service"], "exported_rows": sum(counts.values())}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def public_urls() -> list[str]:
    return ["/ja/resources/public/?" + urllib.parse.urlencode({k: v for k, v in q.items() if v is not True})
            for q in QUERIES] + ["/ja/resources/public/guide/"]


def bench_public_page(var_dir: Path, database_url: str | None, *, users: int = 20, seconds: float = 20,
                      warmup: float = 5, cached: bool = True, thinks: tuple = ((0, 0),), workers: int = 4,
                      threads: int = 4) -> dict:
    """The public page over HTTP against gunicorn, `users` visitors at once, for each think time in turn.

    The load comes from `load.run_users` (one asyncio process, keep-alive connections), which spends a few
    percent of a core, so the two cores go to the server being measured. The first `warmup` seconds — when each
    gunicorn worker renders each page once for its own cache — are reported apart ("warmup_p95"); the later
    think times run on the same, warm server.
    """
    port = _free_port()
    env = _env(var_dir, database_url)
    if not cached:
        env["DJANGO_SETTINGS_MODULE"] = "bench.resources.settings_nocache"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tsunagu.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--log-level", "warning"], env=env)
    figures = {}
    try:
        _wait_for(f"http://127.0.0.1:{port}/ja/resources/public/guide/")
        for n, think in enumerate(thinks):
            result = load.run_users("127.0.0.1", port, public_urls(), users=users, seconds=seconds,
                                    warmup=warmup if n == 0 else 0, think=think)
            prefix = ("public" if cached else "public_uncached") + (f"_think{think[0]:g}-{think[1]:g}s" if think[1] else "")
            figures.update(_figures(prefix, result, seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return figures


def _figures(prefix: str, result: load.LoadResult, seconds: float) -> dict:
    measured = result.measured
    figures = {f"{prefix}_requests": len(measured), f"{prefix}_errors": result.errors,
               f"{prefix}_p50_ms": statistics.median(measured), f"{prefix}_p95_ms": percentile(measured, 95),
               f"{prefix}_p99_ms": percentile(measured, 99), f"{prefix}_rps": len(measured) / seconds}
    if result.warmup:
        figures[f"{prefix}_warmup_p95_ms"] = percentile(result.warmup, 95)
    figures[f"{prefix}_client_cpu_pct"] = result.client_cpu_pct
    return figures


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"サーバーが起動しませんでした: {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL for a database used only by this benchmark")
    parser.add_argument("--var-dir", default=None, help="where the SQLite file lives (default: a fresh temp dir)")
    parser.add_argument("--profile", choices=PROFILES, default="city",
                        help="the municipality's scale: city (~5,000 resources) or metro (10×, PostgreSQL only)")
    parser.add_argument("--per-district", type=int, default=None,
                        help="copies of each activity per district (the profile's: city 14 → ~5,000, metro 140 → ~50,000)")
    parser.add_argument("--users", type=int, default=20, help="visitors of the public page at once")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of public-page load measured (after 5 s)")
    args = parser.parse_args(argv)
    if args.profile == "metro" and not args.postgres:
        parser.error("metro プロファイルは PostgreSQL でのみ実行できます（--postgres URL）。")
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="tsunagu-bench-resources-"))
    setup_database(var_dir, args.postgres, args.per_district or PER_DISTRICT[args.profile], args.profile)
    public = bench_public_page(var_dir, args.postgres, users=args.users, seconds=args.seconds, thinks=((0, 0), (1, 3)))
    uncached = bench_public_page(var_dir, args.postgres, users=args.users, seconds=10, cached=False)
    results = {**bench_search_and_export(var_dir, args.postgres), **public, **uncached}
    print(f"データベース: {'PostgreSQL' if args.postgres else 'SQLite'}（{args.profile}）")
    for key, value in results.items():
        target = TARGETS.get(key)
        mark = "" if target is None else (" ✓" if value <= target else f" ✗（目標 {target}）")
        print(f"  {key}: {value:.1f}{mark}" if isinstance(value, float) else f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
