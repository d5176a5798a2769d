"""`make bench`: login and dashboard under 20 concurrent users on the city profile, SQLite and PostgreSQL.

    .venv/bin/python -m bench.web [--databases sqlite,postgresql] [--users 20] [--seconds 30] [--think 1-3]

The load model is the harness's (20 users, 1–3 s between requests; `--think 0.2-0.8` to stress).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402

from locust import FastHttpUser, task  # noqa: E402

from bench import harness  # noqa: E402
from bench.harness import ensure_city_dataset, gunicorn_server, print_rows, run_load  # noqa: E402

WORKER_LOGINS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw", "coordinator", "planner", "houkatsu_mgr"]


DEFAULT_THINK = harness.think_time(f"{harness.THINK_TIME[0]}-{harness.THINK_TIME[1]}")


class Worker(FastHttpUser):
    weight = 4
    wait_time = DEFAULT_THINK
    counter = 0

    def on_start(self):
        Worker.counter += 1
        login_id = WORKER_LOGINS[Worker.counter % len(WORKER_LOGINS)]
        harness.login(self, login_id, name="ログイン（パスワード照合）")

    @task(5)
    def dashboard(self):
        with self.client.get("/", name="ダッシュボード", catch_response=True) as response:
            if "ダッシュボード" not in response.text:
                response.failure("ダッシュボードが表示されませんでした")



class Visitor(FastHttpUser):
    """Someone not signed in yet, opening the login page (one in five users)."""

    weight = 1
    wait_time = DEFAULT_THINK

    @task
    def login_page(self):
        with self.client.get("/login/", name="ログイン画面", catch_response=True) as response:
            if "ログインID" not in response.text:
                response.failure("ログイン画面が表示されませんでした")


TARGETS = {"GET ダッシュボード": 100, "GET ログイン画面": 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    harness.add_load_arguments(parser, seconds=30, warmup=15)
    args = parser.parse_args()
    Worker.wait_time = Visitor.wait_time = harness.think_time(args.think)
    for database in args.databases.split(","):
        ensure_city_dataset(database)
        with gunicorn_server(database) as base_url:
            rows = run_load(base_url, [Worker, Visitor], users=args.users, seconds=args.seconds, warmup=args.warmup)
        print_rows(harness.load_title(database, args), rows, TARGETS)


if __name__ == "__main__":
    main()
