"""事業目標・評価指標: the 実施計画's yearly targets (社会福祉法第106条の5) against the 集計, month by month.

The guideline (社会保障審議会 福祉部会 第29回 資料1, p.48) gives examples, built in here (`GUIDELINE`); the planner
sets their values and adds her own, each tied to one figure. A target is for the municipality as a whole, so it is
read against the figures of every agency together.

By month a count is read cumulatively — what has been done since April against the year's target spread evenly
over the twelve months (按分) — and a figure that counts each person once counts her in the month she was first
counted (`Table.firsts`, from the same rows as the figure), so the last month is the year. A median (days to answer) is read month by month
against the target itself, a ceiling, as is every figure where fewer is better (`Figure.fewer_is_better`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .figures import BY_KEY, Figure, Table, Value
from .models import Target


@dataclass(frozen=True)
class Example:
    key: str
    title: str
    figure: str


# The guideline's examples of 事業目標・評価指標, each read from one figure. Those whose figure the 集計 does not hold
# are left out of the page (`examples`).
GUIDELINE = [
    Example("consultations", "包括的相談支援事業における相談受付件数", "consultations"),
    Example("participants", "参加支援事業の支援対象者数", "participants"),
    Example("cooperating_businesses", "参加支援事業の協力事業者数", "cooperating_businesses"),
    Example("community_places", "地域づくり事業の拠点数", "community_places"),
    Example("community_participants", "地域づくり事業の参加者数", "community_participants"),
    Example("community_agencies", "地域づくり事業の参加機関数", "community_agencies"),
]


def examples() -> list[Example]:
    return [e for e in GUIDELINE if e.figure in BY_KEY]


@dataclass(frozen=True)
class MonthProgress:
    month: date
    actual: Value | None  # None: a month still to come, or a median with nothing answered
    planned: float  # the target by the end of this month (按分), or the ceiling itself


@dataclass(frozen=True)
class Progress:
    target: Target
    figure: Figure
    months: list[MonthProgress]
    actual: Value | None  # the year so far

    @property
    def cumulative(self) -> bool:
        return not self.figure.median

    @property
    def rate(self) -> float | None:
        """達成率 in percent of a count's target; None for a ceiling or a target of 0."""
        if self.figure.fewer_is_better or not self.target.value or self.actual is None:
            return None
        return round(float(self.actual) / float(self.target.value) * 100, 1)

    @property
    def met(self) -> bool | None:
        """Whether the year so far meets the target (a ceiling: at or under it)."""
        if self.actual is None:
            return None
        if self.figure.fewer_is_better:
            return self.actual <= self.target.value
        return self.actual >= self.target.value


def year_targets(fiscal_year: int) -> QuerySet[Target]:
    return Target.objects.filter(fiscal_year=fiscal_year).order_by("pk")


def progress(table: Table, targets: list[Target], *, today: date | None = None) -> list[Progress]:
    """Each target against the figures of every agency together (the `table` of all agencies), by month."""
    first_of_this_month = (today or timezone.localdate()).replace(day=1)
    found = []
    for target in targets:
        figure = BY_KEY.get(target.figure)
        if figure is None:  # a figure no longer in the 集計: the target stays, unread
            continue
        firsts = table.firsts.get(figure.key, {}) if figure.distinct else None
        found.append(_one(table, target, figure, firsts, first_of_this_month))
    return found


def _one(table: Table, target: Target, figure: Figure, firsts: dict[date, int] | None,
         first_of_this_month: date) -> Progress:
    goal = float(target.value)
    months, running = [], 0
    for index, month in enumerate(table.months, start=1):
        planned = goal if figure.median or figure.fewer_is_better else round(goal * index / 12, 1)
        if month > first_of_this_month:
            months.append(MonthProgress(month, None, planned))
            continue
        if figure.median:
            actual: Value | None = table.value(figure.key, None, month)
        else:
            running += firsts.get(month, 0) if firsts is not None else int(table.value(figure.key, None, month) or 0)
            actual = running
        months.append(MonthProgress(month, actual, planned))
    return Progress(target, figure, months, table.value(figure.key))


def as_number(value: Decimal) -> int | float:
    """A target's value as the page shows it: whole when it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)

