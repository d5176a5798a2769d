"""和暦: how a date is read from what someone typed, and how it is written back. Every date input (core.dates) and
the 生年月日 of 名寄せ (identity.normalize) read dates here, so R8.2.3 means the same on every form.

Read: 令和8年2月3日, 令和8.2.3, R8.2.3 (r8.2.3), 令8.2.3, 平成・昭和・大正・明治 the same way, 元年, kanji numerals,
8.2.3 or 8年2月3日 (a year of one or two digits is a year of the current era), 2026-02-03, 2026/2/3, 2026年2月3日,
20260203, full-width digits. A date outside its era is refused with the era's span, never moved into the next era:
平成32年 does not exist (平成 ended in its 31st year), and 令和元年1月1日 was still 平成.

Written: short (`wareki_short`, for tables and inputs) 「R8.2.3」; long (`wareki`, for prints and headings)
「令和8年2月3日」, 元年 for the first year.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: dt.date
    end: dt.date  # last day, inclusive

    @property
    def last_year(self) -> int:
        return self.end.year - self.start.year + 1


ERAS = (
    Era("明治", "M", dt.date(1868, 10, 23), dt.date(1912, 7, 29)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("令和", "R", dt.date(2019, 5, 1), dt.date(9999, 12, 31)),
)
_ERA_BY_TOKEN = {token: era for era in ERAS for token in (era.name, era.name[0], era.letter)}
_NEXT_ERA = {ERAS[i].name: ERAS[i + 1].name for i in range(len(ERAS) - 1)}

FORMAT_EXAMPLES = "例: R8.2.3、令和8年2月3日、2026-02-03"


class DateTextError(ValueError):
    """A typed date that is not a date; `message` says why, in Japanese, to the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DateFormatError(DateTextError):
    """The text is not written in any of the accepted forms (as against a form read but an impossible date)."""


def era_of(date: dt.date) -> Era | None:
    """The era a date falls in; None before 明治."""
    return next((era for era in reversed(ERAS) if date >= era.start), None)


def _year_label(era_year: int) -> str:
    return "元年" if era_year == 1 else f"{era_year}年"


def wareki(date: dt.date | str) -> str:
    """The long form: 1940-03-02 → 昭和15年3月2日, 2019-05-01 → 令和元年5月1日 (before 明治: 1860年1月1日)."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    era = era_of(date)
    if era is None:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{era.name}{_year_label(date.year - era.start.year + 1)}{date.month}月{date.day}日"


def wareki_short(date: dt.date) -> str:
    """The short form, for tables and inputs: 2026-02-03 → R8.2.3, 2019-05-01 → R1.5.1."""
    era = era_of(date)
    if era is None:
        return date.isoformat()
    return f"{era.letter}{date.year - era.start.year + 1}.{date.month}.{date.day}"


def wareki_month(date: dt.date) -> str:
    """A month heading: 2026-02 → 令和8年2月."""
    era = era_of(date)
    if era is None:
        return f"{date.year}年{date.month}月"
    return f"{era.name}{_year_label(date.year - era.start.year + 1)}{date.month}月"


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇零一二三四五六七八九十百千]+")


def kanji_to_int(text: str) -> int:
    """三 → 3, 十五 → 15, 二十 → 20, 一九四〇 → 1940 (positional digits are read as written)."""
    if not any(c in _KANJI_UNITS for c in text):
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
        else:
            current = current * 10 + _KANJI_DIGITS[char]
    return total + current


_SEP = r"\s*[年./\-]\s*"
_ERA_DATE = re.compile(
    rf"^(明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR])\.?\s*(\d{{1,2}}|元){_SEP}(\d{{1,2}})\s*[月./\-]\s*(\d{{1,2}})\s*日?$"
)
# A year of one or two digits without an era is a year of the current era: 8.2.3 is 令和8年2月3日.
_CURRENT_ERA_DATE = re.compile(rf"^(\d{{1,2}}|元){_SEP}(\d{{1,2}})\s*[月./\-]\s*(\d{{1,2}})\s*日?$")
_WESTERN_DATE = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*[月./\-]\s*(\d{{1,2}})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def clean_date_text(text: str) -> str:
    """NFKC (full-width digits and letters), upper case, kanji numerals as digits, no surrounding space."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().upper()
    return _KANJI_NUMBER.sub(lambda m: str(kanji_to_int(m.group())), cleaned)


def read_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """The date `text` names, in any of the forms of this module's docstring; `today` decides the current era.

    Raises DateFormatError for text in none of the forms, DateTextError for an impossible date (2月30日, a year past
    its era's end, a day before its era began)."""
    cleaned = clean_date_text(text)
    if match := _ERA_DATE.match(cleaned):
        era = _ERA_BY_TOKEN[match.group(1)]
        return _era_date(era, match.group(2), match.group(3), match.group(4))
    if match := _CURRENT_ERA_DATE.match(cleaned):
        era = era_of(today or dt.date.today()) or ERAS[-1]
        return _era_date(era, match.group(1), match.group(2), match.group(3))
    match = _WESTERN_DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if not match:
        raise DateFormatError(f"日付の形式が正しくありません。{FORMAT_EXAMPLES}")
    year, month, day = (int(g) for g in match.groups())
    return _date(year, month, day)


def _era_date(era: Era, year_text: str, month_text: str, day_text: str) -> dt.date:
    era_year = 1 if year_text == "元" else int(year_text)
    month, day = int(month_text), int(day_text)
    if era_year < 1:
        raise DateTextError(f"{era.name}0年はありません（{era.name}は元年から数えます）")
    if era_year > era.last_year:
        raise DateTextError(f"{era.name}は{era.last_year}年（{_NEXT_ERA.get(era.name, '')}元年）までです")
    date = _date(era.start.year + era_year - 1, month, day)
    if not era.start <= date <= era.end:
        span = f"{era.start:%Y年%m月%d日}から" + ("" if era is ERAS[-1] else f"{era.end:%Y年%m月%d日}まで")
        raise DateTextError(f"{era.name}{_year_label(era_year)}{month}月{day}日は{era.name}の期間外です（{span}）")
    return date


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateTextError(f"{year}年{month}月{day}日は存在しない日付です") from None
