"""`make bench-metro`: the page benchmarks on the metro profile (政令市, ten times the city) beside the city, on
PostgreSQL, in the same run, and each p95 on metro against the city's (target: within 1.5×).

    .venv/bin/python -m bench.metro [--modules web,cases,meetings,reports,resources,workspace] [--seconds N] [--users N]

Each benchmark runs twice, one after the other: on the city (its database BENCH_CITY_DATABASE_URL, default
tsunagu_metro_city) and on the metro (BENCH_METRO_DATABASE_URL, default tsunagu_bench_metro). Each database is
built once (`tsunagu demo --profile …`; the metro takes about 20 minutes) and kept: a later run finds it and
reuses it. After each load the harness prints every gunicorn worker's resident memory (VmRSS), and this
script the largest, against the target of 300 MB. Both profiles' own tables are printed as they run.

The 社会資源 (resources) and 体制整備 (workspace) benchmarks build databases of their own rather than read the demo
dataset; here each runs with `--profile city` and `--profile metro` on PostgreSQL databases of its own
(BENCH_RESOURCES_DATABASE_URL / BENCH_WORKSPACE_DATABASE_URL with the profile appended: default
tsunagu_bench_resources_city, …_metro, tsunagu_bench_workspace_city, …_metro), each built once and kept. The
metro's are ten times what the municipality's size sets: resources ~50,000 (the city ~5,000) with the metro's 60
agencies; the workspace's 60,000 referrals on 2,000 cases between its 60 agencies (the city 6,000 on 200
between 40) and a 会議・研修一覧 of 600 meetings (60); the inventory (200 × 10) and the workshop's 500 responses,
one agency's and one workshop's, stay as they are. Their figures (the search's and the public page's p95 for
each load, the workspace pages' p95, one warm user) are compared as the others'; --seconds and --users go to
the resources benchmark's public-page load, not to the workspace's single user.
"""

import argparse
import os
import re
import subprocess
import sys

CITY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsunagu_metro_city"
OWN_DATABASE_URLS = {  # the benchmarks that build their own database: env var → default, the profile appended
    "resources": ("BENCH_RESOURCES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsunagu_bench_resources"),
    "workspace": ("BENCH_WORKSPACE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsunagu_bench_workspace"),
}
# module → arguments: the benchmarks that read the demo dataset, then those that build their own (OWN_DATABASE_URLS)
MODULES = {
    "web": ["bench.web"],
    "cases": ["bench.cases.run"],
    "meetings": ["bench.meetings.run"],
    "reports": ["bench.reports.run"],
    "resources": ["bench.resources.run"],
    "workspace": ["bench.workspace.run"],
}
LOAD_OPTIONS = {"web", "cases", "meetings", "reports", "resources"}  # those taking --seconds and --users
RATIO_TARGET = 1.5
RSS_TARGET_MB = 300

LOAD_ROW = re.compile(r"^((?:GET|POST) .+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)")
SINGLE_ROW = re.compile(r"^  (\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
RENDER_ROW = re.compile(r"ジェノグラム＋エコマップの生成.*p95 ([\d.]+) ms")
RSS_ROW = re.compile(r"^workers RSS MB: .*\(max (\d+)\)")
# bench.resources.run: "  search_p95_ms: 12.3 ✓", "  public_think1-3s_p95_ms: 8.0", "  public_errors: 0"
KEY_P95_ROW = re.compile(r"^  ([\w-]+)_p95_ms: ([\d.]+)")
KEY_ERRORS_ROW = re.compile(r"^  ([\w-]+)_errors: (\d+)")
# bench.workspace.run: "network       p50    41.2 ms  p95    45.0 ms  max    50.1 ms  目標 ≤ 300 ms  OK"
PAGE_ROW = re.compile(r"^(\w+)\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms")


def parse(output: str) -> tuple[dict[str, tuple[float, int]], list[int]]:
    """name → (p95 ms, errors) of every figure a benchmark printed, and the largest worker RSS of each load."""
    figures: dict[str, tuple[float, int]] = {}
    rss = []
    single = False
    for line in output.splitlines():
        if line.startswith("1人（テストクライアント"):
            single = True
            continue
        if m := LOAD_ROW.match(line):
            if "（準備）" not in m.group(1) and int(m.group(2)):  # set-up requests, and none measured, left out
                figures[f"負荷 {m.group(1)}"] = (float(m.group(5)), int(m.group(3)))
            single = False
        elif single and (m := SINGLE_ROW.match(line)):
            figures[f"1人 {m.group(1)}"] = (float(m.group(3)), 0)
        elif m := RENDER_ROW.search(line):
            figures["1人 ジェノグラム＋エコマップ"] = (float(m.group(1)), 0)
        elif m := RSS_ROW.match(line):
            rss.append(int(m.group(1)))
        elif (m := KEY_P95_ROW.match(line)) and "warmup" not in m.group(1):  # the warm-up's p95 is reported apart
            figures[m.group(1)] = (float(m.group(2)), figures.get(m.group(1), (0.0, 0))[1])
        elif m := KEY_ERRORS_ROW.match(line):
            figures[m.group(1)] = (figures.get(m.group(1), (float("nan"), 0))[0], int(m.group(2)))
        elif m := PAGE_ROW.match(line):
            figures[f"1人 {m.group(1)}"] = (float(m.group(3)), 0)
        else:
            single = single and bool(line.strip())
    return figures, rss


def arguments(key: str, profile: str) -> list[str]:
    """The command line of benchmark `key` on `profile`, PostgreSQL."""
    if key in OWN_DATABASE_URLS:
        variable, default = OWN_DATABASE_URLS[key]
        return [*MODULES[key], "--profile", profile, "--postgres", f"{os.environ.get(variable, default)}_{profile}"]
    return [*MODULES[key], "--databases", "postgresql"]


def run(key: str, profile: str, extra: list[str]) -> tuple[str, int]:
    env = {**os.environ, "BENCH_PROFILE": profile}
    if profile == "city":
        url = os.environ.get("BENCH_CITY_DATABASE_URL", CITY_DATABASE_URL)
        env.update(BENCH_DATABASE_URL=url, BENCH_REPORTS_DATABASE_URL=url)
    command = arguments(key, profile) + (extra if key in LOAD_OPTIONS else [])
    print(f"\n# {command[0]} — {profile}", flush=True)
    process = subprocess.Popen([sys.executable, "-m", *command], env=env, stdout=subprocess.PIPE, text=True)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return "".join(lines), process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", default=",".join(MODULES))
    parser.add_argument("--seconds", type=int, help="seconds of load measured (each benchmark's own default)")
    parser.add_argument("--users", type=int)
    args = parser.parse_args(argv)
    if unknown := [key for key in args.modules.split(",") if key not in MODULES]:
        parser.error(f"ベンチマークは {', '.join(MODULES)} から選んでください: {', '.join(unknown)}")
    extra = [*(["--seconds", str(args.seconds)] if args.seconds else []), *(["--users", str(args.users)] if args.users else [])]
    results = []  # (module, figure, city p95, metro p95, city errors, metro errors)
    rss: dict[str, list[int]] = {"city": [], "metro": []}
    failed = []
    for key in args.modules.split(","):
        outputs = {}
        for profile in ("city", "metro"):
            output, status = run(key, profile, extra)
            if status != 0:
                failed.append(f"{key}（{profile}）")
            outputs[profile], found_rss = parse(output)
            rss[profile] += found_rss
        for name, (city_p95, city_err) in outputs["city"].items():
            metro_p95, metro_err = outputs["metro"].get(name, (float("nan"), 0))
            results.append((key, name, city_p95, metro_p95, city_err, metro_err))
    print_summary(results, rss, failed)
    missed = [r for r in results if not r[3] <= RATIO_TARGET * max(r[2], 1) or r[4] or r[5]]
    return 1 if failed or missed or any(m > RSS_TARGET_MB for m in rss["metro"]) else 0


def print_summary(results: list, rss: dict[str, list[int]], failed: list[str]) -> None:
    print(f"\n## metro / city（PostgreSQL、同じ実行）  目標: metro の p95 ≤ city の {RATIO_TARGET}倍、エラー 0")
    print(f"{'benchmark':<9} {'figure':<46} {'city p95':>9} {'metro p95':>10} {'ratio':>6} {'err c/m':>8}")
    for key, name, city, metro, city_err, metro_err in results:
        ratio = metro / city if city else float("nan")
        verdict = "OK" if metro <= RATIO_TARGET * max(city, 1) and not city_err and not metro_err else "MISSED"
        print(f"{key:<9} {name:<46} {city:>9.1f} {metro:>10.1f} {ratio:>6.2f} {city_err:>3}/{metro_err:<4} {verdict}")
    for profile, values in rss.items():
        if values:
            print(f"worker RSS（{profile}、各負荷の後の最大）: {' '.join(map(str, values))} MB — 最大 {max(values)} MB "
                  f"{'OK' if max(values) <= RSS_TARGET_MB else 'MISSED'}（目標 ≤ {RSS_TARGET_MB} MB）")
    if failed:
        print(f"失敗したベンチマーク: {', '.join(failed)}")


if __name__ == "__main__":
    sys.exit(main())
