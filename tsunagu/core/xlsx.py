"""Reading an uploaded .xlsx without trusting it: the one reader of every Excel import.

An .xlsx is a zip of XML files, and its sheet declares its own size (`<dimension ref="A1:XFD1048576">`). openpyxl's
read-only mode believes that declaration and pads every row, and every gap between rows, to it: a 5 KB file then
costs gigabytes, and a file of many empty rows costs time with the square of its rows. So this reader

- refuses a file larger than `Limits.file_bytes`, and a zip whose directory declares more than
  `Limits.unpacked_bytes` once unpacked (a zip bomb) before anything is decompressed — Python's zipfile never
  unpacks a member beyond the size its directory declares;
- never reads the declared dimension: it walks the sheet's real `<row>` and `<c>` elements, counting rows, cells
  and the widest column as it goes, and stops at the first limit crossed, so its time is linear in the real cells;
- answers every refusal in Japanese (`XlsxError`, with the cell where it stopped, e.g. 「A10001」).

The importers (resources.excel, workspace.excel) read rows from here and check each cell's meaning themselves.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 5 * MEGABYTE
    unpacked_bytes: int = 50 * MEGABYTE  # all members of the zip together, as its directory declares them
    rows: int = 10_000  # rows holding at least one cell
    columns: int = 100
    cells: int = 200_000
    text_chars: int = 10_000  # one cell's text


class XlsxError(ValueError):
    """The file cannot be read within the limits. `cell` is where reading stopped (e.g. "A10001"), or ""."""

    def __init__(self, message: str, cell: str = ""):
        self.cell = cell
        super().__init__(f"セル {cell}: {message}" if cell else message)


NOT_XLSX = "Excel ファイル（.xlsx）として読み込めません。Excel で開いて .xlsx 形式で保存し直してください。"


def _check_archive(data: bytes, limits: Limits) -> None:
    if len(data) > limits.file_bytes:
        raise XlsxError(f"ファイルが大きすぎます（上限 {limits.file_bytes // MEGABYTE} MB）。"
                        "不要なシートや行を削除して保存し直してください。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise XlsxError(NOT_XLSX) from exc
    unpacked = sum(m.file_size for m in members)
    if len(members) > 10_000 or unpacked > limits.unpacked_bytes:
        raise XlsxError(f"展開すると大きすぎるファイルです（展開後 {unpacked // MEGABYTE} MB、上限 "
                        f"{limits.unpacked_bytes // MEGABYTE} MB）。Excel で開いて保存し直してください。")


def _parser(sheet: Any) -> tuple[WorkSheetParser, Any]:
    # The worksheet's own XML, parsed row by row, as openpyxl's read-only sheet does — without its padding to
    # the declared dimension (openpyxl 3.1: these are the attributes ReadOnlyWorksheet._cells_by_row uses).
    source = sheet._get_source()  # noqa: SLF001
    book = sheet.parent
    parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,  # noqa: SLF001
                             date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)  # noqa: SLF001
    return parser, source


def read_rows(data: bytes, *, limits: Limits | None = None) -> list[tuple[int, list[Any]]]:
    """The first sheet's rows that hold a cell, as (row number, values from column A to the row's last cell).

    Raises XlsxError when the file is not an .xlsx or crosses a limit; nothing of the sheet is kept then."""
    limits = limits or Limits()
    _check_archive(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise XlsxError(NOT_XLSX) from exc
    except Exception as exc:  # openpyxl raises many other kinds (lxml, IndexError…) for a malformed part
        raise XlsxError(NOT_XLSX) from exc
    try:
        if not book.worksheets:
            raise XlsxError("シートがありません。")
        return _rows(book.worksheets[0], limits)
    finally:
        book.close()


def _rows(sheet: Any, limits: Limits) -> list[tuple[int, list[Any]]]:
    found: list[tuple[int, list[Any]]] = []
    cells = 0
    parser, source = _parser(sheet)
    try:
        for number, row in parser.parse():
            real = [c for c in row if c["value"] is not None]
            if not real:
                continue
            if len(found) >= limits.rows:
                raise XlsxError(f"行が多すぎます（上限 {limits.rows:,} 行）。表を分けてください。", f"A{number}")
            widest = max(c["column"] for c in real)
            if widest > limits.columns:
                raise XlsxError(f"列が多すぎます（上限 {limits.columns} 列、{get_column_letter(limits.columns)} 列まで）。"
                                "不要な列を削除してください。", f"{get_column_letter(widest)}{number}")
            cells += len(real)
            if cells > limits.cells:
                raise XlsxError(f"セルが多すぎます（上限 {limits.cells:,} セル）。表を分けてください。", f"A{number}")
            values: list[Any] = [None] * widest
            for cell in real:
                value = cell["value"]
                if isinstance(value, str):
                    value = _checked_text(value, f"{get_column_letter(cell['column'])}{number}", limits)
                values[cell["column"] - 1] = value
            found.append((number, values))
    except XlsxError:
        raise
    except Exception as exc:  # malformed XML inside a well-formed zip
        raise XlsxError(NOT_XLSX) from exc
    finally:
        source.close()
    return found


def _checked_text(value: str, cell: str, limits: Limits) -> str:
    if "\x00" in value:
        raise XlsxError("NUL 文字（\\0）が含まれています。この文字を削除してください。", cell)
    if len(value) > limits.text_chars:
        raise XlsxError(f"文字数が多すぎます（{len(value):,} 文字、上限 {limits.text_chars:,} 文字）。", cell)
    return value
