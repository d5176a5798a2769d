"""帳票のPDF benchmark: the 同意書 of the seed-shaped household's son, and the blank 相談受付・申込票, each drawn 20 times
in one warm process on the city profile (the issue's target: p95 ≤ 500 ms for a 帳票 PDF).

    .venv/bin/python -m bench.pdf.run [--databases sqlite] [--renders 20] [--warmup 3]
                                      [--var-dir DIR]   # reuse a city dataset built elsewhere (SQLite)

Each request goes through the whole stack in-process (Django's test client: middleware, sign-in, the policy's read
and its access-log row, the template, WeasyPrint), one after another, after `--warmup` renders that load the fonts.
Prints the wall-clock p50/p95/max, the process's CPU time p50/p95 (which a machine busy with other work does not
inflate) and the PDF's size per request, with the machine's load average.
"""

import argparse
import subprocess
import sys
from pathlib import Path

from bench import harness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--var-dir", help="SQLite: use the city dataset in this TSUNAGU_VAR_DIR instead of var/bench")
    args = parser.parse_args()
    if args.var_dir:
        harness.BENCH_VAR = Path(args.var_dir)  # the harness reads it at call time
    failed = 0
    for database in args.databases.split(","):
        harness.ensure_city_dataset(database)
        # A fresh process per database: the settings read DATABASE_URL and TSUNAGU_VAR_DIR when Django starts.
        command = [sys.executable, "-m", "bench.pdf.measure", database, str(args.renders), str(args.warmup)]
        failed += subprocess.run(command, env=harness.bench_env(database), cwd=harness.ROOT).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
