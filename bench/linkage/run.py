"""名寄せ benchmark: `python -m bench.linkage.run --sizes 20000,200000`.

Two generators written apart (A: bench/linkage/generate.py, B: bench/linkage/generate_b.py). For each size and
each generator: generate records with ground truth, write them as the CSV an agency export would be,
then run, each in its own process so that its peak memory is its own,
  1. our engine through the same code path as `tsunagu link` (read CSV, link, write CSV), then the
     single-record check (`match_one`) against the persons found;
  2. Splink 5 / DuckDB in a generic configuration (one comparison per raw field).
Prints pairwise precision / recall / F1 for persons and households, B-cubed F1, wall time, peak RSS.
"""

from __future__ import annotations

import argparse
import csv
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

TARGETS = {"person_f1": 0.98, "household_f1": 0.95, "seconds": 120, "peak_mb": 4096, "p95_ms": 50}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--seed", type=int, default=None, help="one seed for both generators (default: each its own)")
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--splink-timeout", type=int, default=1200, help="seconds before the baseline is given up")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(*args.worker)
    results = [_bench(int(size), name, args) for size in args.sizes.split(",") for name in GENERATORS]
    print(json.dumps(results, ensure_ascii=False, indent=1), file=sys.stderr)
    return 0


def _bench(size: int, generator: str, args: argparse.Namespace) -> dict:
    module = GENERATORS[generator]
    dataset = module.generate(size, args.seed) if args.seed is not None else module.generate(size)
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as tmp:
        records = Path(tmp, f"records-{generator}.csv")
        _write_records(dataset.rows, records)
        print(f"\n== generator {generator}: {len(dataset.rows):,} records, {len(set(dataset.person_truth)):,} persons, "
              f"{len(set(dataset.household_truth)):,} households", flush=True)
        outcome = {"size": len(dataset.rows), "generator": generator,
                   "ours": _run("ours", records, Path(tmp, "ours.csv"), dataset, 3600)}
        if not args.skip_splink:
            outcome["splink"] = _run("splink", records, Path(tmp, "splink.csv"), dataset, args.splink_timeout)
    return outcome


def _write_records(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _run(engine: str, records: Path, output: Path, dataset, timeout: int) -> dict:  # noqa: ANN001
    command = [sys.executable, "-m", "bench.linkage.run", "--worker", f"{engine}:{dataset_generator(records)}",
               str(records), str(output)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"{engine:7s} did not finish within {timeout} s", flush=True)
        return {"error": f"timeout after {timeout} s"}
    if done.returncode != 0:
        print(f"{engine:7s} failed:\n{done.stderr[-2000:]}", flush=True)
        return {"error": done.stderr[-500:]}
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    predicted = _read_clusters(output, dataset.rows)
    measured["person"] = score([p for p, _ in predicted], dataset.person_truth).as_dict()
    measured["household"] = score([h for _, h in predicted], dataset.household_truth).as_dict()
    _print(engine, measured)
    return measured


def dataset_generator(records: Path) -> str:
    return records.stem.rsplit("-", 1)[-1]


def _read_clusters(path: Path, rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        found = {r["record_id"]: (r["person_id"], r["household_id"]) for r in csv.DictReader(handle)}
    return [found[row["record_id"]] for row in rows]


def _print(engine: str, m: dict) -> None:
    p, h = m["person"], m["household"]
    line = (f"{engine:7s} person P {p['precision']:.4f} R {p['recall']:.4f} F1 {p['f1']:.4f} B3 {p['bcubed_f1']:.4f} | "
            f"household P {h['precision']:.4f} R {h['recall']:.4f} F1 {h['f1']:.4f} B3 {h['bcubed_f1']:.4f} | "
            f"{m['seconds']:.1f} s, peak {m['peak_mb']:.0f} MB")
    if "p95_ms" in m:
        line += f" | match_one p50 {m['p50_ms']:.1f} ms p95 {m['p95_ms']:.1f} ms (index {m['index_seconds']:.1f} s)"
    print(line, flush=True)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _worker(engine_and_generator: str, records: str, output: str) -> int:
    engine, generator = engine_and_generator.split(":")
    started = time.perf_counter()
    if engine == "splink":
        from bench.linkage import splink_baseline  # noqa: PLC0415 - only the Splink worker needs Splink

        rows = _read_rows(records)
        splink_baseline.write(splink_baseline.run(rows), output)
        measured = {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}
    else:
        measured = _ours(records, output, started, GENERATORS[generator])
    print(json.dumps(measured))
    return 0


def _read_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ours(records: str, output: str, started: float, module) -> dict:  # noqa: ANN001
    from tsunagu.identity.cli import read_records, write_clusters  # noqa: PLC0415
    from tsunagu.identity.linkage import build_index, link_records, match_one  # noqa: PLC0415

    rows = read_records(Path(records), max_records=10**7)
    result = link_records(rows, municipality=module.MUNICIPALITY, today=module.TODAY)
    write_clusters(result, Path(output))
    measured = {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
                "persons": len(set(result.person_of)), "review_pairs": sum(p.band == "review" for p in result.pairs)}
    index_started = time.perf_counter()
    index = build_index(result, module.MUNICIPALITY)
    measured["index_seconds"] = time.perf_counter() - index_started
    timings = []
    for row in random.Random(7).sample(rows, min(1000, len(rows))):
        query = {**row, "record_id": "query", "agency": "窓口"}
        query_started = time.perf_counter()
        match_one(query, index)
        timings.append((time.perf_counter() - query_started) * 1000)
    timings.sort()
    measured["p50_ms"], measured["p95_ms"] = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    measured["peak_mb_with_index"] = _peak_mb()
    return measured


if __name__ == "__main__":
    sys.exit(main())
