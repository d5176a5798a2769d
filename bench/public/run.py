"""住民の入口 benchmark: `python -m bench.public.run [--postgres postgres://postgres@127.0.0.1:5432/bench_public]`.

In a database of its own (the city's agencies, with its coordinator, and ~1,800 directory entries), against gunicorn
(4 workers × 4 threads, as bench.resources), measures
  1. the public pages at 20 visitors at once, no think time (bench.resources.load): the form 相談の申込み (rendered
     for each visitor: it carries a CSRF token) and the directory's guide and search, in all seven languages
     (cached per language and address) — p50 / p95 / p99, the warm-up apart;
  2. sendings: 20 senders at once, each opening the form (GET: cookie and token), taking 1–3 s to fill it, and
     sending it (POST, answered by a redirect), for `--seconds` — the POST's p50 / p95 / p99 and how many were
     accepted; and the same with no time to fill it (the stress model, `send_nothink`).
  The form is measured with no think time and with 1–3 s between a visitor's requests.
How the per-address limit is passed: the server trusts 127.0.0.1 as a proxy (TSUNAGU_TRUSTED_PROXIES), and each
sending carries X-Forwarded-For with an address of its own (198.18.x.y, the benchmarking range), so each is one
sending of one address — as many residents behind the municipality's reverse proxy would be. A sending refused
(429) or failed counts as an error.
Targets (issue 24): public form and pages p95 ≤ 100 ms at 20 visitors; a sending accepted in ≤ 200 ms (p95).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.resources import load
from bench.resources.run import _env, _free_port, _wait_for, percentile, setup_database

LANGUAGES = ["ja", "ja-x-easy", "en", "zh-hans", "ko", "vi", "pt-br"]
TARGETS = {"pages_p95_ms": 100, "form_p95_ms": 100, "form_think1-3s_p95_ms": 100, "send_p95_ms": 200}
SENDING = {"who": "self", "topics": ["money", "food"], "message": "家賃が払えず、食べるものもありません。", "name": "ベンチ",
           "contact_method": "phone", "contact": "090-0000-0000", "contact_time": "any", "urgency": "soon"}
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_paths() -> list[str]:
    search = "?" + urllib.parse.urlencode({"q": "食"})
    return [p for lang in LANGUAGES for p in (f"/{lang}/resources/public/guide/", f"/{lang}/resources/public/{search}")]


def form_paths() -> list[str]:
    return [f"/{lang}/help/" for lang in LANGUAGES]


def _sender(port: int, n: int, end: float, think: tuple[float, float], times: list[float], errors: list[int],
            lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    rng = random.Random(n)
    i = 0
    while time.perf_counter() < end:
        time.sleep(rng.uniform(*think))  # reading and writing the form
        try:
            i = _send_once(connection, port, n, i, times, errors, lock)
        except (OSError, http.client.HTTPException):  # a timeout or a dropped connection: an error, and a new one
            with lock:
                errors.append(0)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.close()


def _send_once(connection: http.client.HTTPConnection, port: int, n: int, i: int, times: list[float],
               errors: list[int], lock: threading.Lock) -> int:
    """One visitor's GET of the form and POST of a sending, from an address of her own; returns the next count."""
    address = f"198.{18 + i // 250}.{n}.{i % 250 + 1}"  # 198.18.0.0/15: the benchmarking range
    i += 1
    language = LANGUAGES[(n + i) % len(LANGUAGES)]
    connection.request("GET", f"/{language}/help/", headers={"X-Forwarded-For": address})
    answer = connection.getresponse()
    body = answer.read()
    cookie = (answer.getheader("Set-Cookie") or "").split(";", 1)[0]
    token = TOKEN.search(body)
    if not token or not cookie:
        with lock:
            errors.append(answer.status)
        return i
    data = urllib.parse.urlencode({**SENDING, "csrfmiddlewaretoken": token[1].decode()}, doseq=True)
    began = time.perf_counter()
    connection.request("POST", f"/{language}/help/", body=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "X-Forwarded-For": address,
        "Referer": f"http://127.0.0.1:{port}/{language}/help/"})
    sent = connection.getresponse()
    sent.read()
    with lock:
        (times if sent.status == 302 else errors).append((time.perf_counter() - began) * 1000 if sent.status == 302
                                                         else sent.status)
    return i


def bench_sendings(port: int, senders: int, seconds: float, think: tuple[float, float], prefix: str) -> dict:
    times: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    end = time.perf_counter() + seconds
    threads = [threading.Thread(target=_sender, args=(port, n, end, think, times, errors, lock)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {f"{prefix}_accepted": len(times), f"{prefix}_errors": len(errors), f"{prefix}_p50_ms": statistics.median(times),
            f"{prefix}_p95_ms": percentile(times, 95), f"{prefix}_p99_ms": percentile(times, 99)}


def _load(prefix: str, port: int, paths: list[str], users: int, seconds: float, warmup: float,
          think: tuple[float, float] = (0, 0)) -> dict:
    result = load.run_users("127.0.0.1", port, paths, users=users, seconds=seconds, warmup=warmup, think=think)
    figures = {f"{prefix}_requests": len(result.measured), f"{prefix}_errors": result.errors,
               f"{prefix}_p50_ms": statistics.median(result.measured), f"{prefix}_p95_ms": percentile(result.measured, 95),
               f"{prefix}_p99_ms": percentile(result.measured, 99)}
    if result.warmup:
        figures[f"{prefix}_warmup_p95_ms"] = percentile(result.warmup, 95)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL for a database used only by this benchmark")
    parser.add_argument("--per-district", type=int, default=5, help="copies of each activity per district (5 → ~1,800)")
    parser.add_argument("--users", type=int, default=20, help="visitors (and senders) at once")
    parser.add_argument("--seconds", type=float, default=15, help="seconds measured of each part")
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="tsunagu-bench-public-"))
    setup_database(var_dir, args.postgres, args.per_district)
    env = {**_env(var_dir, args.postgres), "TSUNAGU_TRUSTED_PROXIES": "127.0.0.1"}
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "tsunagu.wsgi:application", "-b", f"127.0.0.1:{port}",
                               "-w", "4", "--threads", "4", "--log-level", "warning"], env=env)
    try:
        _wait_for(f"http://127.0.0.1:{port}/ja/help/")
        results = {**_load("pages", port, page_paths(), args.users, args.seconds, 5),
                   **_load("form", port, form_paths(), args.users, args.seconds, 2),
                   **_load("form_think1-3s", port, form_paths(), args.users, args.seconds, 0, think=(1, 3)),
                   **bench_sendings(port, args.users, args.seconds, (1, 3), "send"),
                   **bench_sendings(port, args.users, args.seconds, (0, 0), "send_nothink")}
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"データベース: {'PostgreSQL' if args.postgres else 'SQLite'}（{os.cpu_count()} コア）")
    for key, value in results.items():
        target = TARGETS.get(key)
        mark = "" if target is None else (" ✓" if value <= target else f" ✗（目標 {target}）")
        print(f"  {key}: {value:.1f}{mark}" if isinstance(value, float) else f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
