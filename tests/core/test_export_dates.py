"""Dates in every Excel file the app hands out are real date cells (they sort and filter as dates) shown in 和暦 by
their number format (tsunagu.core.cells)."""

import io
import zoneinfo
from datetime import date, datetime

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tsunagu.core import cells

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _read_back(book: Workbook):
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_the_formats_are_japanese_era_formats_excel_and_libreoffice_both_read():
    assert cells.WAREKI_DATE == '[$-411]ggge"年"m"月"d"日";@'
    assert cells.WAREKI_DATETIME == '[$-411]ggge"年"m"月"d"日" h:mm;@'
    assert cells.WAREKI_MONTH == '[$-411]ggge"年"m"月";@'


@pytest.mark.parametrize("write_only", [False, True])
def test_a_date_is_a_date_cell_in_wareki(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    aware = datetime(2026, 2, 2, 16, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))  # 2026-02-03 01:05 in Tokyo
    sheet.append(cells.xlsx_row(sheet, [date(2026, 2, 3), aware, datetime(2026, 2, 3, 9, 30),
                                        cells.xlsx_month(date(2026, 2, 17)), "R8.2.3", 3]))
    row = next(_read_back(book).worksheets[0].iter_rows())
    assert [c.is_date for c in row] == [True, True, True, True, False, False]
    assert [c.number_format for c in row[:4]] == [cells.WAREKI_DATE, cells.WAREKI_DATETIME, cells.WAREKI_DATETIME,
                                                  cells.WAREKI_MONTH]
    assert row[0].value == datetime(2026, 2, 3)
    assert row[1].value == datetime(2026, 2, 3, 1, 5)  # the local time it shows: Excel has no time zones
    assert row[3].value == datetime(2026, 2, 1)
    assert row[4].data_type == "s"


def test_xlsx_put_writes_a_date_cell_in_wareki():
    book = Workbook()
    cells.xlsx_put(book.active, 1, 1, date(2019, 5, 1))
    cell = _read_back(book).active["A1"]
    assert cell.is_date and cell.number_format == cells.WAREKI_DATE and cell.value == datetime(2019, 5, 1)


@pytest.mark.django_db
def test_the_case_export_writes_its_dates_as_wareki_date_cells(client_for, alice):
    response = client_for(alice).post("/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": "家賃の滞納", "name": "高橋 ヨシ", "outcome": "continue"},
        content_type="application/json")
    assert response.status_code == 201
    sheet = load_workbook(io.BytesIO(client_for(alice).get("/cases/export.xlsx").content)).active
    header = [c.value for c in sheet[1]]
    opened = sheet.cell(row=2, column=header.index("開始日") + 1)
    assert opened.is_date and opened.number_format == cells.WAREKI_DATE
    assert opened.value.date() == timezone.localdate()
    updated = sheet.cell(row=2, column=len(header))
    assert updated.is_date and updated.number_format == cells.WAREKI_DATETIME
