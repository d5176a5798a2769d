"""名寄せ benchmark: `python -m bench.linkage.run --sizes 20000,200000` (`make bench-linkage`).

Two generators written apart — A (bench/linkage/generate.py, the one the linker was first built against) and B
(bench/linkage/generate_b.py, written afresh from issue #23's list of variations). The rule: whatever is fitted on
labels is fitted on one generator and reported on the other, both ways (bench/linkage/fit.py):

1. fit, on each generator's records at --fit-size: Tsunagu's link threshold and household bonus, and the careful
   Splink configuration's match threshold;
2. for each size and each generator: write the records as the CSV an agency export would be, then run, each in its
   own process so that its peak memory is its own,
   - Tsunagu through the same code path as `tsunagu link` (read CSV, link, write CSV) with the tuning fitted on the
     other generator, then the intake's single-record check (`match_one`) against the persons found;
   - Splink 5 / DuckDB, generic (one comparison per raw field) and careful (threshold fitted on the other generator).

Prints pairwise precision / recall / F1 and B³ F1 for persons and households, wall and CPU time, peak RSS, and who
is ahead on the same records; the closing table gives every figure against the issue's targets.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.linkage import generate as generator_a
from bench.linkage import generate_b as generator_b
from bench.linkage.metrics import score

GENERATORS = {"A": generator_a, "B": generator_b}
OTHER = {"A": "B", "B": "A"}
TARGETS = {"person_f1": 0.98, "household_f1": 0.95, "seconds_200k": 60, "peak_mb": 2048, "p95_ms": 10}
ENGINES = ("ours", "splink", "careful")
LABELS = {"ours": "Tsunagu", "splink": "Splink generic", "careful": "Splink careful"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--fit-size", type=int, default=20000, help="records of each generator the fitting sees")
    parser.add_argument("--generators", default="A,B")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--splink-timeout", type=int, default=1800, help="seconds before a Splink run is given up")
    parser.add_argument("--worker", nargs=5, metavar=("ENGINE", "GENERATOR", "PARAMS", "INPUT", "OUTPUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(*args.worker)
    fitted = _fit(args)
    results = [_bench(int(size), name, fitted[OTHER[name]], args)
               for size in args.sizes.split(",") for name in args.generators.split(",")]
    _closing_table(results, fitted)
    print(json.dumps({"fitted": fitted, "results": results}, ensure_ascii=False, indent=1), file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------------------------------------------------


def _fit(args: argparse.Namespace) -> dict[str, dict]:
    from bench.linkage.fit import fit_splink_threshold, fit_tsunagu, tuning_dict  # noqa: PLC0415

    fitted: dict[str, dict] = {}
    print(f"== fitting on {args.fit_size:,} records of each generator (reported on the other)", flush=True)
    for name, module in GENERATORS.items():
        dataset = module.generate(args.fit_size)
        tuning, person, household = fit_tsunagu(dataset, module)
        fitted[name] = {"tuning": tuning_dict(tuning)}
        print(f"   on {name}: Tsunagu link at ≥ {tuning.link_evidence:.0f} bits of evidence, household bonus "
              f"{tuning.household_bonus:+.0f} bits, movers {tuning.movers}"
              f" (in-sample person F1 {person.f1:.4f}, household F1 {household.f1:.4f})", flush=True)
        if not args.skip_splink:
            threshold, splink_person = fit_splink_threshold(dataset, module)
            fitted[name]["splink_threshold"] = threshold
            print(f"   on {name}: Splink careful threshold {threshold} (in-sample person F1 {splink_person.f1:.4f})",
                  flush=True)
    return fitted


# ---------------------------------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------------------------------


def _bench(size: int, generator: str, fitted: dict, args: argparse.Namespace) -> dict:
    dataset = GENERATORS[generator].generate(size)
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmp:
        records = Path(tmp, f"records-{generator}.csv")
        _write_records(dataset.rows, records)
        print(f"\n== generator {generator}: {len(dataset.rows):,} records, {len(set(dataset.person_truth)):,} persons, "
              f"{len(set(dataset.household_truth)):,} households; fitted on {OTHER[generator]}", flush=True)
        outcome: dict = {"size": len(dataset.rows), "generator": generator, "fitted_on": OTHER[generator]}
        params = {"ours": fitted["tuning"], "splink": {}, "careful": {"threshold": fitted.get("splink_threshold")}}
        for engine in ENGINES if not args.skip_splink else ("ours",):
            timeout = 3600 if engine == "ours" else args.splink_timeout
            outcome[engine] = _run(engine, generator, params[engine], records, Path(tmp, f"{engine}.csv"), dataset,
                                   timeout)
        _ahead(outcome)
    return outcome


def _write_records(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _run(engine: str, generator: str, params: dict, records: Path, output: Path, dataset, timeout: int) -> dict:  # noqa: ANN001
    command = [sys.executable, "-m", "bench.linkage.run", "--worker", engine, generator, json.dumps(params),
               str(records), str(output)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"{LABELS[engine]:15s} did not finish within {timeout} s", flush=True)
        return {"error": f"timeout after {timeout} s"}
    if done.returncode != 0:
        print(f"{LABELS[engine]:15s} failed:\n{done.stderr[-2000:]}", flush=True)
        return {"error": done.stderr[-500:]}
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    predicted = _read_clusters(output, dataset.rows)
    measured["person"] = score([p for p, _ in predicted], dataset.person_truth).as_dict()
    measured["household"] = score([h for _, h in predicted], dataset.household_truth).as_dict()
    _print(engine, measured)
    return measured


def _read_clusters(path: Path, rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        found = {r["record_id"]: (r["person_id"], r["household_id"]) for r in csv.DictReader(handle)}
    return [found[row["record_id"]] for row in rows]


def _print(engine: str, m: dict) -> None:
    p, h = m["person"], m["household"]
    line = (f"{LABELS[engine]:15s} person P {p['precision']:.4f} R {p['recall']:.4f} F1 {p['f1']:.4f} "
            f"B3 {p['bcubed_f1']:.4f} | household P {h['precision']:.4f} R {h['recall']:.4f} F1 {h['f1']:.4f} "
            f"B3 {h['bcubed_f1']:.4f} | wall {m['seconds']:.1f} s, CPU {m['cpu_seconds']:.1f} s, "
            f"peak {m['peak_mb']:.0f} MB")
    if "p95_ms" in m:
        line += f" | match_one p50 {m['p50_ms']:.2f} ms p95 {m['p95_ms']:.2f} ms"
    print(line, flush=True)


def _ahead(outcome: dict) -> None:
    ours, careful = outcome.get("ours", {}), outcome.get("careful", {})
    if "person" not in ours or "person" not in careful:
        return
    for kind in ("person", "household"):
        mine, theirs = ours[kind]["f1"], careful[kind]["f1"]
        leader = "Tsunagu" if mine > theirs else "Splink careful" if theirs > mine else "neither"
        print(f"   {kind:9s} F1: Tsunagu {mine:.4f}, Splink careful {theirs:.4f} → ahead: {leader}", flush=True)


def _closing_table(results: list[dict], fitted: dict) -> None:
    print("\n== closing table (each generator reported with what was fitted on the other)")
    print(f"targets: person F1 ≥ {TARGETS['person_f1']}, household F1 ≥ {TARGETS['household_f1']}, ahead of Splink "
          f"careful; 200,000 records ≤ {TARGETS['seconds_200k']} s and ≤ {TARGETS['peak_mb']} MB; "
          f"match_one p95 ≤ {TARGETS['p95_ms']} ms")
    print("| records | data (fitted on) | engine | person P / R / F1 / B³ | household P / R / F1 / B³ | wall s | CPU s | "
          "peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    for outcome in results:
        for engine in ENGINES:
            m = outcome.get(engine)
            if not m or "person" not in m:
                continue
            p, h = m["person"], m["household"]
            print(f"| {outcome['size']:,} | {outcome['generator']} ({outcome['fitted_on']}) | {LABELS[engine]} | "
                  f"{p['precision']:.3f} / {p['recall']:.3f} / {p['f1']:.3f} / {p['bcubed_f1']:.3f} | "
                  f"{h['precision']:.3f} / {h['recall']:.3f} / {h['f1']:.3f} / {h['bcubed_f1']:.3f} | "
                  f"{m['seconds']:.1f} | {m['cpu_seconds']:.1f} | {m['peak_mb']:.0f} |")
    for name, values in fitted.items():
        print(f"fitted on {name}: {values}")
    print("verdicts:")
    for outcome in results:
        ours = outcome.get("ours", {})
        if "person" not in ours:
            continue
        checks = [f"person F1 {'OK' if ours['person']['f1'] >= TARGETS['person_f1'] else 'BELOW'}",
                  f"household F1 {'OK' if ours['household']['f1'] >= TARGETS['household_f1'] else 'BELOW'}",
                  f"p95 {'OK' if ours.get('p95_ms', 0) <= TARGETS['p95_ms'] else 'OVER'}"]
        careful = outcome.get("careful", {})
        if "person" in careful:
            for kind in ("person", "household"):
                ahead = ours[kind]["f1"] > careful[kind]["f1"]
                checks.append(f"{kind} {'ahead of' if ahead else 'BEHIND'} Splink careful")
            checks.append(f"{'faster' if ours['seconds'] < careful['seconds'] else 'SLOWER'} than Splink careful")
        if outcome["size"] >= 200_000:
            checks.append(f"time {'OK' if ours['seconds'] <= TARGETS['seconds_200k'] else 'OVER'}")
            checks.append(f"memory {'OK' if ours['peak_mb'] <= TARGETS['peak_mb'] else 'OVER'}")
        print(f"  {outcome['size']:,} {outcome['generator']}: " + ", ".join(checks))


# ---------------------------------------------------------------------------------------------------------------------
# Workers (one process each, so that time and peak memory are each engine's own)
# ---------------------------------------------------------------------------------------------------------------------


def _usage() -> dict[str, float]:
    """CPU time of this process (all its threads: DuckDB's too) and its peak RSS. The peak is read from VmHWM,
    which starts afresh at exec; getrusage's ru_maxrss keeps the parent's peak across fork and exec."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak_kib = int(line.split()[1])
    return {"cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kib / 1024}


def _worker(engine: str, generator: str, params: str, records: str, output: str) -> int:
    started = time.perf_counter()
    module, settings = GENERATORS[generator], json.loads(params)
    if engine in ("splink", "careful"):
        from bench.linkage import splink_baseline  # noqa: PLC0415 - only the Splink workers need Splink

        rows = _read_rows(records)
        if engine == "splink":
            result = splink_baseline.run(rows)
        else:
            result = splink_baseline.run_careful(rows, module.MUNICIPALITY, settings["threshold"])
        splink_baseline.write(result, output)
        measured = {"seconds": time.perf_counter() - started, **_usage()}
    else:
        measured = _ours(records, output, started, module, settings)
    print(json.dumps(measured))
    return 0


def _read_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ours(records: str, output: str, started: float, module, tuning: dict) -> dict:  # noqa: ANN001
    from tsunagu.identity.cli import read_records, write_clusters  # noqa: PLC0415
    from tsunagu.identity.linkage import build_index, link_records, match_one  # noqa: PLC0415
    from tsunagu.identity.model import Tuning  # noqa: PLC0415

    rows = read_records(Path(records), max_records=10**7)
    result = link_records(rows, municipality=module.MUNICIPALITY, today=module.TODAY, tuning=Tuning(**tuning))
    write_clusters(result, Path(output))
    measured = {"seconds": time.perf_counter() - started, **_usage(),
                "persons": len(set(result.person_of)), "review_pairs": sum(p.band == "review" for p in result.pairs)}
    index_started = time.perf_counter()
    index = build_index(result, module.MUNICIPALITY)
    gc.freeze()  # the index lives as long as the process: the collector need not rescan it at every query
    measured["index_seconds"] = time.perf_counter() - index_started
    timings = []
    for row in random.Random(7).sample(rows, min(1000, len(rows))):
        query = {**row, "record_id": "query", "agency": "窓口"}
        query_started = time.perf_counter()
        match_one(query, index)
        timings.append((time.perf_counter() - query_started) * 1000)
    timings.sort()
    measured["p50_ms"], measured["p95_ms"] = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    measured["peak_mb_with_index"] = _usage()["peak_mb"]
    return measured


if __name__ == "__main__":
    sys.exit(main())
