"""Cells of the spreadsheets the app hands out — every CSV and Excel writer goes through here.

A spreadsheet program runs a cell that starts with = + - or @ (and, in a CSV, a tab or a carriage return) as a
formula: a value someone typed into a form, the public worksheet link or the API could then open a link or
compute with the reader's other cells when a colleague opens the export (CSV / formula injection, OWASP).

- **CSV** (`csv_text`, `csv_writer`): such a text gets a leading apostrophe, as OWASP recommends; Excel shows the
  text without it. Other texts, numbers, dates and empty cells are written as they are.
- **Excel** (`xlsx_row` for `sheet.append`, `xlsx_put` for one cell): every text is a string cell (openpyxl's
  data type "s", written as an inline string) — never a formula (openpyxl makes one of any text starting with
  "="), never an error value ("#N/A"). The text itself is unchanged, so a workbook the app reads back (the
  resources workbook, the 業務棚卸表) gives exactly what it wrote; a text that starts like a formula also carries
  Excel's quote prefix (what typing an apostrophe sets), so it stays text when edited in Excel. Numbers and None
  are written as they are.
- **Dates in Excel**: a date is a real date cell (it sorts and filters as a date) shown in 和暦 by its number format:
  `WAREKI_DATE` 「令和8年2月3日」, `WAREKI_DATETIME` with the time, `WAREKI_MONTH` 「令和8年2月」 for a month
  (`xlsx_month`). `[$-411]` is the Japanese locale and `ggg` / `e` its era name and year: Excel writes this code
  itself for a 和暦 format, and LibreOffice (7.4 checked) shows 令和8年2月3日 from it. The newer
  `[$-ja-JP-x-gannen]` (元年 for the first year) and `[$-ja-JP]` are Excel's alone: LibreOffice shows the bare
  serial number for them, so the first year reads 令和1年. A datetime is written
  as the naive local time it shows (Excel has no time zones).

Not through here, on purpose:

- The HSDS data package (`resources.hsds.tabular`) is a machine interchange format read by other directories'
  software: its values must round-trip exactly ("+81…" phone numbers, "-" for an address part we were not told),
  and an apostrophe would be data to every reader of the standard. It holds the public entries only.
- `tsunagu link`'s output (`identity.cli`) maps the record ids of the operator's own input file to persons and
  households, to be joined back to that file by id: it must echo each id exactly, and carries nothing the input
  did not (and `identity` imports nothing of Tsunagu's).
"""

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

WAREKI_DATE = '[$-411]ggge"年"m"月"d"日";@'
WAREKI_DATETIME = '[$-411]ggge"年"m"月"d"日" h:mm;@'
WAREKI_MONTH = '[$-411]ggge"年"m"月";@'


@dataclass(frozen=True)
class Month:
    """A month, for a date cell (its first day) shown as 「令和8年2月」."""

    date: dt.date


def xlsx_month(date: dt.date) -> Month:
    return Month(date.replace(day=1))


def csv_text(value: Any) -> Any:
    """A value for a CSV cell: a text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """`csv.writer` whose every cell goes through `csv_text`."""

    def __init__(self, out: "SupportsWrite[str]", **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        """What the underlying writer's write returned (a streamed response yields it)."""
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: "SupportsWrite[str]", **options: Any) -> CsvWriter:
    return CsvWriter(out, **options)


def _as_text(cell: Cell, text: str) -> Cell:
    cell.value = text  # openpyxl refuses characters a workbook cannot hold, then types "=…" as a formula …
    cell.data_type = "s"  # … which it is not: a string cell, whatever it starts with
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _date_value(value: Any) -> tuple[Any, str] | None:
    """A date, datetime or Month as (the cell's value, its 和暦 number format); None for any other value."""
    if isinstance(value, Month):
        return value.date, WAREKI_MONTH
    if isinstance(value, dt.datetime):  # openpyxl refuses an aware datetime: the local time it shows
        return (timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value), WAREKI_DATETIME
    if isinstance(value, dt.date):
        return value, WAREKI_DATE
    return None


def xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """A value for `sheet.append` (an ordinary or a write-only sheet): text as a string cell, a date as a date cell
    in 和暦, the rest as is."""
    if isinstance(value, str):
        return _as_text(WriteOnlyCell(sheet), value)
    if dated := _date_value(value):
        cell = WriteOnlyCell(sheet, value=dated[0])
        cell.number_format = dated[1]
        return cell
    return value


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(sheet, value) for value in values]


def xlsx_put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row, column, value)` of an ordinary sheet, text as a string cell. Returns the cell."""
    cell = cast(Cell, sheet.cell(row=row, column=column))  # not a MergedCell: the app writes only anchor cells
    if isinstance(value, str):
        return _as_text(cell, value)
    if dated := _date_value(value):
        cell.value, cell.number_format = dated
        return cell
    cell.value = value
    return cell
