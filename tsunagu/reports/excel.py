"""The yearly figures as an Excel workbook, for the municipality's report:

    月別          the figures (rows) by month (columns) and the year, for the agencies chosen
    機関別        the agencies (rows) by figure (columns), over the year
    機関別・月別  one row per agency, figure and month: the long form, for a pivot table

and a figure's row list (`row_workbook`): the rows the reader may see, and how many she may not; and the 公表用
workbook (`public_workbook`): each count by agency and month with cells of 1–4 hidden, and hidden with them
whatever would give them away (`reports.suppression`).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tsunagu.core.cells import xlsx_month, xlsx_row
from tsunagu.core.fiscal import fiscal_year_label

from .figures import NOT_YET, Table
from .filebook import Entry
from .models import Publication
from .published import Correction
from .rows import RowList
from .suppression import TOTAL, Grid, suppressed
from .targets import Progress, as_number

HEADER = Font(bold=True)
ALL_AGENCIES = "全機関"


def workbook(table: Table, scope_label: str, *, progress: list[Progress] | None = None,
             publication: Publication | None = None, corrections: list[Correction] | None = None) -> bytes:
    """Texts (agency names among them) are string cells, never formulas (tsunagu.core.cells). With `progress`
    (every agency together), a sheet 事業目標 follows the 月別 sheet."""
    book = Workbook()
    by_month: Worksheet = book.worksheets[0]  # a new workbook's one sheet
    by_month.title = "月別"
    by_month.append(xlsx_row(by_month, [f"{table.label} 包括的支援体制の実績（{scope_label}）"]))
    by_month["A1"].font = Font(bold=True, size=13)
    by_month.append(xlsx_row(by_month, ["項目", "単位", *[f"{m.month}月" for m in table.months], "年度計"]))
    for row in table.rows_by_month():
        months = [None if value == NOT_YET else value for value in row["months"]]
        by_month.append(xlsx_row(by_month, [row["figure"].label, row["figure"].unit, *months, row["year"]]))
    _header(by_month, 2)
    by_month.append([])
    by_month.append(xlsx_row(by_month, ["複合課題世帯数・参加支援の人数の年度計は、同じ世帯・人を一度だけ数えます（月の合計とは一致しません）。"
                                        "複合課題世帯数は各機関が受付で把握した世帯です（名寄せによる把握は含みません）。"
                                        "回答日数は最初の受理・辞退までの暦日数の中央値で、未回答のつなぎは未回答件数に数えます。"]))

    if publication is not None:
        by_month.append(xlsx_row(by_month, [f"この年度の値は {publication.published_at.date()} に公表した値です"
                                            f"（公表後の訂正 {len(corrections or [])} 件は「公表後の訂正」シートにあります）。"]))
    if progress:
        _targets(book.create_sheet("事業目標"), table, progress)
    if publication is not None:
        _corrections(book.create_sheet("公表後の訂正"), corrections or [])

    by_agency: Worksheet = book.create_sheet("機関別")
    by_agency.append(xlsx_row(by_agency, ["機関", *[f.label for f in table.figures]]))
    for agency_row in table.rows_by_agency():
        by_agency.append(xlsx_row(by_agency, [agency_row["agency"].name, *agency_row["values"]]))
    total = "計（全機関）" if scope_label == ALL_AGENCIES else "計"
    by_agency.append(xlsx_row(by_agency, [total, *[table.value(f.key) for f in table.figures]]))
    _header(by_agency, 1)

    long: Worksheet = book.create_sheet("機関別・月別")
    long.append(xlsx_row(long, ["年度", "月", "機関", "項目", "値"]))
    for agency in table.agencies:
        for figure in table.figures:
            for month in table.months:
                value = table.value(figure.key, agency.pk, month)
                if value:
                    long.append(xlsx_row(long, [table.fiscal_year, xlsx_month(month), agency.name, figure.label,
                                                value]))
    _header(long, 1)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _targets(sheet: Worksheet, table: Table, progress: list[Progress]) -> None:
    """Each target: what the year has done (cumulative where it is a count) and the target, month by month."""
    sheet.append(xlsx_row(sheet, [f"{table.label} 事業目標・評価指標（実施計画）の実績"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, ["事業目標・評価指標", "集計の項目", "目標値", "単位", "",
                                  *[f"{m.month}月" for m in table.months], "年度", "達成率（%）"]))
    for p in progress:
        goal = as_number(p.target.value)
        head = [p.target.title, p.figure.label, goal, p.figure.unit]
        sheet.append(xlsx_row(sheet, [*head, "実績（累計）" if p.cumulative else "実績",
                                      *[m.actual for m in p.months], p.actual, p.rate]))
        planned = "目標（上限）" if p.figure.fewer_is_better else ("目標（按分）" if p.cumulative else "目標")
        sheet.append(xlsx_row(sheet, ["", "", "", "", planned, *[m.planned for m in p.months], goal, None]))
    _header(sheet, 2)


def _corrections(sheet: Worksheet, found: list[Correction]) -> None:
    sheet.append(xlsx_row(sheet, ["項目", "機関", "月", "公表値", "現在の値", "差"]))
    for c in found:
        sheet.append(xlsx_row(sheet, [c.figure.label, c.agency.name if c.agency else ALL_AGENCIES,
                                      xlsx_month(c.month) if c.month else "年度計", c.published, c.current,
                                      c.difference]))
    _header(sheet, 1)


def row_workbook(found: RowList, scope_label: str) -> bytes:
    """One sheet, 内訳: the figure's rows the reader has a basis for; the others only counted, in the last line."""
    book = Workbook()
    sheet: Worksheet = book.worksheets[0]
    sheet.title = "内訳"
    when = f"{found.month.year}年{found.month.month}月" if found.month else "年度計"
    sheet.append(xlsx_row(sheet, [f"{fiscal_year_label(found.fiscal_year)} {found.figure.label}（{scope_label}・{when}）"
                                  f" {'' if found.value is None else found.value}{found.figure.unit}"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [c or "-" for c in found.columns]))
    for line in found.lines:
        sheet.append(xlsx_row(sheet, [line.on, line.agency, line.subject, line.detail]))
    _header(sheet, 2)
    sheet.append([])
    sheet.append(xlsx_row(sheet, [f"表示した {found.shown} 件、閲覧の根拠がない {found.hidden} 件（表示していません）、"
                                  f"計 {found.total} 件"]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=row + 1, column=2).coordinate
    for index, column in enumerate(sheet.iter_cols(min_row=row), start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=4)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width * 2 if index == 1 else width + 4, 8), 40)


def public_workbook(table: Table, symbol: str, publication: Publication | None) -> bytes:
    """公表用: one block per count (a median of days is not published by agency), agencies by month with totals;
    a hidden cell shows the municipality's symbol. The hiding is decided per block, on the values printed."""
    book = Workbook()
    sheet: Worksheet = book.worksheets[0]
    sheet.title = "公表用"
    state = f"{publication.published_at.date()} に公表値として確定した値" if publication else "公表値として確定していない現在の値"
    sheet.append(xlsx_row(sheet, [f"{table.label} 包括的支援体制の実績（公表用・{state}）"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [f"「{symbol}」は 1〜4 の値、およびその値を合計から計算できないように秘匿した値です。"]))
    for figure in table.figures:
        if figure.median:
            continue
        sheet.append([])
        sheet.append(xlsx_row(sheet, [f"{figure.label}（{figure.unit}）"]))
        sheet.cell(row=sheet.max_row, column=1).font = HEADER
        sheet.append(xlsx_row(sheet, ["機関", *[f"{m.month}月" for m in table.months], "年度計"]))
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER
        for row in _public_block(table, figure.key, symbol):
            sheet.append(xlsx_row(sheet, row))
    sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _public_block(table: Table, key: str, symbol: str) -> list[list[object]]:
    agencies = table.agencies
    months = table.months

    def whole(value: object) -> int:
        return int(value) if isinstance(value, int | float) else 0

    grid = Grid(cells=[[whole(table.value(key, a.pk, m)) for m in months] for a in agencies],
                row_totals=[whole(table.value(key, a.pk)) for a in agencies],
                column_totals=[whole(table.value(key, None, m)) for m in months], total=whole(table.value(key)))
    hidden = suppressed(grid) if agencies else set()

    def shown(at: tuple[int, int]) -> object:
        return symbol if at in hidden else grid.value(at)

    rows: list[list[object]] = [[a.name, *[shown((r, c)) for c in range(len(months))], shown((r, TOTAL))]
                                for r, a in enumerate(agencies)]
    rows.append([ALL_AGENCIES, *[shown((TOTAL, c)) for c in range(len(months))], shown((TOTAL, TOTAL))])
    return rows


def filebook_workbook(entries: list[Entry]) -> bytes:
    """個人情報ファイル簿: one block of 項目 | 内容 per 個人情報ファイル."""
    book = Workbook()
    sheet: Worksheet = book.worksheets[0]
    sheet.title = "個人情報ファイル簿"
    sheet.append(xlsx_row(sheet, ["個人情報ファイル簿（個人情報の保護に関する法律第75条）"]))
    sheet["A1"].font = Font(bold=True, size=13)
    for entry in entries:
        sheet.append([])
        for head, content in entry.rows:
            sheet.append(xlsx_row(sheet, [head, content]))
            sheet.cell(row=sheet.max_row, column=1).font = HEADER
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
