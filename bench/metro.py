"""`make bench-metro`: the page benchmarks on the metro profile (政令市, ten times the city) beside the city, on
PostgreSQL, in the same run, and each p95 on metro against the city's (target: within 1.5×).

    .venv/bin/python -m bench.metro [--modules web,cases,meetings,reports] [--seconds N] [--users N]

Each benchmark runs twice, one after the other: on the city (its database BENCH_CITY_DATABASE_URL, default
tsunagu_metro_city) and on the metro (BENCH_METRO_DATABASE_URL, default tsunagu_bench_metro). Each database is
built once (`tsunagu demo --profile …`; the metro takes about 20 minutes) and kept: a later run finds it and
reuses it. After each load the harness prints every gunicorn worker's resident memory (VmRSS), and this
script the largest, against the target of 300 MB. Both profiles' own tables are printed as they run.
"""

import argparse
import os
import re
import subprocess
import sys

CITY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tsunagu_metro_city"
# module → arguments: the benchmarks that read the demo dataset (the 社会資源 and 体制整備 benchmarks build their own)
MODULES = {
    "web": ["bench.web"],
    "cases": ["bench.cases.run"],
    "meetings": ["bench.meetings.run"],
    "reports": ["bench.reports.run"],
}
RATIO_TARGET = 1.5
RSS_TARGET_MB = 300

LOAD_ROW = re.compile(r"^((?:GET|POST) .+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)")
SINGLE_ROW = re.compile(r"^  (\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")
RENDER_ROW = re.compile(r"ジェノグラム＋エコマップの生成.*p95 ([\d.]+) ms")
RSS_ROW = re.compile(r"^workers RSS MB: .*\(max (\d+)\)")


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
        else:
            single = single and bool(line.strip())
    return figures, rss


def run(module: list[str], profile: str, extra: list[str]) -> tuple[str, int]:
    env = {**os.environ, "BENCH_PROFILE": profile}
    if profile == "city":
        url = os.environ.get("BENCH_CITY_DATABASE_URL", CITY_DATABASE_URL)
        env.update(BENCH_DATABASE_URL=url, BENCH_REPORTS_DATABASE_URL=url)
    print(f"\n# {module[0]} — {profile}", flush=True)
    process = subprocess.Popen([sys.executable, "-m", *module, "--databases", "postgresql", *extra], env=env,
                               stdout=subprocess.PIPE, text=True)
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
    extra = [*(["--seconds", str(args.seconds)] if args.seconds else []), *(["--users", str(args.users)] if args.users else [])]
    results = []  # (module, figure, city p95, metro p95, city errors, metro errors)
    rss: dict[str, list[int]] = {"city": [], "metro": []}
    failed = []
    for key in args.modules.split(","):
        outputs = {}
        for profile in ("city", "metro"):
            output, status = run(MODULES[key], profile, extra)
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
