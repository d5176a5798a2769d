"""What grows with the data, per process: `python -m bench.scale [--profile metro] [--skip-index] [--queries 200]`.

On the benchmark database of the profile (harness.bench_env, PostgreSQL), prints
  - the policy's Scope of every agency, built cold (`Scope.lists`: every id list its rules read, as the first process
    builds them), the largest first: its ids, their bytes in this process, the seconds to build, and the size of the
    JSON the other processes read instead (`policy._shared_lists`) and the time to make the Scope from it;
  - the intake's single-record check (`linkage.queries.candidates_for`), whose index is in the database (the latest
    run's `BlockingKey` and `NameTerm` rows: `manage.py link_persons` writes them): the rows and their size on disk
    (pg_total_relation_size, with indexes), the time of each check (p50 / p95 / max over half persons of the
    database written anew, half generated strangers), and this process's resident memory (VmRSS) before and after
    them — nothing is kept per process, so it should not grow.
"""

import argparse
import os
import subprocess
import sys

from bench import harness

CODE = r"""
import json, re, sys, time
from pathlib import Path
import django; django.setup()
from django.utils import timezone
from tsunagu.agencies.models import Agency
from tsunagu.people.models import Person
from tsunagu.sharing.policy import Scope

def rss_mb():
    return int(re.search(r"^VmRSS:\s+(\d+)", Path("/proc/self/status").read_text(), re.M).group(1)) / 1024

# The process's own written memory (Private_Dirty): RSS less the pages of files it maps (the readings dictionary is
# a memory-mapped file, shared by every process that reads it, and given back when memory is short).
def dirty_mb():
    return int(re.search(r"^Private_Dirty:\s+(\d+)", Path("/proc/self/smaps_rollup").read_text(), re.M).group(1)) / 1024

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
    shared = scope.lists()  # what the first process builds and writes for the others
    seconds = time.perf_counter() - started
    text = json.dumps(shared, separators=(",", ":"))
    started = time.perf_counter()
    Scope.from_lists(agency_id, today, json.loads(text)).case_rules()  # what every other process does instead
    read = time.perf_counter() - started
    lists = [v for _, v in shared]
    ids = sum(len(v) for v in lists)
    rows.append((ids, max(map(len, lists), default=0), sum(size(v) for v in lists), seconds, len(text), read, name))
rows.sort(reverse=True)
for ids, largest, nbytes, seconds, text_bytes, read, name in rows[:5]:
    print(f"scope {ids} {largest} {nbytes} {seconds * 1000:.1f} {text_bytes} {read * 1000:.1f} {name}")
if "--skip-index" not in sys.argv:
    import random
    from django.db import connection
    from bench.linkage.generate import generate
    from tsunagu.linkage import queries
    from tsunagu.linkage.models import BlockingKey, NameTerm

    n = int(sys.argv[sys.argv.index("--queries") + 1]) if "--queries" in sys.argv else 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('linkage_blockingkey') + pg_total_relation_size('linkage_nameterm')")
        nbytes = cursor.fetchone()[0]
    print(f"index {BlockingKey.objects.count()} {NameTerm.objects.count()} {nbytes}")
    latest = queries.latest_run()
    if latest is None or "names" not in latest.model_params:  # no run, or none of this version: no index to read
        print("norun")
        sys.exit(0)
    rng = random.Random(7)
    ids = rng.sample(list(Person.objects.filter(archived_at__isnull=True).values_list("pk", flat=True)), n // 2)
    hiragana = lambda text: "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
    records = [{"name": name.replace(" ", ""), "kana": hiragana(kana), "birth_date": birth, "sex": sex,
                "address": address, "phone": ""}  # written anew: run together, in hiragana, no phone
               for name, kana, birth, sex, address in Person.objects.filter(pk__in=ids).values_list(
                   "name", "kana", "birth_date", "sex", "address")]
    records += [{k: row[k] for k in ("name", "kana", "birth_date", "sex", "address", "phone")}
                for row in generate(n - len(records), seed=99).rows]
    rng.shuffle(records)
    before, dirty_before = rss_mb(), dirty_mb()
    for record in records[:5]:  # the connection and the dictionaries' first reads, not timed
        queries.candidates_for(record)
    timings, found = [], 0
    for record in records:
        started = time.perf_counter()
        found += bool(queries.candidates_for(record))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    pick = lambda q: timings[min(int(len(timings) * q), len(timings) - 1)]
    print(f"check {len(timings)} {found} {pick(0.5):.1f} {pick(0.95):.1f} {timings[-1]:.1f} {before:.0f} {rss_mb():.0f} "
          f"{dirty_before:.0f} {dirty_mb():.0f}")
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default=harness.bench_profile())
    parser.add_argument("--skip-index", action="store_true")
    parser.add_argument("--queries", type=int, default=200, help="intake checks timed (half known persons)")
    args = parser.parse_args(argv)
    os.environ["BENCH_PROFILE"] = args.profile
    env = harness.bench_env("postgresql")
    extra = ["--skip-index"] if args.skip_index else ["--queries", str(args.queries)]
    out = subprocess.run([sys.executable, "-c", CODE, *extra], env=env,
                         check=True, capture_output=True, text=True, cwd=harness.ROOT).stdout
    print(f"\n## {args.profile}: {env['DATABASE_URL'].rsplit('/', 1)[1]}")
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "persons":
            print(f"本人 {int(rest):,}")
        elif kind == "scope":
            ids, largest, nbytes, ms, text_bytes, read_ms, name = rest.split(" ", 6)
            print(f"Scope {name}: id {int(ids):,}（最大のリスト {int(largest):,}）、{int(nbytes) / 1024:,.0f} KB、"
                  f"構築 {float(ms):.0f} ms（共有する JSON {int(text_bytes) / 1024:,.0f} KB、ほかのプロセスの読み込み "
                  f"{float(read_ms):.1f} ms）")
        elif kind == "index":
            keys, terms, nbytes = rest.split()
            print(f"名寄せの照合インデックス（データベース）: 照合キー {int(keys):,} 行、氏名の頻度 {int(terms):,} 行、"
                  f"{int(nbytes) / 1024 / 1024:,.1f} MB（索引を含む）")
        elif kind == "norun":
            print("照合キーを書いた名寄せの実行がありません。先に manage.py link_persons を実行してください。")
        elif kind == "check":
            count, found, p50, p95, longest, before, after, dirty_before, dirty_after = rest.split()
            print(f"照合（candidates_for）{int(count):,} 件（候補あり {int(found):,}）: p50 {p50} ms、p95 {p95} ms、"
                  f"最大 {longest} ms")
            print(f"  プロセスの RSS {before} MB → {after} MB（うちプロセス自身が書いたメモリ {dirty_before} MB → "
                  f"{dirty_after} MB; 残りは読みの辞書のメモリマップで、プロセスの間で共有）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
