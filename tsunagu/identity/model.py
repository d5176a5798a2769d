"""Fellegi–Sunter model: parameters estimated from the data without labels, scores and explanations.

u (how often two different people agree at a level) comes from random pairs, which are almost all
non-matches. m (how often records of one person agree) comes from expectation maximisation on the
blocked pairs, as Splink does: one session on pairs sharing a birth date estimates every comparison
except birth date, one on pairs sharing a name estimates birth date, so no comparison is trained on
pairs that were chosen because they agree on it.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tsunagu.identity.features import (
    BIRTH_EXACT,
    COMPARISONS,
    GUARD_BIRTH,
    GUARD_GIVEN,
    GUARD_SEX,
    GUARD_TWIN,
    NAME_EXACT,
    NAME_KANA_EXACT,
    PreparedRecord,
    comparison_vector,
    disagreement,
)

Vector = tuple[int | None, ...]

LINK, REVIEW, NON_MATCH = "link", "review", "non_match"
BAND_LABELS = {LINK: "同一人物（自動）", REVIEW: "要確認", NON_MATCH: "別人"}
GUARD_LABELS = {
    GUARD_TWIN: "生年月日と住所が同じで名が異なるため、双子の可能性があり自動では結合しません",
    GUARD_GIVEN: "名が異なるため、親子・きょうだいの可能性があり自動では結合しません",
    GUARD_SEX: "性別が異なるため、自動では結合しません",
    GUARD_BIRTH: "生年月日が異なるため、親子・同姓同名の別人の可能性があり自動では結合しません",
}
# A pair whose given names or sexes differ is never shown as near-certain: at most this likely.
GUARD_PROBABILITY = 0.80


@dataclass(frozen=True)
class Tuning:
    """What is fitted on labelled records (the benchmark fits it on one generator and reports on the other),
    as against m, u and the prior, which each run estimates from its own records without labels.

    `link_evidence` is the evidence (bits: the weights of the fields and of the household, without the prior) a
    pair needs to be linked automatically. It is fitted as evidence, not as a probability, because the prior falls
    as the records grow (two records of 200,000 are less likely one person than two of 20,000): a probability
    fitted on 20,000 records asks for more evidence at 200,000 than the same records carry. `review_probability`
    is the lower bound of 要確認, a probability the coordinator reads; a pair at `link_probability` or above is
    linked too, whatever its evidence (on a few hundred records the weights are estimated small, and a pair shown as
    98 % likely should not wait for a coordinator; on thousands the evidence bound is the lower one). `household_bonus` (bits) is added to a pair of
    records at two addresses when another person of the same family is linked across the same two addresses
    (a household that moved, which agencies learn of at different times); `movers` is how many persons of two
    households at two addresses must be seen at both for the two to be one household that moved (1: any one
    family member seen at both; 2: one is not enough, a son who moved out is still written at his parents'
    address for a while). The defaults are what `make bench-linkage` fits on generator B, the one written apart
    from the linker. The intake check and the nightly run use the same values, so 「要確認」 means the same in
    both."""

    link_evidence: float = 16.0
    link_probability: float = 0.98
    review_probability: float = 0.30
    household_bonus: float = 8.0
    movers: int = 1


DEFAULT_TUNING = Tuning()
REVIEW_THRESHOLD = DEFAULT_TUNING.review_probability
_EM_ITERATIONS = 40
_SMOOTHING = 1.0  # add-one, so a level never seen among random pairs does not get an infinite weight


@dataclass(frozen=True)
class FieldWeight:
    """One comparison's part of an explanation: agreement level (Japanese label) and weight in bits."""

    comparison: str
    level: str
    weight: float


@dataclass(frozen=True)
class Explanation:
    """`total` is the prior plus the fields' weights plus `household_bonus`; `guard` says why the pair may not be
    near-certain (twins, given names or sexes that differ), and then `probability` is at most GUARD_PROBABILITY."""

    prior: float
    fields: tuple[FieldWeight, ...]
    total: float
    probability: float
    band: str
    twin_guard: bool = False
    guard: str = ""
    household_bonus: float = 0.0

    def as_text(self) -> str:
        parts = [f"{f.comparison}: {f.level} ({f.weight:+.1f})" for f in self.fields]
        if self.household_bonus:
            parts.append(f"同じ世帯の人の一致 ({self.household_bonus:+.1f})")
        guard = f"／{GUARD_LABELS[self.guard]}" if self.guard else ""
        return f"{BAND_LABELS[self.band]} p={self.probability:.3f} 事前{self.prior:+.1f} " + "、".join(parts) + guard


@dataclass
class Model:
    """m and u per comparison level, the prior, and name frequencies for term-frequency adjustment."""

    m: list[list[float]]
    u: list[list[float]]
    prior_weight: float
    name_frequency: dict[str, float] = field(default_factory=dict)
    kana_frequency: dict[str, float] = field(default_factory=dict)
    tuning: Tuning = DEFAULT_TUNING

    def level_weight(self, comparison: int, level: int) -> float:
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def level_weights(self, vector: Vector) -> list[float]:
        return [0.0 if level is None else self.level_weight(i, level) for i, level in enumerate(vector)]

    def weights(self, a: PreparedRecord, vector: Vector) -> list[float]:
        weights = self.level_weights(vector)
        weights[0] += self.tf_adjustment(a, vector[0])
        return weights

    def tf_adjustment(self, a: PreparedRecord, name_level: int | None) -> float:
        """A shared 佐藤 is weaker evidence than a shared rare name: replace the average u by the name's own."""
        if name_level == NAME_EXACT and a.name in self.name_frequency:
            return math.log2(self.u[0][NAME_EXACT] / self.name_frequency[a.name])
        if name_level == NAME_KANA_EXACT and a.reading in self.kana_frequency:
            return math.log2(self.u[0][NAME_KANA_EXACT] / self.kana_frequency[a.reading])
        return 0.0

    def explain(self, a: PreparedRecord, b: PreparedRecord, twin: bool = False,
                household_bonus: float = 0.0) -> Explanation:
        """Field by field; `twin` marks a pair already known as twins, `household_bonus` the collective evidence."""
        vector = comparison_vector(a, b)
        weights = self.weights(a, vector)
        fields = tuple(
            FieldWeight(name, "欠損（比較できず）" if level is None else levels[level], weight)
            for (name, levels, _), level, weight in zip(COMPARISONS, vector, weights, strict=True)
        )
        guard = GUARD_TWIN if twin else disagreement(a, b)
        total = self.prior_weight + sum(weights) + household_bonus
        p = guarded_probability(total, guard)
        return Explanation(self.prior_weight, fields, total, p, band(total, self.prior_weight, guard, self.tuning),
                           guard == GUARD_TWIN,
                           guard, household_bonus)


def matches_comparisons(params: Mapping[str, object]) -> bool:
    """Whether stored parameters (a run's m, u and prior) have this version's comparison levels."""
    m = params.get("m")
    return isinstance(m, list) and [len(row) if isinstance(row, list) else -1 for row in m] == [
        len(levels) for _, levels, _ in COMPARISONS]


def probability(weight: float) -> float:
    return 1.0 / (1.0 + math.pow(2.0, -max(min(weight, 60.0), -60.0)))


def guarded_probability(weight: float, guard: str) -> float:
    p = probability(weight)
    return min(p, GUARD_PROBABILITY) if guard else p


def band(weight: float, prior: float, guard: str = "", tuning: Tuning = DEFAULT_TUNING) -> str:
    """LINK when the evidence (the weight less the prior) or the probability reaches the tuning's and nothing holds
    the pair back;
    REVIEW when its (guarded) probability reaches the review bound; else NON_MATCH."""
    p = guarded_probability(weight, guard)
    evident = weight - prior >= tuning.link_evidence or p >= tuning.link_probability
    if not guard and evident and p >= tuning.review_probability:
        return LINK
    return REVIEW if p >= tuning.review_probability else NON_MATCH


# ---------------------------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------------------------


def estimate_u(records: Sequence[PreparedRecord], samples: int, seed: int = 0) -> list[list[float]]:
    rng = random.Random(seed)
    counts = [[_SMOOTHING] * len(levels) for _, levels, _ in COMPARISONS]
    n = len(records)
    for _ in range(samples if n > 1 else 0):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            _count(counts, comparison_vector(records[i], records[j]))
    return [_normalised(row) for row in counts]


def _count(counts: list[list[float]], vector: Vector, weight: float = 1.0) -> None:
    for i, level in enumerate(vector):
        if level is not None:
            counts[i][level] += weight


def _normalised(row: list[float]) -> list[float]:
    total = sum(row)
    return [value / total for value in row]


def _initial_m() -> list[list[float]]:
    # Records of one person mostly agree; the first (strongest) level of each comparison starts high.
    return [_normalised([8.0] + [1.0] * (len(levels) - 1)) for _, levels, _ in COMPARISONS]


def expectation_maximisation(
    vectors: Counter[Vector], u: list[list[float]], fixed: set[int], m: list[list[float]] | None = None
) -> tuple[list[list[float]], float]:
    """EM over distinct comparison vectors, leaving out the comparisons in `fixed` (the blocked ones).

    Why leave them out rather than hold them: every pair here agrees on them, so their Bayes factor
    would call every pair a match and EM would learn nothing.
    """
    m = [row[:] for row in (m or _initial_m())]
    share = 0.1  # λ within these pairs
    for _ in range(_EM_ITERATIONS):
        counts = [[_SMOOTHING * 0.01] * len(row) for row in m]
        expected_matches = 0.0
        for vector, n in vectors.items():
            posterior = _posterior(vector, m, u, share, fixed)
            expected_matches += posterior * n
            _count(counts, vector, posterior * n)
        share = min(max(expected_matches / max(sum(vectors.values()), 1), 1e-6), 1 - 1e-6)
        m = [m[i] if i in fixed else _normalised(row) for i, row in enumerate(counts)]
    return m, share


def _posterior(vector: Vector, m: list[list[float]], u: list[list[float]], share: float, fixed: set[int]) -> float:
    ratio = share / (1 - share)
    for i, level in enumerate(vector):
        if level is not None and i not in fixed:
            ratio *= m[i][level] / u[i][level]
    return ratio / (1 + ratio)


def train(records: Sequence[PreparedRecord], pairs_vectors: Counter[Vector], *, u_samples: int = 300_000) -> Model:
    """Estimate u by random sampling, m by two EM sessions, and the prior from the birth-date session."""
    u = estimate_u(records, min(u_samples, max(len(records) * 5, 1000)))
    by_birth = Counter({v: n for v, n in pairs_vectors.items() if v[1] == BIRTH_EXACT})
    by_name = Counter({v: n for v, n in pairs_vectors.items() if v[0] in (NAME_EXACT, NAME_KANA_EXACT)})
    m_birth, share = expectation_maximisation(by_birth, u, fixed={1})
    m_name, _ = expectation_maximisation(by_name, u, fixed={0}, m=m_birth)
    m = [m_birth[0], m_name[1], m_birth[2], m_birth[3]]
    return Model(m, u, _prior_weight(len(records), sum(by_birth.values()) * share / m[1][BIRTH_EXACT]),
                 *frequencies(records))


def _prior_weight(n_records: int, expected_matching_pairs: float) -> float:
    """log2 odds that two random records are one person: the matches EM found over all possible pairs."""
    all_pairs = max(n_records * (n_records - 1) / 2, 1)
    share = min(max(expected_matching_pairs, 1.0) / all_pairs, 0.5)
    return math.log2(share / (1 - share))


def frequencies(records: Sequence[PreparedRecord]) -> tuple[dict[str, float], dict[str, float]]:
    """How often each name and each reading occurs, for the term-frequency adjustment."""
    names, kana = name_counts(records)
    n_names, n_kana = sum(names.values()), sum(kana.values())
    return ({k: frequency(c, n_names) for k, c in names.items()}, {k: frequency(c, n_kana) for k, c in kana.items()})


def name_counts(records: Sequence[PreparedRecord]) -> tuple[Counter[str], Counter[str]]:
    """How many records write each name, and each reading: kept by a run (linkage.NameTerm), so that the intake
    check reads the frequencies of its own record's name and reading only."""
    return Counter(r.name for r in records if r.name), Counter(r.reading for r in records if r.reading)


def frequency(count: int, total: int) -> float:
    return count / max(total, 1)
