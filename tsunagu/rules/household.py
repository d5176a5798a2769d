"""The household rules: 複合課題世帯, 8050世帯, and the 分野 each concern points to. Every app asks here.

複合課題世帯 — a household with needs in MULTI_ISSUE_MIN_FIELDS (two) or more 分野 (`is_multi_issue`). The same
threshold gives two different flags, because they are drawn from different records:

- 受付で把握 (`MULTI_ISSUE_AT_INTAKE`): `people.Household.multi_issue`, on one agency's household record, set when
  that agency records a consultation whose concerns point to two or more 分野 (`concern_fields`; the 分野 only
  accumulate, and clearing the flag is a person's decision). The people pages, the coordinator's 制度の狭間 list
  and the 集計's 「複合課題世帯数（受付で把握）」 read this flag: the 集計 counts, per agency, the households it
  flagged at its own intake that had a consultation received in the month.
- 名寄せで把握 (`MULTI_ISSUE_ACROSS_AGENCIES`): the flags of `linkage.HouseholdGroup`, set by the nightly 名寄せ
  for the persons living together as seen across every agency's records (concerns of any agency's consultations
  outside the 要保護児童対策地域協議会, and the 分野 of households recorded as multi-issue). It is shown next to a
  person or household the reader may already see; the 集計 does not count it (a group is not any one agency's work).

8050世帯 — a parent aged 75 or over living with a child aged 40 to 64 (`is_8050_parent_and_child`). Where no 続柄 is
recorded, two persons are taken for parent and child when the elder is 18 to 50 years older (`flags_8050`).

子どもの安全が先 — a household with a child (under 18) whose concerns include DV・虐待, or ひきこもり・不登校 together
with 子育て (`child_protection_first`): the agencies suggested for it put the 要保護児童対策地域協議会's 調整機関 /
こども家庭センター first (cases.queries.suggested_agencies), before any ranking by 分野.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType

MULTI_ISSUE_MIN_FIELDS = 2
MULTI_ISSUE_AT_INTAKE = "複合課題世帯（受付で把握）"
MULTI_ISSUE_ACROSS_AGENCIES = "複合課題世帯（名寄せで把握）"

PARENT_MIN_AGE = 75  # the "80" of 8050: a parent aged 75 and over
CHILD_MIN_AGE, CHILD_MAX_AGE = 40, 64  # the "50": a child aged 40 to 64
PARENT_MIN_GAP, PARENT_MAX_GAP = 18, 50  # without a recorded 続柄: the elder is 18 to 50 years older

# Which 分野 (agencies.Field) each concern of the 相談受付・申込票 (cases.Concern) points to: drives 複合課題世帯
# and the agencies and resources suggested for a household.
CONCERN_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "health_disability": ("disability", "health"), "housing": ("housing",), "income": ("poverty",),
    "rent_loan": ("poverty", "housing"), "arrears": ("poverty",), "debt": ("poverty", "advocacy"),
    "job_search": ("employment", "poverty"), "workplace": ("employment",), "community": ("community",),
    "family": ("community",), "childcare": ("children",), "care": ("elderly",), "withdrawal": ("health", "education"),
    "abuse": ("children", "advocacy"), "food": ("poverty",), "hoarding": ("community", "elderly"),
    "dementia": ("elderly",), "other": (),
})


CHILD_AGE_LIMIT = 18  # 児童福祉法: a child is under 18
CHILD_PROTECTION_CONCERNS: frozenset[str] = frozenset({"abuse"})  # DV・虐待 (ネグレクト included) on its own
CHILD_PROTECTION_TOGETHER: frozenset[str] = frozenset({"withdrawal", "childcare"})  # 不登校 with 子育て (養育)


def child_protection_first(concerns: Collection[str], ages: Iterable[int | None]) -> bool:
    """A member is a child (under 18, her age known) and the concerns include DV・虐待, or ひきこもり・不登校 together
    with 子育て: the 要対協 / こども家庭センター is suggested first."""
    if not any(age is not None and age < CHILD_AGE_LIMIT for age in ages):
        return False
    found = set(concerns)
    return bool(found & CHILD_PROTECTION_CONCERNS) or found >= CHILD_PROTECTION_TOGETHER


def concern_fields(concerns: Iterable[str]) -> list[str]:
    """The 分野 the concerns point to, sorted; an unknown concern points nowhere."""
    return sorted({f for c in concerns for f in CONCERN_FIELDS.get(c, ())})


def household_fields(concerns: Iterable[str], member_concerns: Iterable[Iterable[str]]) -> list[str]:
    """The 分野 of a household's needs: those of the concerns recorded for the household as a whole and those of
    each member's own (世帯の一人ひとり) — the member × need view, from which 複合課題 follows."""
    return concern_fields([*concerns, *(c for member in member_concerns for c in member)])


def is_multi_issue(fields: Collection[str]) -> bool:
    """複合課題世帯: needs in two or more distinct 分野."""
    return len(set(fields)) >= MULTI_ISSUE_MIN_FIELDS


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in full years on `day` (a birthday counts from the day itself)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_8050_parent_and_child(parent_age: int, child_age: int) -> bool:
    """The two ages make an 8050 pair, the parent and child being known (a recorded 続柄)."""
    return parent_age >= PARENT_MIN_AGE and CHILD_MIN_AGE <= child_age <= CHILD_MAX_AGE


def may_be_parent_of(elder_age: int, younger_age: int) -> bool:
    """Without a recorded 続柄, the elder is taken for the parent when 18 to 50 years older."""
    return PARENT_MIN_GAP <= elder_age - younger_age <= PARENT_MAX_GAP


def is_8050_by_age(elder_age: int, younger_age: int) -> bool:
    """Two persons living together, nothing recorded between them, make an 8050 pair by their ages alone."""
    return is_8050_parent_and_child(elder_age, younger_age) and may_be_parent_of(elder_age, younger_age)


def flags_8050(ages: Sequence[int]) -> bool:
    """Some two of the household's members make an 8050 pair by their ages alone."""
    return any(is_8050_by_age(elder, younger) for elder in ages for younger in ages)
