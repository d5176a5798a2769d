"""What grows with the data, per process: `python -m bench.scale [--profile metro] [--skip-index]`.

On the benchmark database of the profile (harness.bench_env, PostgreSQL), prints
  - the policy's Scope of every agency, built cold (`Scope.person_rules`, `household_rules`, `case_rules`: every
    id list it reads), the largest first: its ids, their bytes in this process and the seconds to build;
  - the intake's single-record check index (`linkage.queries`), built from the latest run as a web process
    builds it: seconds and the growth of this process's resident memory (VmRSS).
"""

import argparse
import os
import subprocess
import sys

from bench import harness

CODE = r"""
import re, sys, time
from pathlib import Path
import django; django.setup()
from django.utils import timezone
from tsunagu.agencies.models import Agency
from tsunagu.people.models import Person
from tsunagu.sharing.policy import Scope

def rss_mb():
    return int(re.search(r"^VmRSS:\s+(\d+)", Path("/proc/self/status").read_text(), re.M).group(1)) / 1024

def size(value):
    if isinstance(value, (list, tuple, set)):
        return sys.getsizeof(value) + sum(size(v) for v in value)
    return sys.getsizeof(value)

today = timezone.localdate()
print(f"persons {Person.objects.count()}")
rows = []
for agency_id, name in Agency.objects.values_list("pk", "name"):
    scope = Scope(agency_id, today)
    started = time.perf_counter()
    scope.person_rules(); scope.household_rules(); scope.case_rules()
    seconds = time.perf_counter() - started
    lists = [v for v in scope._cache.values() if isinstance(v, list)]
    ids = sum(len(v) for v in lists)
    rows.append((ids, max(map(len, lists), default=0), sum(size(v) for v in lists), seconds, name))
rows.sort(reverse=True)
for ids, largest, nbytes, seconds, name in rows[:5]:
    print(f"scope {ids} {largest} {nbytes} {seconds * 1000:.1f} {name}")
if "--skip-index" not in sys.argv:
    import json
    from tsunagu.linkage import queries
    before = rss_mb()
    started = time.perf_counter()
    if len(sys.argv) > 1 and sys.argv[1].startswith("{"):  # another run's model: every person her own cluster
        rows = queries.person_rows()
        index = queries.index_from_rows(0, rows, [int(r["record_id"]) for r in rows], json.loads(sys.argv[1]),
                                        queries.municipality_name())
    else:
        index = queries.current_index()
    seconds = time.perf_counter() - started
    records = 0 if index is None else len(index.engine.records)
    print(f"index {records} {seconds:.1f} {rss_mb() - before:.0f} {rss_mb():.0f}")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default=harness.bench_profile())
    parser.add_argument("--skip-index", action="store_true")
    parser.add_argument("--params-from", help="a database whose latest run's model the index is built with, for a "
                                              "database without a run of its own (each person then her own cluster)")
    args = parser.parse_args(argv)
    os.environ["BENCH_PROFILE"] = args.profile
    env = harness.bench_env("postgresql")
    extra = ["--skip-index"] if args.skip_index else []
    if args.params_from:
        query = "SELECT model_params FROM linkage_linkagerun WHERE status = 'done' ORDER BY id DESC LIMIT 1"
        extra = [subprocess.run(["psql", args.params_from, "-tAc", query], check=True, capture_output=True,
                                text=True).stdout.strip()]
    out = subprocess.run([sys.executable, "-c", CODE, *extra], env=env,
                         check=True, capture_output=True, text=True, cwd=harness.ROOT).stdout
    print(f"\n## {args.profile}: {env['DATABASE_URL'].rsplit('/', 1)[1]}")
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "persons":
            print(f"本人 {int(rest):,}")
        elif kind == "scope":
            ids, largest, nbytes, ms, name = rest.split(" ", 4)
            print(f"Scope {name}: id {int(ids):,}（最大のリスト {int(largest):,}）、{int(nbytes) / 1024:,.0f} KB、"
                  f"構築 {float(ms):.0f} ms")
        elif kind == "index":
            records, seconds, grown, total = rest.split()
            print(f"名寄せの照合インデックス: 記録 {int(records):,}、構築 {seconds} 秒、RSS +{grown} MB（計 {total} MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
