"""Backup and restore benchmark: `python -m bench.backup.run [--databases sqlite,postgresql]`.

On the city profile (40,000 persons, 60,000 consultations, 600,000 notes), built once per database by
bench.harness.ensure_city_dataset (var/bench, and BENCH_DATABASE_URL or tsunagu_bench) unless --sqlite-var-dir /
--postgres name a city dataset built elsewhere, it times the real commands, each a process of its own as cron or an
administrator runs them:
  1. `tsunagu backup FILE` of the dataset (which is left as it is);
  2. `tsunagu restore FILE` into an empty scratch database (a new SQLite file; a new PostgreSQL database named after
     the dataset's, `<name>_restore`, dropped afterwards) — the restore verifies every table's count.
Targets (issue 20): PostgreSQL backup ≤ 60 s and restore ≤ 120 s; SQLite ≤ 20 s each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness

TARGETS = {"sqlite": (20, 20), "postgresql": (60, 120)}


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:3])} failed:\n{result.stdout}\n{result.stderr}")
    print(result.stdout.strip().splitlines()[-1], flush=True)
    return elapsed


def _psql(url: str, sql: str) -> None:
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def bench(database: str, args: argparse.Namespace) -> dict:
    tsunagu = str(harness.VENV_BIN / "tsunagu")
    if database == "sqlite" and args.sqlite_var_dir:
        env = {**harness.bench_env("sqlite"), "TSUNAGU_VAR_DIR": args.sqlite_var_dir}
    elif database == "postgresql" and args.postgres:
        env = {**harness.bench_env("postgresql"), "DATABASE_URL": args.postgres}
    else:
        harness.ensure_city_dataset(database)
        env = harness.bench_env(database)
    with tempfile.TemporaryDirectory(prefix="bench-backup-", dir=args.work_dir) as work:
        archive = Path(work, "city.tar")
        print(f"\n== {database}: tsunagu backup", flush=True)
        backup_s = _timed([tsunagu, "backup", str(archive)], env)
        size_mb = archive.stat().st_size / 1e6
        target = {**env, "TSUNAGU_VAR_DIR": str(Path(work, "restored"))}
        scratch = ""
        if database == "postgresql":
            scratch = env["DATABASE_URL"].rsplit("/", 1)[1] + "_restore"
            target["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + scratch
            _psql(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{scratch}"')
            _psql(env["DATABASE_URL"], f'CREATE DATABASE "{scratch}"')
        try:
            print(f"== {database}: tsunagu restore (into an empty database)", flush=True)
            restore_s = _timed([tsunagu, "restore", str(archive)], target)
        finally:
            if scratch:
                _psql(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return {"database": database, "size_mb": size_mb, "backup_s": backup_s, "restore_s": restore_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sqlite-var-dir", help="a TSUNAGU_VAR_DIR holding a city dataset already built")
    parser.add_argument("--postgres", help="the DATABASE_URL of a city dataset already built")
    parser.add_argument("--work-dir", default=os.environ.get("TMPDIR"), help="where the backup file is written")
    args = parser.parse_args(argv)
    rows = [bench(database, args) for database in args.databases.split(",")]
    print(f"\n## tsunagu backup / restore, city profile ({os.cpu_count()} CPUs)")
    print(f"{'database':<12} {'file MB':>8} {'backup s':>9} {'target':>7} {'restore s':>10} {'target':>7}")
    missed = False
    for r in rows:
        backup_target, restore_target = TARGETS[r["database"]]
        verdicts = [("OK" if r["backup_s"] <= backup_target else "MISSED"),
                    ("OK" if r["restore_s"] <= restore_target else "MISSED")]
        missed |= "MISSED" in verdicts
        print(f"{r['database']:<12} {r['size_mb']:>8.0f} {r['backup_s']:>9.1f} {f'≤{backup_target} ' + verdicts[0]:>7} "
              f"{r['restore_s']:>10.1f} {f'≤{restore_target} ' + verdicts[1]:>7}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
