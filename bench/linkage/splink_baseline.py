"""Splink 5 on DuckDB, the anchor the issue asks for, in two configurations run on the same records in the same run.

- generic (`run`): one comparison per raw field, as a first user would. Households: persons joined when any of
  their records share the raw address text.
- careful (`run_careful`): the same Japanese normalisation as Tsunagu's (tsunagu.identity: 異体字 folded, readings
  from kana, the name itself or the dictionary, dates read, addresses taken apart, phones as digits); name + reading
  as one comparison with term-frequency adjustment; address + phone as one; birth date with the usual levels;
  sex; blocking on reading, birth date, phone and normalised address; u by random sampling, m by EM; the match
  threshold chosen for best F1 on the fitting generator (`careful_scores` gives the pairs to choose it from).
  Households: persons joined when any of their records share the normalised dwelling (plot and room).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Sequence

import pyarrow as pa
import splink.comparison_level_library as cll
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


# ---------------------------------------------------------------------------------------------------------------------
# The careful configuration
# ---------------------------------------------------------------------------------------------------------------------

CAREFUL_COLUMNS = ("name_key", "reading", "romaji", "given_reading", "birth", "sex", "dwelling", "lot", "town", "phone")


def careful_table(rows: Sequence[dict[str, str]], municipality: str) -> pa.Table:
    """The records after Tsunagu's normalisation, one column per comparison key (None where unknown)."""
    from tsunagu.identity.linkage import prepare  # noqa: PLC0415 - only the careful worker needs the normaliser
    from tsunagu.identity.normalize import kana_romaji  # noqa: PLC0415

    records, _ = prepare(rows, municipality)
    columns: dict[str, list[str | None]] = {"unique_id": [r.record_id for r in records]}
    for name in CAREFUL_COLUMNS:
        columns[name] = []
    for r in records:
        reading = r.reading_guess()
        values = {"name_key": r.name, "reading": reading, "romaji": kana_romaji(reading) if reading else "",
                  "given_reading": r.given_reading_guess() if r.given else r.kana_given, "birth": r.birth,
                  "sex": r.sex, "dwelling": r.dwelling, "lot": r.lot, "town": r.town, "phone": r.phone}
        for name in CAREFUL_COLUMNS:
            columns[name].append(values[name] or None)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})


def careful_settings() -> SettingsCreator:
    name = cl.CustomComparison(
        output_column_name="name_reading",
        comparison_levels=[
            cll.And(cll.NullLevel("name_key"), cll.NullLevel("reading")),
            cll.And(cll.ExactMatchLevel("name_key"), cll.ExactMatchLevel("reading")).configure(
                tf_adjustment_column="name_key", label_for_charts="漢字・読み一致"),
            cll.ExactMatchLevel("reading").configure(tf_adjustment_column="reading", label_for_charts="読み一致"),
            cll.ExactMatchLevel("name_key").configure(tf_adjustment_column="name_key", label_for_charts="漢字一致"),
            cll.JaroWinklerLevel("romaji", 0.92).configure(label_for_charts="読みの表記ゆれ"),
            cll.ExactMatchLevel("given_reading").configure(label_for_charts="名の読み一致（姓の変更）"),
            cll.ElseLevel(),
        ],
    )
    dwelling = cl.CustomComparison(
        output_column_name="address_phone",
        comparison_levels=[
            cll.And(cll.NullLevel("lot"), cll.NullLevel("phone")),
            cll.And(cll.ExactMatchLevel("dwelling"), cll.ExactMatchLevel("phone")).configure(label_for_charts="住所・電話一致"),
            cll.ExactMatchLevel("dwelling").configure(label_for_charts="住所一致"),
            cll.ExactMatchLevel("phone").configure(label_for_charts="電話一致"),
            cll.ExactMatchLevel("lot").configure(label_for_charts="同じ建物・番地"),
            cll.ExactMatchLevel("town").configure(label_for_charts="同じ町"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            name,
            cl.DateOfBirthComparison("birth", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"),
            dwelling,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("reading"), block_on("birth"), block_on("phone"), block_on("dwelling"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _careful_linker(rows: Sequence[dict[str, str]], municipality: str) -> Linker:
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker = Linker(DuckDBAPI().register(careful_table(rows, municipality)), careful_settings(), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_key", "birth"), block_on("reading", "birth", "dwelling")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("reading"))
    return linker


def careful_scores(rows: Sequence[dict[str, str]], municipality: str, floor: float = 0.05) -> list[tuple[str, str, float]]:
    """(record, record, match probability) of every predicted pair above `floor`: what the threshold is fitted on."""
    predictions = _careful_linker(rows, municipality).inference.predict(threshold_match_probability=floor)
    relation = predictions.as_duckdbpyrelation().select("unique_id_l, unique_id_r, match_probability")
    return [(str(a), str(b), float(p)) for a, b, p in relation.fetchall()]


def run_careful(rows: Sequence[dict[str, str]], municipality: str, threshold: float) -> dict[str, tuple[str, str]]:
    """record_id → (person_id, household_id) from the careful configuration at the fitted threshold."""
    linker = _careful_linker(rows, municipality)
    predictions = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    person_of = _person_map(clusters)
    table = careful_table(rows, municipality)
    dwelling_of = dict(zip(table.column("unique_id").to_pylist(), table.column("dwelling").to_pylist(), strict=True))
    return _with_households(rows, person_of, lambda row: dwelling_of.get(row["record_id"]) or "")


def _person_map(clusters) -> dict[str, str]:  # noqa: ANN001 - Splink's dataframe type
    relation = clusters.as_duckdbpyrelation().select("unique_id, cluster_id")
    return {uid: str(cid) for uid, cid in relation.fetchall()}


def _raw_address(row: dict[str, str]) -> str:
    return (row.get("address") or "").strip()


def _with_households(rows: Sequence[dict[str, str]], person_of: dict[str, str],
                     address: Callable[[dict[str, str]], str] = _raw_address) -> dict[str, tuple[str, str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        if address(row):
            parent[find(person_of[row["record_id"]])] = find("addr:" + address(row))
    return {r["record_id"]: (person_of[r["record_id"]], find(person_of[r["record_id"]])) for r in rows}


def write(result: dict[str, tuple[str, str]], path: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id", "household_id"])
        writer.writerows((rid, p, h) for rid, (p, h) in result.items())
