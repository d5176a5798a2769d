"""core.xlsx: an uploaded .xlsx is read within limits, never by its declared dimension (issue 21)."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from tsunagu.core.xlsx import Limits, XlsxError, read_rows


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            archive.writestr(member.filename, content)
    return out.getvalue()


def declared(data: bytes, ref: str) -> bytes:
    return rewrite_sheet(data, lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml))


def rows_xml(data: bytes, body: str) -> bytes:
    return rewrite_sheet(data, lambda xml: re.sub(r"<sheetData>.*</sheetData>|<sheetData\s*/>",
                                                  f"<sheetData>{body}</sheetData>", xml, flags=re.S))


def test_a_sheet_declaring_the_largest_dimension_reads_only_its_cells():
    """A 5 KB file declaring A1:XFD1048576 drove a worker to MemoryError: read-only openpyxl padded every row."""
    data = declared(workbook([["名称", "種類"], ["食堂", None, "メモ"]]), "A1:XFD1048576")
    assert len(data) < 10_000
    assert read_rows(data) == [(1, ["名称", "種類"]), (2, ["食堂", None, "メモ"])]


def test_rows_far_apart_are_read_without_the_gap():
    data = rows_xml(workbook([["x"]]), '<row r="1"><c r="A1" t="inlineStr"><is><t>上</t></is></c></row>'
                                       '<row r="1048576"><c r="B1048576" t="inlineStr"><is><t>下</t></is></c></row>')
    assert read_rows(data) == [(1, ["上"]), (1048576, [None, "下"])]


def test_too_many_rows_stop_at_the_limit_with_the_row_named():
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 60))
    with pytest.raises(XlsxError) as caught:
        read_rows(rows_xml(workbook([["x"]]), body), limits=Limits(rows=50))
    assert caught.value.cell == "A51" and "行が多すぎます（上限 50 行）" in str(caught.value)


def test_a_cell_beyond_the_columns_is_named():
    data = rows_xml(workbook([["x"]]), '<row r="3"><c r="XFD3"><v>1</v></c></row>')
    with pytest.raises(XlsxError) as caught:
        read_rows(data)
    assert caught.value.cell == "XFD3" and "列が多すぎます（上限 100 列、CV 列まで）" in str(caught.value)


def test_too_many_cells():
    body = "".join(f'<row r="{i}">' + "".join(f'<c r="{c}{i}"><v>1</v></c>' for c in "ABCDEFGHIJ") + "</row>"
                   for i in range(1, 12))
    with pytest.raises(XlsxError) as caught:
        read_rows(rows_xml(workbook([["x"]]), body), limits=Limits(cells=100))
    assert caught.value.cell == "A11" and "セルが多すぎます" in str(caught.value)


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(XlsxError) as caught:
        read_rows(out.getvalue())
    assert "展開すると大きすぎるファイルです（展開後 60 MB、上限 50 MB）" in str(caught.value)


def test_a_file_too_large_and_bytes_that_are_not_a_workbook():
    with pytest.raises(XlsxError, match="ファイルが大きすぎます（上限 1 MB）"):
        read_rows(b"x" * (1024 * 1024 + 1), limits=Limits(file_bytes=1024 * 1024))
    for raw in (b"", b"PK\x03\x04garbage", workbook([["a"]])[:300], "名称,種類\n".encode("cp932")):
        with pytest.raises(XlsxError, match="Excel ファイル（.xlsx）として読み込めません"):
            read_rows(raw)


def test_a_long_text_cell_is_named():
    with pytest.raises(XlsxError) as caught:
        read_rows(workbook([["見出し"], ["あ" * 10_001]]))
    assert caught.value.cell == "A2" and "文字数が多すぎます（10,001 文字、上限 10,000 文字）" in str(caught.value)
