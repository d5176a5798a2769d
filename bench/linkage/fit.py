"""The benchmark's rule: what is fitted on labels is fitted on one generator and reported on the other.

Tsunagu: the evidence a link needs, the household bonus and how many persons seen at two addresses make a household that
moved (tsunagu.identity.model.Tuning) — m, u and the prior are estimated by each run from its own records, without
labels. Splink (careful configuration): the match threshold.
Each is chosen for the best person F1 (then household F1) on the fitting generator's records.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict

from bench.linkage.metrics import Scores, score
from tsunagu.identity.linkage import resolve, score_records
from tsunagu.identity.model import Tuning

EVIDENCE_GRID = (12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0)
BONUS_GRID = (0.0, 2.0, 4.0, 6.0, 8.0)
MOVERS_GRID = (1, 2)
SPLINK_GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)


def fit_tsunagu(dataset, module) -> tuple[Tuning, Scores, Scores]:  # noqa: ANN001 - a generator's Dataset and module
    """The tuning with the best (person F1, household F1) on `dataset`, one scoring shared by the whole grid."""
    scored = score_records(dataset.rows, municipality=module.MUNICIPALITY)
    best: tuple[tuple[float, float], Tuning, Scores, Scores] | None = None
    for bonus, evidence, movers in itertools.product(BONUS_GRID, EVIDENCE_GRID, MOVERS_GRID):
        tuning = Tuning(link_evidence=evidence, household_bonus=bonus, movers=movers)
        result = resolve(scored, tuning, today=module.TODAY)
        rows = list(result.rows())
        person = score([r[1] for r in rows], dataset.person_truth)
        household = score([r[2] for r in rows], dataset.household_truth)
        key = (round(person.f1, 4), round(household.f1, 4))
        if best is None or key > best[0]:
            best = (key, tuning, person, household)
    assert best is not None
    return best[1], best[2], best[3]


def fit_splink_threshold(dataset, module) -> tuple[float, Scores]:  # noqa: ANN001
    """The careful Splink configuration's threshold with the best person F1 on `dataset`."""
    from bench.linkage.splink_baseline import careful_scores  # noqa: PLC0415 - Splink only where it is run

    pairs = careful_scores(dataset.rows, module.MUNICIPALITY)
    ids = [r["record_id"] for r in dataset.rows]
    best: tuple[float, float, Scores] | None = None
    for threshold in SPLINK_GRID:
        person = score(components(ids, [(a, b) for a, b, p in pairs if p >= threshold]), dataset.person_truth)
        if best is None or person.f1 > best[0]:
            best = (person.f1, threshold, person)
    assert best is not None
    return best[1], best[2]


def components(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[str]:
    """The connected component of each id (what Splink's clustering at a threshold computes)."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return [find(i) for i in ids]


def tuning_dict(tuning: Tuning) -> dict[str, float]:
    return asdict(tuning)
