"""年度 (tsunagu.core.fiscal): April to March, named by the year it starts in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tsunagu.core.fiscal import (
    EARLIEST_YEAR,
    FISCAL_MONTHS,
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_span,
    month_starts,
)

JST = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(("day", "year"), [
    (date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2026, 1, 1), 2025), (date(2025, 12, 31), 2025),
])
def test_a_day_belongs_to_the_year_that_started_on_the_last_first_of_april(day, year):
    assert fiscal_year(day) == year


def test_the_year_runs_from_the_first_of_april_to_the_thirty_first_of_march():
    assert fiscal_year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    first, last = fiscal_year_bounds(2025)
    assert fiscal_year(first) == fiscal_year(last) == 2025


def test_as_moments_the_year_is_half_open_in_the_municipality_s_time_zone(settings):
    assert settings.TIME_ZONE == "Asia/Tokyo"
    start, end = fiscal_year_span(2025)
    assert start == datetime(2025, 4, 1, tzinfo=JST) and end == datetime(2026, 4, 1, tzinfo=JST)
    assert start <= datetime(2025, 4, 1, 0, 30, tzinfo=JST) < end  # still 31 March in UTC
    assert not datetime(2026, 4, 1, tzinfo=JST) < end


def test_the_months_in_order():
    assert FISCAL_MONTHS == (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    starts = month_starts(2025)
    assert starts[0] == date(2025, 4, 1) and starts[8] == date(2025, 12, 1) and starts[-1] == date(2026, 3, 1)


def test_the_label_and_the_earliest_year():
    assert fiscal_year_label(2019) == "令和1年度" and fiscal_year_label(2025) == "令和7年度"
    assert fiscal_year_label(2018) == "2018年度"
    assert EARLIEST_YEAR == 2019
