"""Splink 5 on DuckDB, configured generically: one comparison per raw field, as a first user would.

This is the comparison point the issue asks for, run on the same records in the same benchmark run.
Households for the baseline: persons joined when any of their records share the raw address text.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ("name", "kana", "birth_date", "sex", "address", "phone")


def _table(rows: Sequence[dict[str, str]]) -> pa.Table:
    data = {"unique_id": [r["record_id"] for r in rows]}
    for column in COLUMNS:
        data[column] = [r.get(column) or None for r in rows]
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in data.items()})


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("name"),
            cl.NameComparison("kana"),
            cl.LevenshteinAtThresholds("birth_date", [1, 2]),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("birth_date"), block_on("name"), block_on("kana"), block_on("phone"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def run(rows: Sequence[dict[str, str]]) -> dict[str, tuple[str, str]]:
    """record_id → (person_id, household_id) from Splink at match probability 0.95."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(_table(rows)), settings(), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("name", "birth_date")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    person_of = _person_map(clusters)
    return _with_households(rows, person_of)


def _person_map(clusters) -> dict[str, str]:  # noqa: ANN001 - Splink's dataframe type
    relation = clusters.as_duckdbpyrelation().select("unique_id, cluster_id")
    return {uid: str(cid) for uid, cid in relation.fetchall()}


def _with_households(rows: Sequence[dict[str, str]], person_of: dict[str, str]) -> dict[str, tuple[str, str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        if row.get("address"):
            parent[find(person_of[row["record_id"]])] = find("addr:" + row["address"].strip())
    return {r["record_id"]: (person_of[r["record_id"]], find(person_of[r["record_id"]])) for r in rows}


def write(result: dict[str, tuple[str, str]], path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id", "household_id"])
        writer.writerows((rid, p, h) for rid, (p, h) in result.items())
