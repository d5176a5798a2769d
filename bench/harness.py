"""Shared benchmark harness: a city-profile database, a gunicorn server on loopback, and a bounded locust load.

Every benchmark under bench/ uses it, so each reports the same figures (p50/p95/p99, requests/s, errors) the
same way. Only 127.0.0.1 is ever contacted.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The load model of every page benchmark: USERS signed-in users at once, each waiting THINK_TIME seconds (uniform)
# between two requests. A social worker reads a page for far longer than 1–3 s, so this is a busy office at
# several times its real pace; `--think 0.2-0.8` (or 0) runs the stress model that finds the saturation point.
USERS = 20
THINK_TIME = (1.0, 3.0)
VENV_BIN = Path(sys.executable).parent
BENCH_VAR = ROOT / "var" / "bench"


def bench_profile() -> str:
    """The demo profile the page benchmarks run on: BENCH_PROFILE=metro (PostgreSQL only) or the city."""
    return os.environ.get("BENCH_PROFILE", "city")


METRO_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsunagu_bench_metro"


def bench_env(database: str) -> dict:
    """Environment for the benchmark server and set-up commands: SQLite in var/bench or a PostgreSQL database.
    The metro profile has a database of its own (BENCH_METRO_DATABASE_URL), whichever benchmark reads it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tsunagu.settings", "TSUNAGU_VAR_DIR": str(BENCH_VAR)}
    env.pop("DATABASE_URL", None)
    if bench_profile() == "metro":
        if database != "postgresql":
            raise SystemExit("metro プロファイルのベンチマークは PostgreSQL でのみ実行できます（--databases postgresql）。")
        env["DATABASE_URL"] = os.environ.get("BENCH_METRO_DATABASE_URL", METRO_DATABASE_URL)
    elif database == "postgresql":
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsunagu_bench")
    return env


def _manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "python"), str(ROOT / "manage.py"), *args], env=env, check=check,
                          capture_output=True, text=True)


def ensure_city_dataset(database: str, profile: str | None = None) -> None:
    """Builds the demo dataset (the city, or BENCH_PROFILE's) once per database; later runs reuse it (delete
    var/bench or the DB to rebuild: the metro takes about 20 minutes)."""
    profile = profile or bench_profile()
    env = bench_env(database)
    if database == "postgresql":
        _create_pg_database(env["DATABASE_URL"])
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    _manage(env, "migrate", "--noinput", "-v0")
    # The demo login must exist: an empty database (or the shell's start-up chatter) must never pass for data.
    probe = _manage(env, "shell", "--no-imports", "-v", "0", "-c",
                    "from tsunagu.agencies.models import Staff; from tsunagu.people.models import Person; "
                    "print(Staff.objects.filter(login_id='houkatsu').count(), Person.objects.count())",
                    check=False)
    found = probe.stdout.strip().split()[-2:]
    if len(found) == 2 and found[0] == "1":
        print(f"[{database}] 既存のデータセットを使います（{profile}、本人 {int(found[1]):,}）")
        return
    print(f"[{database}] {profile} プロファイルのデータセットを生成しています…", flush=True)
    started = time.perf_counter()
    subprocess.run([str(VENV_BIN / "tsunagu"), "demo", "--profile", profile], env=env, check=True)  # ends with ANALYZE
    print(f"[{database}] 生成 {time.perf_counter() - started:.0f} 秒", flush=True)


def _create_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    query = f"SELECT 1 FROM pg_database WHERE datname='{name}'"  # noqa: S608 -- our own bench database name
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", query], capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


@contextmanager
def gunicorn_server(database: str, port: int = 8123, workers: int | None = None, threads: int | None = None):
    """gunicorn as `make run` starts it (scripts/serve.sh), unless BENCH_WORKERS / BENCH_THREADS say otherwise."""
    workers = workers or int(os.environ.get("BENCH_WORKERS", "6"))
    threads = threads or int(os.environ.get("BENCH_THREADS", "1"))
    env = bench_env(database)
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "tsunagu.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--log-level", "error"],
        env=env, cwd=ROOT, start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url)
        yield base_url
        print_worker_memory(process.pid)  # after the load: each worker as warm as the benchmark made it
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def worker_memory(master_pid: int) -> dict[int, int]:
    """Each gunicorn worker's resident memory in kB (VmRSS of /proc/<pid>/status), by pid."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    found = {}
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # a worker restarted meanwhile
        if m := re.search(r"^VmRSS:\s+(\d+) kB", status, re.M):
            found[pid] = int(m.group(1))
    return found


def print_worker_memory(master_pid: int) -> None:
    rss = sorted(worker_memory(master_pid).values())
    if rss:
        print(f"workers RSS MB: {' '.join(f'{kb / 1024:.0f}' for kb in rss)} (max {rss[-1] / 1024:.0f})", flush=True)


def _wait_until_up(base_url: str, seconds: float = 120) -> None:  # six workers booting on a busy machine
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base_url}/login/", timeout=2)  # noqa: S310 -- loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("ベンチマーク用サーバーが起動しませんでした")


def add_load_arguments(parser, *, seconds: int = 60, warmup: int = 20) -> None:
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=int, default=seconds)
    parser.add_argument("--warmup", type=int, default=warmup, help="seconds of load (the logins) left out of the figures")
    parser.add_argument("--think", default=f"{THINK_TIME[0]:g}-{THINK_TIME[1]:g}",
                        help="seconds each user waits between requests, MIN-MAX (0 = none: saturation)")


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(user, path: str, *, name: str) -> str:
    """The CSRF token of the form at `path`, fetched by a locust user (the request is reported under `name`)."""
    return _CSRF.search(user.client.get(path, name=name).text).group(1)


def post_form(user, path: str, data: dict, *, name: str, **kwargs):
    """A form POST as a browser sends it (url-encoded, lists as repeated fields, with the Referer CSRF checks)."""
    headers = {"Referer": f"{user.host}{path}", "Content-Type": "application/x-www-form-urlencoded"}
    return user.client.post(path, urllib.parse.urlencode(data, doseq=True), name=name, headers=headers, **kwargs)


def login(user, login_id: str, *, page_name: str = "ログイン画面", name: str = "ログイン") -> None:
    from tsunagu.core.demo import DEMO_PASSWORD

    token = csrf_token(user, "/login/", name=page_name)
    post_form(user, "/login/", {"username": login_id, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}, name=name)


def think_time(spec: str):
    """A locust wait_time from "MIN-MAX" seconds ("0" for none)."""
    from locust import between, constant

    low, _, high = spec.partition("-")
    return constant(0) if float(low) == 0 and not high else between(float(low), float(high or low))


def load_title(database: str, args) -> str:
    return f"{database}: {args.users} users, think {args.think} s, {args.seconds} s measured"


def run_load(base_url: str, user_classes: list, users: int = 20, seconds: int = 30, warmup: int = 15) -> list[dict]:
    """Runs locust in-process (bounded in users and time) and returns one row of figures per request name.

    The first `warmup` seconds (the users logging in at once, each paying for a deliberately slow password hash)
    are left out of the figures; the login itself is measured by its own row only if it happens after that.
    """
    import gevent
    from locust.env import Environment

    for cls in user_classes:
        cls.host = base_url
    env = Environment(user_classes=user_classes)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(warmup, env.stats.reset_all)
    gevent.spawn_later(warmup + seconds, runner.quit)
    runner.greenlet.join()
    rows = []
    for (name, method), entry in sorted(env.stats.entries.items()):
        rows.append({
            "name": f"{method} {name}", "requests": entry.num_requests, "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.50), "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99), "rps": entry.total_rps,
        })
    return rows


def print_rows(title: str, rows: list[dict], targets: dict[str, float] | None = None) -> None:
    targets = targets or {}
    print(f"\n## {title}")
    print(f"{'request':<44} {'n':>6} {'err':>4} {'p50ms':>7} {'p95ms':>7} {'p99ms':>7} {'req/s':>7}  target")
    for r in rows:
        target = targets.get(r["name"])
        verdict = "" if target is None else (f"p95≤{target:.0f} {'OK' if r['p95'] <= target else 'MISSED'}")
        print(f"{r['name']:<44} {r['requests']:>6} {r['failures']:>4} {r['p50']:>7.0f} {r['p95']:>7.0f} "
              f"{r['p99']:>7.0f} {r['rps']:>7.1f}  {verdict}")


def python_in(env: dict, code: str, *args: str) -> str:
    """Runs `code` in a fresh Python of the venv with the benchmark's environment; returns what it printed."""
    return subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True,
                          cwd=ROOT).stdout.strip()


_SINGLE_USER_CODE = """
import json, sys, time
import django; django.setup()
from django.conf import settings
from django.test import Client
from django.urls import get_resolver
from tsunagu.agencies.models import Staff
from tsunagu.core.process import settle_after_load
settings.ALLOWED_HOSTS = ["*"]
get_resolver().url_patterns
settle_after_load()  # as each gunicorn worker after loading (gunicorn.conf.py): the pages' cost, not the collector's
pages, runs = json.loads(sys.argv[1]), int(sys.argv[2])
def p(ts, q):
    ts = sorted(ts); return ts[min(len(ts) - 1, int(round(q * (len(ts) - 1))))]
for login, name, url in pages:
    client = Client(); client.force_login(Staff.objects.get(login_id=login)); client.get(url)
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); r = client.get(url); ts.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, url
    print(f"{name} {p(ts, .5):.1f} {p(ts, .95):.1f} {max(ts):.1f}")
"""


def single_user(env: dict, pages: list[tuple[str, str, str]], runs: int) -> dict[str, list[float]]:
    """One warm user per page through Django's test client, in one process without HTTP: the request's own cost,
    without the load's queueing. `pages` are (login, name, url); returns name → [p50, p95, max] in ms."""
    import json

    out = python_in(env, _SINGLE_USER_CODE, json.dumps(pages), str(runs))
    return {line.split()[0]: [float(x) for x in line.split()[1:]] for line in out.splitlines()}


def print_single_user(rows: dict[str, list[float]], runs: int) -> None:
    print(f"\n1人（テストクライアント、{runs}回、ウォーム）   p50 / p95 / 最大 ms")
    for name, (p50, p95, worst) in rows.items():
        print(f"  {name:<24} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f}")
