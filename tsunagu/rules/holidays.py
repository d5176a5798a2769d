"""国民の祝日 (国民の祝日に関する法律), plain Python: whether a day is a national holiday, and its name.

The law as it stands since 2020: the fixed days, the four Mondays (ハッピーマンデー), the two equinox days computed by
the usual formula (valid 1980–2099; the official days are announced each February by the 国立天文台 and have so far
always agreed with it), 振替休日 (a holiday falling on a Sunday moves to the next day that is not a holiday) and 国民の
休日 (a day between two holidays). The one-off moves of 2020 and 2021 (the Olympic Games) are not modelled: the app
asks about days from 2022 on.
"""

from datetime import date, timedelta
from functools import cache

_FIXED = {(1, 1): "元日", (2, 11): "建国記念の日", (2, 23): "天皇誕生日", (4, 29): "昭和の日", (5, 3): "憲法記念日",
          (5, 4): "みどりの日", (5, 5): "こどもの日", (8, 11): "山の日", (11, 3): "文化の日", (11, 23): "勤労感謝の日"}
# (month, which Monday): name
_MONDAYS = {(1, 2): "成人の日", (7, 3): "海の日", (9, 3): "敬老の日", (10, 2): "スポーツの日"}


def _equinox(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - (year - 1980) // 4)


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


@cache
def holidays_of(year: int) -> dict[date, str]:
    """Every national holiday of the year, with its name."""
    if not 1980 <= year <= 2099:
        raise ValueError(f"祝日を計算できるのは1980年から2099年までです: {year}")
    days = {date(year, m, d): name for (m, d), name in _FIXED.items()}
    days.update({_nth_monday(year, m, n): name for (m, n), name in _MONDAYS.items()})
    days[date(year, 3, _equinox(year, 20.8431))] = "春分の日"
    days[date(year, 9, _equinox(year, 23.2488))] = "秋分の日"
    for day in sorted(days):  # 国民の休日: a weekday between two holidays
        between = day + timedelta(days=1)
        if between not in days and between + timedelta(days=1) in days and between.weekday() != 6:
            days[between] = "国民の休日"
    for day in sorted(days):  # 振替休日: a holiday on a Sunday → the next day that is not a holiday
        if day.weekday() == 6 and days[day] != "振替休日":
            moved = day + timedelta(days=1)
            while moved in days:
                moved += timedelta(days=1)
            days[moved] = "振替休日"
    return dict(sorted(days.items()))


def holiday_name(day: date) -> str | None:
    """The holiday's name, or None on an ordinary day."""
    return holidays_of(day.year).get(day)
