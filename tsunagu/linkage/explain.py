"""An engine explanation as stored JSON, and its rendering in plain Japanese for the coordinator.

The weight of a field is in bits (log2 of how much likelier the agreement is between records of one person
than between two different people). Coordinators do not read bits, so each weight also gets a phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.identity.model import BAND_LABELS, Explanation

# (lower bound in bits, phrase, css modifier), strongest first.
_SCALE = [
    (6.0, "同一人物を強く示す", "same-strong"),
    (2.0, "同一人物を示す", "same"),
    (-2.0, "どちらとも言えない", "neutral"),
    (-6.0, "別人を示す", "other"),
    (float("-inf"), "別人を強く示す", "other-strong"),
]


def as_json(explanation: Explanation) -> dict:
    return {
        "prior": round(explanation.prior, 3),
        "total": round(explanation.total, 3),
        "probability": round(explanation.probability, 4),
        "band": explanation.band,
        "twin_guard": explanation.twin_guard,
        "fields": [{"comparison": f.comparison, "level": f.level, "weight": round(f.weight, 3)}
                   for f in explanation.fields],
    }


@dataclass(frozen=True)
class FieldLine:
    comparison: str
    level: str
    weight: float
    phrase: str
    tone: str

    @property
    def weight_text(self) -> str:
        return f"{self.weight:+.1f}"


def weight_phrase(weight: float, missing: bool = False) -> tuple[str, str]:
    if missing:
        return "判断材料なし", "neutral"
    return next((phrase, tone) for bound, phrase, tone in _SCALE if weight >= bound)


def field_lines(explanation: dict) -> list[FieldLine]:
    lines = []
    for f in explanation.get("fields", []):
        phrase, tone = weight_phrase(f["weight"], missing=f["level"].startswith("欠損"))
        lines.append(FieldLine(f["comparison"], f["level"], f["weight"], phrase, tone))
    return lines


def probability_text(p: float) -> str:
    """A percentage a coordinator can read; never "100%" (the model is never certain)."""
    if p >= 0.995:
        return "99%以上"
    return "1%未満" if p < 0.01 else f"{p * 100:.0f}%"


def summary(explanation: dict) -> str:
    """One sentence: the band, the probability, and the twin guard when it applies."""
    band = BAND_LABELS.get(explanation.get("band", ""), "")
    text = f"{band}：同一人物である確率 {probability_text(explanation.get('probability', 0))}"
    if explanation.get("twin_guard"):
        text += "（生年月日と住所が同じで名が異なるため、双子の可能性があり自動では結合しません）"
    return text
