"""Cases/people benchmark: person search, filtered case list, case page and intake save under 20 concurrent
users against gunicorn, on the city profile (40,000 persons, 60,000 consultations, 600,000 notes).

    .venv/bin/python -m bench.cases.run [--databases sqlite,postgresql] [--users 20] [--seconds 60]
                                        [--think 1-3]      # seconds between a user's requests (harness.THINK_TIME)
                                        [--var-dir DIR]   # reuse a city dataset built elsewhere (SQLite)

Prints p50/p95/p99, requests/s and errors per request, against the issue's targets, measured after a warm-up
(the 20 logins) so that the figures are the steady state.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from locust import FastHttpUser, task  # noqa: E402

from bench import harness  # noqa: E402

LOGINS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw", "coordinator", "houkatsu_mgr"]
QUERIES = ["たなか", "さとう", "高橋", "髙橋", "ﾔﾏﾀﾞ", "すずき 和子", "イトウ", "中村", "けんいち", "よしこ"]
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')
TARGETS = {"GET 本人検索": 50, "GET 支援ケース一覧（絞り込み）": 100, "GET 支援ケース画面": 150, "POST 相談受付の保存": 150}


class Worker(FastHttpUser):
    """A signed-in worker. FastHttpUser (geventhttpclient) costs the load generator a fraction of what
    requests does: on two cores shared with the server, a heavy client would measure itself."""

    wait_time = harness.think_time(f"{harness.THINK_TIME[0]}-{harness.THINK_TIME[1]}")
    counter = 0

    def on_start(self):
        Worker.counter += 1
        self.login_id = LOGINS[Worker.counter % len(LOGINS)]
        self.rng = random.Random(Worker.counter)
        harness.login(self, self.login_id, page_name="（準備）フォーム")
        listing = self.client.get("/cases/?status=open", name="（準備）ケース一覧").text
        self.case_ids = CASE_LINK.findall(listing) or ["0"]

    def _page(self, url: str, name: str, marker: str) -> None:
        # A redirect to the login page would be a fast 200: check that the real page came back.
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200 or marker not in r.text:
                r.failure(f"status {r.status_code} / 期待した画面ではありません")

    @task(4)
    def person_search(self):
        self._page(f"/people/?q={self.rng.choice(QUERIES)}", "本人検索", "の検索結果")

    @task(3)
    def case_list(self):
        status = self.rng.choice(["open", "support", "monitoring", ""])
        self._page(f"/cases/?status={status}&mine=on&q=", "支援ケース一覧（絞り込み）", "支援ケースの一覧")

    @task(3)
    def case_page(self):
        self._page(f"/cases/{self.rng.choice(self.case_ids)}/", "支援ケース画面", "経過（タイムライン）")

    @task(1)
    def intake(self):
        token = harness.csrf_token(self, "/cases/intake/", name="（準備）フォーム")
        data = {"csrfmiddlewaretoken": token, "received_on": "2026-11-01", "route": "phone", "consulter": "neighbour",
                "name": f"ベンチ 太郎{self.rng.randint(1, 9999)}", "main_complaint": "ベンチマークの相談",
                "concerns": ["dementia", "hoarding"], "primary_concern": "dementia", "urgency": "low", "outcome": "info_only"}
        with harness.post_form(self, "/cases/intake/", data, name="相談受付の保存", allow_redirects=False,
                               catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code}")


def run_steady(base_url: str, users: int, seconds: int, warmup: int) -> list[dict]:
    """Like harness.run_load, but the figures are reset after `warmup` seconds: 20 simultaneous logins (each a
    deliberately slow password hash) would otherwise dominate the tail of every other request."""
    import gevent
    from locust.env import Environment

    Worker.host = base_url
    env = Environment(user_classes=[Worker])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    env.stats.reset_all()
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return [
        {"name": f"{method} {name}", "requests": e.num_requests, "failures": e.num_failures,
         "p50": e.get_response_time_percentile(0.50), "p95": e.get_response_time_percentile(0.95),
         "p99": e.get_response_time_percentile(0.99), "rps": e.total_rps}
        for (name, method), e in sorted(env.stats.entries.items())
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    harness.add_load_arguments(parser)
    parser.add_argument("--var-dir", help="SQLite: use the city dataset in this TSUNAGU_VAR_DIR instead of var/bench")
    args = parser.parse_args()
    if args.var_dir:
        harness.BENCH_VAR = Path(args.var_dir)  # the harness reads it at call time
    Worker.wait_time = harness.think_time(args.think)
    for database in args.databases.split(","):
        harness.ensure_city_dataset(database)
        with harness.gunicorn_server(database, port=8131) as base_url:
            rows = run_steady(base_url, args.users, args.seconds, args.warmup)
        harness.print_rows(harness.load_title(database, args), rows, TARGETS)


if __name__ == "__main__":
    main()
