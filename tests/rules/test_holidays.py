"""rules.holidays against the 内閣府's published lists of 国民の祝日 (令和8年・令和9年), and the rules one by one."""

from datetime import date

import pytest

from tsunagu.rules.holidays import holiday_name, holidays_of

# 内閣府「国民の祝日について」: 令和8年（2026年）and 令和9年（2027年）
PUBLISHED = {
    2026: ["01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06", "07-20", "08-11",
           "09-21", "09-22", "09-23", "10-12", "11-03", "11-23"],
    2027: ["01-01", "01-11", "02-11", "02-23", "03-21", "03-22", "04-29", "05-03", "05-04", "05-05", "07-19", "08-11",
           "09-20", "09-23", "10-11", "11-03", "11-23"],
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_year_is_the_published_list(year):
    assert [d.strftime("%m-%d") for d in holidays_of(year)] == PUBLISHED[year]


def test_the_rules_by_name():
    assert holiday_name(date(2026, 5, 6)) == "振替休日"  # 憲法記念日 on a Sunday, 5/4 and 5/5 taken: the 6th
    assert holiday_name(date(2026, 9, 22)) == "国民の休日"  # between 敬老の日 (21) and 秋分の日 (23)
    assert holiday_name(date(2027, 3, 22)) == "振替休日"  # 春分の日 on a Sunday
    assert holiday_name(date(2026, 1, 12)) == "成人の日" and holiday_name(date(2026, 12, 7)) is None


def test_a_year_the_formula_does_not_cover_is_refused():
    with pytest.raises(ValueError, match="1980年から2099年"):
        holidays_of(2100)
