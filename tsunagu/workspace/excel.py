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
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.core.cells import xlsx_put
from tsunagu.core.fiscal import fiscal_year_label

from .models import Mark

LEGEND = [m.label for m in Mark]
CASELOAD_LABEL = "担当件数"
SHARE_LABEL = "担当業務上の割合"
HEADER_SEARCH_ROWS = 15
FIRST_ROLE_COLUMN = 5  # E

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
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise SheetError("Excel ファイル（.xlsx）として読み込めませんでした。保存形式を確認してください。") from exc
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    header_at = _find_header(rows)
    headings = _headings(rows[header_at], header_at)
    parsed = ParsedSheet(headings=headings, header_row=header_at + 1)
    _read_body(rows, header_at, parsed)
    if not parsed.rows:
        raise SheetError("業務内容の行が一つもありません。見出し行の下に業務を記入してください。")
    return parsed


def heading_cell(parsed: ParsedSheet, index: int) -> str:
    return f"{get_column_letter(FIRST_ROLE_COLUMN + index)}{parsed.header_row}"


def _find_header(rows: list[list]) -> int:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if len(row) >= 4 and _text(row[3]) == "業務内容":
            return i
    raise SheetError(f"見出し行が見つかりません。1〜{HEADER_SEARCH_ROWS}行目の D 列に「業務内容」と書かれた行が必要です。", "D1")


def _headings(header: list, header_at: int) -> list[str]:
    headings = []
    for col in range(FIRST_ROLE_COLUMN - 1, len(header)):
        text = _text(header[col])
        if not text:
            break
        if text == "備考":
            break
        headings.append(text)
    if not headings:
        raise SheetError("職種の列がありません。「業務内容」の右隣から職種名を並べてください。", f"E{header_at + 1}")
    return headings


def _read_body(rows: list[list], header_at: int, parsed: ParsedSheet) -> None:
    category_no, category = 0, ""
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        row = row + [None] * (FIRST_ROLE_COLUMN - 1 + len(parsed.headings) - len(row))
        task = _text(row[3])
        cells = row[FIRST_ROLE_COLUMN - 1 : FIRST_ROLE_COLUMN - 1 + len(parsed.headings)]
        if task in (CASELOAD_LABEL, SHARE_LABEL):
            _read_figures(task, cells, offset, parsed)
            continue
        if _text(row[1]):
            category = _text(row[1])
            category_no = _number(row[0], f"A{offset}", default=category_no + 1)
        if not task:
            if any(_text(c) for c in cells):
                raise SheetError("業務内容が空欄の行に印があります。業務内容を記入するか、印を消してください。", f"D{offset}")
            continue
        if not category:
            raise SheetError("最初の業務の行にカテゴリーがありません。", f"B{offset}")
        task_no = _number(row[2], f"C{offset}", default=_next_task_no(parsed, category))
        marks = {i: _mark(c, f"{get_column_letter(FIRST_ROLE_COLUMN + i)}{offset}") for i, c in enumerate(cells) if _text(c)}
        parsed.rows.append(ParsedRow(category_no, category, task_no, task, marks))


def _next_task_no(parsed: ParsedSheet, category: str) -> int:
    return sum(1 for r in parsed.rows if r.category == category) + 1


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
        return int(float(text))
    except ValueError:
        raise SheetError(f"「{text}」は数字ではありません。番号・件数は数字で入力してください。", cell) from None


def _mark(value, cell: str) -> str:
    text = _text(value)
    mark = _MARK_SPELLINGS.get(text)
    if mark is None:
        raise SheetError(f"「{text}」は使えません。◎・×・○ のいずれか、または空欄にしてください。", cell)
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
