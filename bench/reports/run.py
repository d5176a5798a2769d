"""集計 benchmark (issue 19): the 集計 page with the 実施計画's targets, and a figure's row list, on the city profile.

    .venv/bin/python -m bench.reports.run [--databases sqlite,postgresql] [--users 20] [--seconds 30] [--think 1-3]

Serves on 127.0.0.1:8139 (BENCH_PORT), apart from the other benchmarks. Uses a city-profile database of its own (`tsunagu demo --profile city`): SQLite in var/bench-reports, PostgreSQL in
BENCH_REPORTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tsunagu_bench_reports), built once and
reused. Sets the guideline's targets for the demo's 年度 (as the planner would), then against gunicorn on 127.0.0.1
with 20 users (locust FastHttpUser, the harness's load model: 1–3 s between a user's requests):
  - planners (the coordinator and the 福祉総合相談 planner) reading the 集計 page of every agency, with its targets,
    charts and 公表 state (the target);
  - workers and planners opening a figure's row list (新規相談受付件数 of a month, their own agency's or every
    agency's; つなぎ件数 of the year) — rows read through the sharing policy and logged (the target);
and, in one process without HTTP, the same pages for one warm user.
Targets (issue 19): 集計 page with targets p95 ≤ 150 ms; a figure's row list p95 ≤ 200 ms; 0 errors.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402

from locust import FastHttpUser, task  # noqa: E402

from bench import harness  # noqa: E402

PAGE = "集計（全機関・事業目標つき）"
ROWS = "集計の内訳（行の一覧）"
TARGETS = {f"GET {PAGE}": 150, f"GET {ROWS}": 200}
PLANNERS = ["coordinator", "planner"]
WORKERS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw"]
YEAR = {"year": 2026, "months": ["2026-04"]}

DEFAULT_THINK = harness.think_time(f"{harness.THINK_TIME[0]}-{harness.THINK_TIME[1]}")


def _rows_url(rng: random.Random) -> str:
    figure = rng.choice(["consultations", "consultations", "referrals", "plans"])
    month = "" if figure == "referrals" else f"&month={rng.choice(YEAR['months'])}"
    return f"/reports/rows/{figure}/?year={YEAR['year']}{month}"


class Planner(FastHttpUser):
    weight = 8
    wait_time = DEFAULT_THINK
    counter = 0

    def on_start(self):
        Planner.counter += 1
        self.rng = random.Random(Planner.counter)
        harness.login(self, PLANNERS[Planner.counter % len(PLANNERS)])

    @task(3)
    def figures(self):
        with self.client.get(f"/reports/?year={YEAR['year']}", name=PAGE, catch_response=True) as r:
            if 'id="targets-summary"' not in r.text or "target-chart" not in r.text:
                r.failure("事業目標と実績の表・グラフがありません")

    @task(2)
    def rows(self):
        with self.client.get(_rows_url(self.rng), name=ROWS, catch_response=True) as r:
            if 'id="rows-hidden"' not in r.text:
                r.failure("内訳が表示されませんでした")


class Worker(FastHttpUser):
    weight = 12
    wait_time = DEFAULT_THINK
    counter = 0

    def on_start(self):
        Worker.counter += 1
        self.rng = random.Random(100 + Worker.counter)
        harness.login(self, WORKERS[Worker.counter % len(WORKERS)])

    @task
    def rows(self):
        with self.client.get(_rows_url(self.rng), name=ROWS, catch_response=True) as r:
            if 'id="rows-hidden"' not in r.text:
                r.failure("内訳が表示されませんでした")


SETUP_CODE = """
import django; django.setup()
from django.utils import timezone
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import Staff
from tsunagu.cases.models import Consultation
from tsunagu.core.fiscal import fiscal_year
from tsunagu.reports import services, targets
from tsunagu.reports.models import Target
latest = Consultation.objects.order_by("-received_on").values_list("received_on", flat=True).first()
year = fiscal_year(latest)
planner = actor_for(Staff.objects.get(login_id="coordinator"))
values = {"consultations": 3000, "participants": 120, "cooperating_businesses": 40, "community_places": 25,
          "community_participants": 6000, "community_agencies": 30}
for example in targets.examples():
    if not Target.objects.filter(fiscal_year=year, guideline=example.key).exists():
        services.target_save(actor=planner, fiscal_year=year, title=example.title, figure=example.figure,
                             value=values.get(example.key, 100), guideline=example.key)
from tsunagu.core.fiscal import month_starts
counts = {}
for m in month_starts(year):
    following = m.replace(year=m.year + m.month // 12, month=m.month % 12 + 1)
    counts[m.strftime("%Y-%m")] = Consultation.objects.filter(received_on__gte=m, received_on__lt=following).count()
months = list(counts)
print(year, " ".join(m for m in months if counts[m]), sum(counts.values()))
"""

SINGLE_USER_PAGES = [("coordinator", "page_with_targets", "/reports/?year={year}"),
                     ("coordinator", "rows_all_month", "/reports/rows/consultations/?year={year}&month={month}"),
                     ("coordinator", "rows_referrals_year", "/reports/rows/referrals/?year={year}"),
                     ("houkatsu", "rows_own_month", "/reports/rows/consultations/?year={year}&month={month}"),
                     ("houkatsu", "rows_own_year", "/reports/rows/consultations/?year={year}")]


def _own_databases() -> None:
    """This benchmark's own city database on each engine, apart from the other benchmarks'."""
    harness.BENCH_VAR = harness.ROOT / "var" / "bench-reports"
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "BENCH_REPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsunagu_bench_reports")


def _single_user(env: dict, runs: int) -> None:
    pages = [(login, name, url.format(year=YEAR["year"], month=YEAR["months"][0]))
             for login, name, url in SINGLE_USER_PAGES]
    harness.print_single_user(harness.single_user(env, pages, runs), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    harness.add_load_arguments(parser, seconds=30, warmup=40)  # 20 logins, each a slow password hash, come first
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    Planner.wait_time = Worker.wait_time = harness.think_time(args.think)
    _own_databases()
    for database in args.databases.split(","):
        harness.ensure_city_dataset(database)
        env = harness.bench_env(database)
        year, *months = harness.python_in(env, SETUP_CODE).split()
        consultations = months.pop()
        YEAR["year"], YEAR["months"] = int(year), months
        print(f"\n[{database}] {year}年度、相談受付 {consultations} 件（{len(months)} か月）", flush=True)
        _single_user(env, args.runs)
        with harness.gunicorn_server(database, port=int(os.environ.get("BENCH_PORT", "8139"))) as base_url:
            rows = harness.run_load(base_url, [Planner, Worker], users=args.users, seconds=args.seconds,
                                    warmup=args.warmup)
        harness.print_rows(f"{harness.load_title(database, args)} — {database}", rows, TARGETS)


if __name__ == "__main__":
    main()
