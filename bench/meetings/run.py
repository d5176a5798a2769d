"""Meetings / follow-ups / 狭間 / genogram benchmark on the city profile, SQLite and PostgreSQL.

    .venv/bin/python -m bench.meetings.run [--databases sqlite,postgresql] [--users 20] [--seconds 30] [--think 1-3]

Uses the city demo (with its meetings, action items, follow-ups, outreach and ecomap ties) in
the shared benchmark databases (bench.harness: var/bench, PostgreSQL tsunagu_bench), then, against
gunicorn on 127.0.0.1 with 20 concurrent users (locust FastHttpUser, the harness's load model: 1–3 s between a
user's requests; --think 0.2-0.8 to stress):
  - workers' dashboards (panels with action items and follow-ups),
  - the coordinator's 制度の狭間 list,
  - the seed household's genogram and its case's ecomap, as the case page's card loads them: both drawn on the
    server into one answer (the target); and, for reference, the two SVGs of the same fetched as two images,
and, in one process, the time to build and render one genogram + ecomap (no HTTP) over --renders runs.
Targets (issue 5): dashboards p95 ≤ 100 ms, 狭間 list p95 ≤ 200 ms, genogram + ecomap ≤ 50 ms, 0 errors.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402

from locust import FastHttpUser, task  # noqa: E402

from bench import harness  # noqa: E402

TARGETS = {"GET ダッシュボード（役割分担・フォローアップ）": 100, "GET 制度の狭間": 200,
           "GET ジェノグラム＋エコマップ（ケース画面のカード）": 50}
WORKERS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw", "houkatsu_mgr"]
SEED = {"household": 0, "case": 0}


DEFAULT_THINK = harness.think_time(f"{harness.THINK_TIME[0]}-{harness.THINK_TIME[1]}")


class Worker(FastHttpUser):
    weight = 10
    wait_time = DEFAULT_THINK
    counter = 0

    def on_start(self):
        Worker.counter += 1
        harness.login(self, WORKERS[Worker.counter % len(WORKERS)])

    @task
    def dashboard(self):
        with self.client.get("/", name="ダッシュボード（役割分担・フォローアップ）", catch_response=True) as r:
            if "会議の役割分担" not in r.text or "フォローアップ" not in r.text:
                r.failure("役割分担・フォローアップのパネルがありません")


class Coordinator(FastHttpUser):
    weight = 4
    wait_time = DEFAULT_THINK

    def on_start(self):
        harness.login(self, "coordinator")

    @task
    def gaps(self):
        with self.client.get("/followups/gaps/", name="制度の狭間", catch_response=True) as r:
            if "外れる条件" not in r.text:
                r.failure("制度の狭間の一覧が表示されませんでした")


class Drawer(FastHttpUser):
    """Opens the seed case's card of the genogram and ecomap as the case page does: one request whose answer carries
    both figures ("ケース画面のカード", the target). For reference it also fetches the two SVG files as a browser
    would two <img> (both at once, the pair done when the later one arrives: "2枚、同時"), and the household's
    ジェノグラム・エコマップ page, which draws both into the page."""

    weight = 6
    wait_time = DEFAULT_THINK

    def on_start(self):
        harness.login(self, "houkatsu")

    def _svg(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200 or "<svg" not in r.text:
                r.failure("SVG が返りませんでした")
            return r

    def _pair(self, name: str) -> None:
        import time

        import gevent

        urls = [(f"/ecomap/households/{SEED['household']}/genogram.svg", "ジェノグラム（SVG）"),
                (f"/ecomap/cases/{SEED['case']}/ecomap.svg", "エコマップ（SVG）")]
        started = time.perf_counter()
        answers = [g.value for g in gevent.joinall([gevent.spawn(self._svg, *u) for u in urls], raise_error=True)]
        elapsed = (time.perf_counter() - started) * 1000
        ok = all(a.status_code == 200 and "<svg" in a.text for a in answers)
        self.environment.events.request.fire(request_type="GET", name=name, response_time=elapsed,
                                             response_length=sum(len(a.content) for a in answers),
                                             exception=None if ok else RuntimeError("SVG が返りませんでした"), context={})

    @task(2)
    def case_card(self):
        with self.client.get(f"/ecomap/cases/{SEED['case']}/diagrams/", name="ジェノグラム＋エコマップ（ケース画面のカード）",
                             catch_response=True) as r:
            if r.status_code != 200 or r.text.count("<svg") != 2:
                r.failure("二つの図が描かれていません")

    @task(1)
    def pair_as_a_browser(self):
        self._pair("ジェノグラム＋エコマップ（SVG 2枚、同時）")

    @task(1)
    def household_page(self):
        with self.client.get(f"/ecomap/households/{SEED['household']}/", name="世帯のジェノグラム・エコマップ画面",
                             catch_response=True) as r:
            if r.status_code != 200 or r.text.count("<svg") < 2:
                r.failure("二つの図が描かれていません")


SEED_CODE = """
import django; django.setup()
from tsunagu.cases.models import Case
from tsunagu.people.models import Household
h = Household.objects.filter(name='高橋さん世帯', genogram_figures__isnull=False).first()
c = Case.objects.filter(household=h, ecomap_ties__isnull=False).first()
print(h.pk, c.pk)
"""

RENDER_CODE = """
import django, statistics, time; django.setup()
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import Staff
from tsunagu.cases.models import Case
from tsunagu.ecomap import genogram, queries
actor = actor_for(Staff.objects.get(login_id='houkatsu'))
case = Case.objects.select_related('household', 'lead_agency').get(pk={case})
times = []
for _ in range({runs}):
    t = time.perf_counter()
    picture = queries.household_picture(case.household, actor)
    svg1 = genogram.render(picture.figure)
    svg2, _ = queries.case_ecomap(case, actor)
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{{times[len(times)//2]:.1f}} {{times[int(len(times)*0.95)]:.1f}} {{times[-1]:.1f}} {{len(svg1)+len(svg2)}}")
"""


SINGLE_USER_PAGES = [("houkatsu", "dashboard", "/"), ("coordinator", "dashboard_coordinator", "/"),
                     ("coordinator", "gaps", "/followups/gaps/"), ("houkatsu", "followups", "/followups/"),
                     ("houkatsu", "meetings", "/meetings/"),
                     ("houkatsu", "genogram", "/ecomap/households/{household}/genogram.svg"),
                     ("houkatsu", "ecomap", "/ecomap/cases/{case}/ecomap.svg"),
                     ("houkatsu", "case_card", "/ecomap/cases/{case}/diagrams/")]


def _single_user(env: dict, runs: int) -> None:
    """One warm user through Django's test client: the request's own cost, without the load's queueing."""
    pages = [(login, name, url.format(**SEED)) for login, name, url in SINGLE_USER_PAGES]
    rows = harness.single_user(env, pages, runs)
    rows["genogram+ecomap (2 SVG)"] = [a + b for a, b in zip(rows["genogram"], rows["ecomap"], strict=True)]
    harness.print_single_user(rows, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    harness.add_load_arguments(parser, seconds=30, warmup=15)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    Worker.wait_time = Coordinator.wait_time = Drawer.wait_time = harness.think_time(args.think)
    for database in args.databases.split(","):
        harness.ensure_city_dataset(database)
        env = harness.bench_env(database)
        SEED["household"], SEED["case"] = (int(x) for x in harness.python_in(env, SEED_CODE).split())
        p50, p95, worst, size = harness.python_in(env, RENDER_CODE.format(case=SEED["case"], runs=args.renders)).split()
        print(f"\n[{database}] ジェノグラム＋エコマップの生成（1プロセス、{args.renders}回）: p50 {p50} ms, p95 {p95} ms, "
              f"最大 {worst} ms（SVG {int(size):,} バイト）  目標 ≤ 50 ms {'OK' if float(p95) <= 50 else 'MISSED'}")
        _single_user(env, args.runs)
        with harness.gunicorn_server(database, port=8147) as base_url:
            rows = harness.run_load(base_url, [Worker, Coordinator, Drawer], users=args.users, seconds=args.seconds,
                                    warmup=args.warmup)
        harness.print_rows(harness.load_title(database, args), rows, TARGETS)


if __name__ == "__main__":
    main()
