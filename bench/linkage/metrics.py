"""Clustering quality against ground truth: pairwise precision/recall/F1 and B-cubed F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    bcubed_f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "bcubed_f1": self.bcubed_f1}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: Sequence[object], truth: Sequence[object]) -> Scores:
    """Pairwise scores count record pairs placed together; B-cubed averages per record."""
    both = Counter(zip(predicted, truth, strict=True))
    pred_sizes, true_sizes = Counter(predicted), Counter(truth)
    together = sum(_pairs(n) for n in both.values())
    pred_pairs, true_pairs = sum(_pairs(n) for n in pred_sizes.values()), sum(_pairs(n) for n in true_sizes.values())
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    n = len(predicted)
    b_precision = sum(c * c / pred_sizes[p] for (p, _), c in both.items()) / n if n else 1.0
    b_recall = sum(c * c / true_sizes[t] for (_, t), c in both.items()) / n if n else 1.0
    return Scores(precision, recall, _f1(precision, recall), _f1(b_precision, b_recall))
