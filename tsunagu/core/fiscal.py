"""年度: the fiscal year, April to March, named by the calendar year it starts in (2026年度 is 2026-04-01 to
2027-03-31). Every page, figure and sheet that speaks of a 年度 asks here."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # the months of a 年度, in order
EARLIEST_YEAR = 2019  # 令和元年度: the first 年度 the 集計 offers


def fiscal_year(day: date) -> int:
    """The 年度 a day belongs to: 2027-03-31 to 2026年度, 2027-04-01 to 2027年度."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """The first and the last day of the 年度 (both inside it)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year_span(year: int) -> tuple[datetime, datetime]:
    """The 年度 as moments in the current time zone: from its first instant up to (not including) the next 年度's."""
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 4, 1), time.min, tz), datetime.combine(date(year + 1, 4, 1), time.min, tz)


def month_starts(year: int) -> list[date]:
    """The first day of each month of the 年度, April to March."""
    return [date(year if m >= 4 else year + 1, m, 1) for m in FISCAL_MONTHS]


def fiscal_year_label(year: int) -> str:
    """令和N年度 from 2019 on; earlier years by their Western number (2018年度)."""
    return f"令和{year - 2018}年度" if year >= 2019 else f"{year}年度"
