"""`make bench`: login and dashboard under 20 concurrent users on the city profile, SQLite and PostgreSQL.

    .venv/bin/python -m bench.web [--databases sqlite,postgresql] [--users 20] [--seconds 30]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import re  # noqa: E402

from locust import HttpUser, between, task  # noqa: E402

from bench.harness import ensure_city_dataset, gunicorn_server, print_rows, run_load  # noqa: E402
from tsunagu.core.demo import DEMO_PASSWORD  # noqa: E402

WORKER_LOGINS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw", "coordinator", "planner", "houkatsu_mgr"]


class Worker(HttpUser):
    weight = 4
    wait_time = between(0.5, 1.5)
    counter = 0

    def on_start(self):
        Worker.counter += 1
        login_id = WORKER_LOGINS[Worker.counter % len(WORKER_LOGINS)]
        page = self.client.get("/login/", name="ログイン画面")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/login/", {"username": login_id, "password": DEMO_PASSWORD,
                                     "csrfmiddlewaretoken": token}, name="ログイン（パスワード照合）",
                         headers={"Referer": f"{self.host}/login/"})

    @task(5)
    def dashboard(self):
        with self.client.get("/", name="ダッシュボード", catch_response=True) as response:
            if "ダッシュボード" not in response.text:
                response.failure("ダッシュボードが表示されませんでした")



class Visitor(HttpUser):
    """Someone not signed in yet, opening the login page (one in five users)."""

    weight = 1
    wait_time = between(0.5, 1.5)

    @task
    def login_page(self):
        with self.client.get("/login/", name="ログイン画面", catch_response=True) as response:
            if "ログインID" not in response.text:
                response.failure("ログイン画面が表示されませんでした")


TARGETS = {"GET ダッシュボード": 100, "GET ログイン画面": 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=15, help="seconds of load (the logins) left out of the figures")
    args = parser.parse_args()
    for database in args.databases.split(","):
        ensure_city_dataset(database)
        with gunicorn_server(database) as base_url:
            rows = run_load(base_url, [Worker, Visitor], users=args.users, seconds=args.seconds, warmup=args.warmup)
        print_rows(f"{database}: {args.users} users, {args.seconds} s", rows, TARGETS)


if __name__ == "__main__":
    main()
