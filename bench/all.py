"""`make bench`: every page benchmark on the city profile, SQLite and PostgreSQL, one after another.

Each module prints its own table (p50/p95/p99, requests/s, errors, target). Run one alone with
`.venv/bin/python -m bench.<area>.run` (or `bench.web` for login and dashboard).
"""

import subprocess
import sys

MODULES = [
    ["bench.web"],
    ["bench.cases.run"],
    ["bench.meetings.run"],
    ["bench.resources.run", "--postgres", "postgres://postgres@127.0.0.1:5432/tsunagu_bench_resources"],
    ["bench.workspace.run"],
    ["bench.reports.run"],
    ["bench.pdf.run"],
]


def main() -> int:
    failed = []
    for module, *args in MODULES:
        print(f"\n# {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *args]).returncode != 0:
            failed.append(module)
    if failed:
        print(f"\n失敗したベンチマーク: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
