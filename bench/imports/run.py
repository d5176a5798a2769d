"""HSDS import benchmark (issue 21): `make bench-imports` or `.venv/bin/python -m bench.imports.run`.

On SQLite, a copy of the city dataset (bench/harness.py builds it once in var/bench; this benchmark works on its own
copy in var/bench-imports, so the other benchmarks' database is never changed):

  1. 15 signed-in workers save consultations (相談受付, POST /cases/intake/) through gunicorn over HTTP, each
     waiting 1–3 s between two saves, while `tsunagu hsds import` reads a synthetic package of 15,000 services
     (bench/imports/generate.py) in a process of its own, as the worker would — the saves' errors and p50/p95/max
     over the import, against the targets: 0 errors, p95 ≤ 1 s — beside the same saves in the minute before it
     (on a shared machine, what the saves get with no import at all);
  2. the same package imported into a fresh copy with no load, and one of 73,754 services: seconds, and the
     ratio of the two times against the ratio of the sizes (linear: about 4.9); then the 15,000 again into the
     73,754 (every row an update).

Each import prints how long its publishing transaction held SQLite's write lock (「公開のトランザクション」: the
services' search index is refreshed after it, in transactions of 500 services, resources.search_index).

    .venv/bin/python -m bench.imports.run [--services 15000] [--large 73754] [--users 15] [--port 8131]
                                          [--baseline 60]   # seconds of saves measured before the import
                                          [--load-only]     # step 1 only
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from locust import FastHttpUser, task  # noqa: E402

from bench import harness  # noqa: E402
from bench.imports.generate import generate  # noqa: E402

VAR = harness.ROOT / "var" / "bench-imports"
LOGINS = ["houkatsu", "shougai", "konkyu", "kosodate", "csw", "coordinator", "houkatsu_mgr"]
TARGETS = {"errors": 0, "save_p95_ms": 1000}


class Saver(FastHttpUser):
    """A signed-in worker saving one consultation after another."""

    wait_time = harness.think_time("1-3")
    counter = 0

    def on_start(self):
        Saver.counter += 1
        self.rng = random.Random(Saver.counter)
        harness.login(self, LOGINS[Saver.counter % len(LOGINS)], page_name="（準備）ログイン画面")

    @task
    def intake(self):
        token = harness.csrf_token(self, "/cases/intake/", name="（準備）フォーム")
        data = {"csrfmiddlewaretoken": token, "received_on": "2026-11-01", "route": "phone", "consulter": "neighbour",
                "name": f"ベンチ 太郎{self.rng.randint(1, 9999)}", "main_complaint": "ベンチマークの相談",
                "concerns": ["dementia", "hoarding"], "primary_concern": "dementia", "urgency": "low",
                "outcome": "info_only"}
        with harness.post_form(self, "/cases/intake/", data, name="相談受付の保存", allow_redirects=False,
                               catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"status {r.status_code}")


def _env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tsunagu.settings", "TSUNAGU_VAR_DIR": str(VAR)}
    env.pop("DATABASE_URL", None)
    return env


def fresh_copy() -> None:
    """The city dataset copied by SQLite's backup API (consistent while another process uses it), migrated."""
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (VAR / f"tsunagu.sqlite3{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(harness.BENCH_VAR / "tsunagu.sqlite3")
    target = sqlite3.connect(VAR / "tsunagu.sqlite3")
    source.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    source.close()
    target.close()
    key = harness.BENCH_VAR / "secret_key"
    if key.exists():
        (VAR / "secret_key").write_bytes(key.read_bytes())
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=harness.ROOT, env=_env(), check=True)


def held(line: str) -> float:
    """The publishing transaction's seconds, from the command's last line."""
    found = re.search(r"公開のトランザクション ([0-9.]+) 秒", line)
    return float(found.group(1)) if found else float("nan")


def import_seconds(folder: Path) -> tuple[float, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", "hsds", "import", str(folder)], cwd=harness.ROOT, env=_env(),
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"取り込みに失敗しました:\n{done.stderr[-2000:]}")
    lines = done.stdout.strip().splitlines()
    publishing = next((line for line in lines if line.startswith("公開しています")), "")
    print(f"    {publishing} → {lines[-2] if len(lines) > 1 else ''}", flush=True)  # the publication's start and end
    print(f"    {lines[-1]}（{seconds:.1f} 秒）", flush=True)
    return seconds, held(lines[-1])


def _saves(env) -> dict:
    entry = env.stats.entries.get(("相談受付の保存", "POST"))
    if entry is None or not entry.num_requests:
        return {"saves": 0, "errors": 0, "p50": 0, "p95": 0, "max": 0}
    return {"saves": entry.num_requests, "errors": entry.num_failures, "p50": entry.get_response_time_percentile(0.50),
            "p95": entry.get_response_time_percentile(0.95), "max": entry.max_response_time}


def under_load(folder: Path, users: int, port: int, baseline: int) -> dict:
    import gevent
    from locust.env import Environment

    server = subprocess.Popen([str(harness.VENV_BIN / "gunicorn"), "tsunagu.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", "6", "--timeout", "300", "--log-level", "error"], env=_env(), cwd=harness.ROOT,
                              start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        harness._wait_until_up(base_url, seconds=600)  # noqa: SLF001 (a shared machine may be slow to boot six)
        Saver.host = base_url
        env = Environment(user_classes=[Saver])
        runner = env.create_local_runner()
        runner.start(users, spawn_rate=users)
        gevent.sleep(30)  # the logins (a deliberately slow hash each) and a few saves before the import
        env.stats.reset_all()
        gevent.sleep(baseline)  # the same saves with no import: what the machine gives them meanwhile
        before = _saves(env)
        env.stats.reset_all()
        importer = subprocess.Popen([sys.executable, "manage.py", "hsds", "import", str(folder)], cwd=harness.ROOT,
                                    env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = time.perf_counter()
        while importer.poll() is None:
            gevent.sleep(0.5)
        seconds = time.perf_counter() - started
        output, errors = importer.communicate()
        runner.quit()
        if importer.returncode != 0:
            raise SystemExit(f"取り込みに失敗しました:\n{errors[-2000:]}")
        return {"import_s": seconds, **_saves(env), "baseline": before, "output": output.strip().splitlines()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=15_000)
    parser.add_argument("--large", type=int, default=73_754)
    parser.add_argument("--users", type=int, default=15)
    parser.add_argument("--port", type=int, default=8131)
    parser.add_argument("--baseline", type=int, default=60, help="seconds of saves measured before the import")
    parser.add_argument("--load-only", action="store_true", help="only the import under load (step 1)")
    args = parser.parse_args()
    harness.ensure_city_dataset("sqlite", "city")
    packages = VAR / "packages"
    small = generate(packages / f"hsds-{args.services}", args.services)
    large = None if args.load_only else generate(packages / f"hsds-{args.large}", args.large)

    print(f"1. {args.users} 人が相談受付を保存する中で {args.services:,} 件の取り込み（SQLite, gunicorn 6 workers）", flush=True)
    fresh_copy()
    load = under_load(small, args.users, args.port, args.baseline)
    base = load["baseline"]
    print(f"    取り込みの前 {args.baseline} 秒: 保存 {base['saves']} 件、エラー {base['errors']} 件、p50 {base['p50']:.0f} ms、"
          f"p95 {base['p95']:.0f} ms、最大 {base['max']:.0f} ms", flush=True)
    publishing = next((line for line in load["output"] if line.startswith("公開しています")), "")
    print(f"    {publishing} → {load['output'][-2] if len(load['output']) > 1 else ''}")  # the publication
    print(f"    {load['output'][-1]}（{load['import_s']:.1f} 秒）")
    print(f"    保存 {load['saves']} 件、エラー {load['errors']} 件、p50 {load['p50']:.0f} ms、p95 {load['p95']:.0f} ms、"
          f"最大 {load['max']:.0f} ms", flush=True)

    if large is None:
        return
    print(f"2. 負荷なしの取り込み: {args.services:,} 件と {args.large:,} 件", flush=True)
    fresh_copy()
    small_s, small_held = import_seconds(small)
    fresh_copy()
    large_s, large_held = import_seconds(large)
    print(f"   {args.services:,} 件をもう一度（{args.large:,} 件の中の更新）", flush=True)
    _, update_held = import_seconds(small)
    ratio = large_s / small_s
    print(f"    {args.large:,} / {args.services:,} 件: 時間の比 {ratio:.2f}（件数の比 {args.large / args.services:.2f}）")

    print("\n| 指標 | 結果 | 目標 |\n|---|---|---|")
    print(f"| 取り込み中の保存のエラー | {load['errors']} | {TARGETS['errors']} |")
    print(f"| 取り込み中の保存の p95（取り込みの前） | {load['p95']:.0f} ms（{base['p95']:.0f} ms） | ≤ {TARGETS['save_p95_ms']} ms |")
    print(f"| {args.services:,} 件の取り込み（負荷あり／なし） | {load['import_s']:.0f} 秒 / {small_s:.0f} 秒 | — |")
    print(f"| 公開のトランザクション: {args.services:,} 件（負荷あり／なし）、{args.large:,} 件、{args.services:,} 件の更新 | "
          f"{held(load['output'][-1]):.2f} / {small_held:.2f} 秒、{large_held:.2f} 秒、{update_held:.2f} 秒 | 約 1 秒 |")
    print(f"| {args.large:,} 件の取り込み | {large_s:.0f} 秒（{args.services:,} 件の {ratio:.2f} 倍） | 線形"
          f"（{args.large / args.services:.2f} 倍） |")


if __name__ == "__main__":
    main()
