"""The 業務棚卸表 as Excel, in the seed's layout:

    row 1   令和N年度 業務整理表【機関名】
    rows 2–4 the legend (◎ / × / ○)
    header  (No.) | カテゴリー | (No.) | 業務内容 | 職種… (the header row is found by its 「業務内容」 cell)
    then optionally 「担当件数」 and 「担当業務上の割合」 rows (業務内容 column), then one row per task;
    the category's number and name stand on its first task only (merged cells in the original).

Reading is strict: a cell that cannot be understood is named (e.g. 「F12」) and nothing is saved.
"""

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.core.cells import xlsx_put
from tsunagu.core.fiscal import fiscal_year_label
from tsunagu.core.xlsx import Limits, XlsxError, read_rows

from .models import Mark

LEGEND = [m.label for m in Mark]
CASELOAD_LABEL = "担当件数"
SHARE_LABEL = "担当業務上の割合"
HEADER_SEARCH_ROWS = 15
FIRST_ROLE_COLUMN = 5  # E
# An agency's inventory is a few hundred tasks and a dozen roles; a sheet beyond these is a wrong file.
LIMITS = Limits(file_bytes=5 * 1024 * 1024, rows=2_000, columns=60, cells=100_000)
HEADING_CHARS, CATEGORY_CHARS, TASK_CHARS = 50, 200, 300  # the model's field sizes
MAX_NUMBER = 32_767  # a PositiveSmallIntegerField on both databases

_MARK_SPELLINGS = {"◎": "◎", "○": "○", "〇": "○", "◯": "○", "O": "○", "o": "○", "×": "×", "✕": "×", "✖": "×", "X": "×", "x": "×"}


class SheetError(ValueError):
    """A sheet that cannot be read. `cell` is the Excel address (e.g. "F12"), or "" for the whole sheet."""

    def __init__(self, message: str, cell: str = ""):
        self.cell = cell
        super().__init__(f"セル {cell}: {message}" if cell else message)


@dataclass
class ParsedRow:
    category_no: int
    category: str
    task_no: int
    task: str
    marks: dict[int, str]  # role column index (0-based) → mark


@dataclass
class ParsedSheet:
    headings: list[str]
    header_row: int = 1  # 1-based, to name a heading's cell
    caseloads: list[int | None] = field(default_factory=list)
    shares: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def normalize_heading(value: str) -> str:
    """Headings as people type them: 「プランナー 事務兼務」, 「プランナー（事務兼務）」 → one form."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).replace("(", "").replace(")", "")


def read_inventory_sheet(data: bytes) -> ParsedSheet:
    try:
        rows = read_rows(data, limits=LIMITS)
    except XlsxError as exc:
        raise SheetError(str(exc).removeprefix(f"セル {exc.cell}: "), exc.cell) from exc
    header_at = _find_header(rows)
    number, header = rows[header_at]
    headings = _headings(header, number)
    parsed = ParsedSheet(headings=headings, header_row=number)
    _read_body(rows[header_at + 1:], parsed)
    if not parsed.rows:
        raise SheetError("業務内容の行が一つもありません。見出し行の下に業務を記入してください。")
    return parsed


def heading_cell(parsed: ParsedSheet, index: int) -> str:
    return f"{get_column_letter(FIRST_ROLE_COLUMN + index)}{parsed.header_row}"


def _find_header(rows: list[tuple[int, list]]) -> int:
    for i, (number, row) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        if len(row) >= 4 and _text(row[3]) == "業務内容":
            return i
    raise SheetError(f"見出し行が見つかりません。1〜{HEADER_SEARCH_ROWS}行目の D 列に「業務内容」と書かれた行が必要です。", "D1")


def _headings(header: list, number: int) -> list[str]:
    headings = []
    for col in range(FIRST_ROLE_COLUMN - 1, len(header)):
        text = _text(header[col])
        if not text:
            break
        if text == "備考":
            break
        if len(text) > HEADING_CHARS:
            raise SheetError(f"職種名が長すぎます（{HEADING_CHARS}文字まで）。", f"{get_column_letter(col + 1)}{number}")
        headings.append(text)
    if not headings:
        raise SheetError("職種の列がありません。「業務内容」の右隣から職種名を並べてください。", f"E{number}")
    return headings


def _read_body(rows: list[tuple[int, list]], parsed: ParsedSheet) -> None:
    category_no, category = 0, ""
    per_category: Counter[str] = Counter()  # the next task number of each category, kept as rows are read
    for offset, row in rows:
        row = row + [None] * (FIRST_ROLE_COLUMN - 1 + len(parsed.headings) - len(row))
        task = _text(row[3])
        cells = row[FIRST_ROLE_COLUMN - 1 : FIRST_ROLE_COLUMN - 1 + len(parsed.headings)]
        if task in (CASELOAD_LABEL, SHARE_LABEL):
            _read_figures(task, cells, offset, parsed)
            continue
        if _text(row[1]):
            category = _limited(row[1], CATEGORY_CHARS, "カテゴリー", f"B{offset}")
            category_no = _number(row[0], f"A{offset}", default=category_no + 1)
        if not task:
            if any(_text(c) for c in cells):
                raise SheetError("業務内容が空欄の行に印があります。業務内容を記入するか、印を消してください。", f"D{offset}")
            continue
        if not category:
            raise SheetError("最初の業務の行にカテゴリーがありません。", f"B{offset}")
        task = _limited(task, TASK_CHARS, "業務内容", f"D{offset}")
        task_no = _number(row[2], f"C{offset}", default=per_category[category] + 1)
        per_category[category] += 1
        marks = {i: _mark(c, f"{get_column_letter(FIRST_ROLE_COLUMN + i)}{offset}") for i, c in enumerate(cells) if _text(c)}
        parsed.rows.append(ParsedRow(category_no, category, task_no, task, marks))


def _limited(value, limit: int, label: str, cell: str) -> str:
    text = _text(value)
    if len(text) > limit:
        raise SheetError(f"{label}が長すぎます（{len(text):,}文字、{limit}文字まで）。短くしてください。", cell)
    return text


def _read_figures(label: str, cells: list, offset: int, parsed: ParsedSheet) -> None:
    if label == CASELOAD_LABEL:
        parsed.caseloads = [
            _number(c, f"{get_column_letter(FIRST_ROLE_COLUMN + i)}{offset}", default=None) for i, c in enumerate(cells)
        ]
    else:
        parsed.shares = [_text(c) for c in cells]


def _number(value, cell: str, *, default):
    text = _text(value)
    if not text:
        return default
    try:
        number = int(float(text))
    except (ValueError, OverflowError):
        raise SheetError(f"「{text[:20]}」は数字ではありません。番号・件数は数字で入力してください。", cell) from None
    if not 0 <= number <= MAX_NUMBER:
        raise SheetError(f"「{text[:20]}」は範囲外です。番号・件数は 0〜{MAX_NUMBER:,} の数字で入力してください。", cell)
    return number


def _mark(value, cell: str) -> str:
    text = _text(value)
    mark = _MARK_SPELLINGS.get(text)
    if mark is None:
        raise SheetError(f"「{text[:20]}」は使えません。◎・×・○ のいずれか、または空欄にしてください。", cell)
    return mark


# ---- writing ------------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")


def write_inventory_sheet(inventory, columns, rows) -> bytes:
    """`columns` and `rows` are the inventory's, in order (passed in so the caller controls the queries). Texts are
    string cells (tsunagu.core.cells): a task typed as 「=…」 is written, and read back, as that text."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet, the active one
    ws.title = "業務整理表"
    title = xlsx_put(ws, 1, 1, f"{fiscal_year_label(inventory.fiscal_year)} 業務整理表【{inventory.agency.name}】")
    title.font = Font(bold=True, size=14)
    for i, text in enumerate(LEGEND, start=2):
        xlsx_put(ws, i, 1, text)
    header = 6
    for col, text in enumerate(["", "カテゴリー", "", "業務内容", *[c.heading for c in columns]], start=1):
        cell = xlsx_put(ws, header, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line = header + 1
    line = _write_figures(ws, line, columns)
    _write_tasks(ws, line, columns, rows)
    for letter, width in zip("ABCD", (5, 22, 5, 44), strict=True):
        ws.column_dimensions[letter].width = width
    for i in range(len(columns)):
        ws.column_dimensions[get_column_letter(FIRST_ROLE_COLUMN + i)].width = 11
    ws.freeze_panes = ws.cell(row=header + 1, column=FIRST_ROLE_COLUMN).coordinate
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_figures(ws, line: int, columns) -> int:
    if any(c.caseload is not None for c in columns):
        xlsx_put(ws, line, 4, CASELOAD_LABEL)
        for i, c in enumerate(columns):
            xlsx_put(ws, line, FIRST_ROLE_COLUMN + i, c.caseload)
        line += 1
    if any(c.share for c in columns):
        xlsx_put(ws, line, 4, SHARE_LABEL)
        for i, c in enumerate(columns):
            xlsx_put(ws, line, FIRST_ROLE_COLUMN + i, c.share or None)
        line += 1
    return line


def _write_tasks(ws, line: int, columns, rows) -> None:
    previous = None
    for row in rows:
        if row.category != previous:
            xlsx_put(ws, line, 1, row.category_no)
            xlsx_put(ws, line, 2, row.category).alignment = Alignment(vertical="top", wrap_text=True)
            previous = row.category
        xlsx_put(ws, line, 3, row.task_no)
        xlsx_put(ws, line, 4, row.task)
        for i, column in enumerate(columns):
            cell = xlsx_put(ws, line, FIRST_ROLE_COLUMN + i, row.marks.get(str(column.pk)))
            cell.alignment = Alignment(horizontal="center")
            cell.border = _BORDER
        line += 1


# ---- a parsed sheet kept while its uploader confirms (TaskInventoryUpload.sheet) --------------------------------

def sheet_to_json(parsed: ParsedSheet) -> dict:
    return {"headings": parsed.headings, "header_row": parsed.header_row, "caseloads": parsed.caseloads,
            "shares": parsed.shares,
            "rows": [[r.category_no, r.category, r.task_no, r.task, {str(i): m for i, m in r.marks.items()}]
                     for r in parsed.rows]}


def sheet_from_json(data: dict) -> ParsedSheet:
    rows = [ParsedRow(no, category, task_no, task, {int(i): m for i, m in marks.items()})
            for no, category, task_no, task, marks in data["rows"]]
    return ParsedSheet(headings=data["headings"], header_row=data["header_row"], caseloads=data["caseloads"],
                       shares=data["shares"], rows=rows)
