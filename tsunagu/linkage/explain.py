"""An engine explanation as stored JSON, and its rendering in plain Japanese for the coordinator.

The weight of a field is in bits (log2 of how much likelier the agreement is between records of one person
than between two different people). Coordinators do not read bits, so each weight also gets a phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from tsunagu.identity.features import BIRTH_LEVELS, DWELLING_LEVELS, NAME_LEVELS, SEX_LEVELS
from tsunagu.identity.model import BAND_LABELS, GUARD_LABELS, Explanation

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
        "guard": explanation.guard,
        "household_bonus": round(explanation.household_bonus, 3),
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
    """One sentence: the band, the probability, and why the pair is held back when it is (twins, given names or
    sexes that differ)."""
    band = BAND_LABELS.get(explanation.get("band", ""), "")
    text = f"{band}：同一人物である確率 {probability_text(explanation.get('probability', 0))}"
    guard = explanation.get("guard") or ("twin" if explanation.get("twin_guard") else "")
    if guard in GUARD_LABELS:
        text += f"（{GUARD_LABELS[guard]}）"
    return text


# What each level of each comparison says, in the coordinator's words: (agrees, differs, phrase). A level that
# neither agrees nor differs (a slip, the same building) is said as it is.
_NAME = dict(zip(NAME_LEVELS, [
    (True, False, "氏名（漢字と読み）"), (True, False, "氏名の読み"), (True, False, "氏名の読み（漢字の読みから）"),
    (False, False, "氏名は表記ゆれか読みの1字違い"), (False, True, "姓（名は同じ。旧姓・結婚による変更の可能性）"),
    (False, True, "名（姓は同じ。親子・きょうだいの可能性）"), (False, True, "氏名"),
], strict=True))
_BIRTH = dict(zip(BIRTH_LEVELS, [
    (True, False, "生年月日"), (False, False, "生年月日は1日違いか1項目違い（書き誤りの可能性）"),
    (False, True, "生年月日（生年は同じ）"), (False, True, "生年月日"),
], strict=True))
_SEX = dict(zip(SEX_LEVELS, [(True, False, "性別"), (False, True, "性別")], strict=True))
_DWELLING = dict(zip(DWELLING_LEVELS, [
    (True, False, "住所と電話"), (True, False, "住所"), (False, False, "電話は同じで住所が異なる（転居の可能性）"),
    (False, False, "同じ建物の別の部屋"), (False, True, "住所（同じ町内。転居の可能性）"), (False, True, "住所・電話（転居の可能性）"),
], strict=True))
_MISSING = {"氏名・読み": "氏名", "生年月日": "生年月日", "性別": "性別", "住所・電話": "住所・電話"}


def reasons(explanation: dict) -> str:
    """Why a pair is uncertain, in the coordinator's words: which fields agree, which differ, which one record
    leaves blank (what holds a pair back is `summary`'s). 「一致：氏名の読み、生年月日。異なる：住所・電話（転居の可能性）。」"""
    agree: list[str] = []
    differ: list[str] = []
    other: list[str] = []
    missing: list[str] = []
    tables = {"氏名・読み": _NAME, "生年月日": _BIRTH, "性別": _SEX, "住所・電話": _DWELLING}
    for field in explanation.get("fields", []):
        comparison, level = field.get("comparison", ""), field.get("level", "")
        if level.startswith("欠損"):
            missing.append(_MISSING.get(comparison, comparison))
            continue
        agrees, differs, phrase = tables.get(comparison, {}).get(level, (False, False, f"{comparison}：{level}"))
        (agree if agrees else differ if differs else other).append(phrase)
    parts = []
    if agree:
        parts.append("一致：" + "、".join(agree) + "。")
    if differ:
        parts.append("異なる：" + "、".join(differ) + "。")
    parts.extend(f"{phrase}。" for phrase in other)
    if missing:
        parts.append("片方の記録に記入なし：" + "、".join(missing) + "。")
    if explanation.get("household_bonus"):
        parts.append("同じ世帯の人が、同じ二つの住所で同一人物と判定されています（世帯ごとの転居の可能性）。")
    return "".join(parts)
