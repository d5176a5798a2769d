"""和暦 (rules.wareki): every accepted way of typing a date reaches the same date; a date outside its era says why."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsunagu.rules.wareki import (
    FORMAT_EXAMPLES,
    DateFormatError,
    DateTextError,
    read_date,
    wareki,
    wareki_month,
    wareki_short,
)

TODAY = dt.date(2026, 2, 10)
FEB3 = dt.date(2026, 2, 3)


@pytest.mark.parametrize("text", [
    "R8.2.3", "r8.2.3", "R8/2/3", "R8-2-3", "R.8.2.3", "R 8.2.3", "令和8年2月3日", "令和8.2.3", "令8.2.3", "令和八年二月三日",
    "R8年2月3日", "8.2.3", "8年2月3日", "8/2/3", "2026-02-03", "2026/2/3", "2026.2.3", "2026年2月3日", "20260203",
    "Ｒ８．２．３", "令和８年２月３日", "２０２６－０２－０３", " R8.2.3 ",
])
def test_each_accepted_form_reads_the_same_date(text):
    assert read_date(text, today=TODAY) == FEB3


@pytest.mark.parametrize(("text", "date"), [
    ("H31.4.30", dt.date(2019, 4, 30)), ("平成31年4月30日", dt.date(2019, 4, 30)),
    ("R1.5.1", dt.date(2019, 5, 1)), ("令和元年5月1日", dt.date(2019, 5, 1)), ("R元.5.1", dt.date(2019, 5, 1)),
    ("令和1年5月1日", dt.date(2019, 5, 1)), ("H1.1.8", dt.date(1989, 1, 8)), ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("S64.1.7", dt.date(1989, 1, 7)), ("昭和64年1月7日", dt.date(1989, 1, 7)), ("S15.3.2", dt.date(1940, 3, 2)),
    ("昭和十五年三月二日", dt.date(1940, 3, 2)), ("T15.12.24", dt.date(1926, 12, 24)), ("M45.7.29", dt.date(1912, 7, 29)),
])
def test_era_boundaries_and_other_eras(text, date):
    assert read_date(text, today=TODAY) == date


@pytest.mark.parametrize(("text", "says"), [
    ("令和1年1月1日", "令和の期間外"),   # still 平成
    ("R1.4.30", "令和の期間外"),
    ("平成31年5月1日", "平成の期間外"),  # already 令和
    ("H32.1.1", "平成は31年（令和元年）までです"),
    ("平成32年1月1日", "平成は31年（令和元年）までです"),
    ("昭和64年1月8日", "昭和の期間外"),
    ("S65.1.1", "昭和は64年（平成元年）までです"),
    ("R0.1.1", "令和0年はありません"),
    ("R8.2.30", "存在しない日付"),
    ("2026-02-30", "存在しない日付"),
    ("2026-13-01", "存在しない日付"),
])
def test_impossible_dates_are_refused_with_the_reason(text, says):
    with pytest.raises(DateTextError) as error:
        read_date(text, today=TODAY)
    assert says in error.value.message


@pytest.mark.parametrize("text", ["", "あした", "2.3", "R8.2", "X8.2.3", "126.2.3", "2026-2", "2026/02/03/04", "令和八年"])
def test_text_in_no_accepted_form_gets_the_examples(text):
    with pytest.raises(DateFormatError) as error:
        read_date(text, today=TODAY)
    assert error.value.message == f"日付の形式が正しくありません。{FORMAT_EXAMPLES}"
    assert FORMAT_EXAMPLES == "例: R8.2.3、令和8年2月3日、2026-02-03"


def test_a_year_without_an_era_is_a_year_of_todays_era():
    assert read_date("1.5.1", today=TODAY) == dt.date(2019, 5, 1)
    assert read_date("元.5.1", today=TODAY) == dt.date(2019, 5, 1)
    with pytest.raises(DateTextError, match="平成の期間外"):
        read_date("31.5.1", today=dt.date(2019, 4, 1))  # typed in the last month of 平成, the year is 平成's


def test_written_short_long_and_month():
    assert wareki_short(FEB3) == "R8.2.3"
    assert wareki(FEB3) == "令和8年2月3日"
    assert wareki_month(FEB3) == "令和8年2月"
    assert wareki_short(dt.date(2019, 5, 1)) == "R1.5.1"
    assert wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki_short(dt.date(2019, 4, 30)) == "H31.4.30"
    assert wareki(dt.date(1989, 1, 7)) == "昭和64年1月7日"
    assert wareki_short(dt.date(1860, 1, 1)) == "1860-01-01"


@given(st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2099, 12, 31)))
def test_what_is_written_reads_back(date):
    assert read_date(wareki_short(date), today=TODAY) == date
    assert read_date(wareki(date), today=TODAY) == date
    assert read_date(date.isoformat(), today=TODAY) == date
