"""個人情報ファイル簿: generated from the registry of personal data, it names every 記録項目 of every personal model,
with the items of 個人情報保護法第74条 in order, on the page, in Excel and as PDF."""

import io

import pytest
from openpyxl import load_workbook

from tests.pdf import page_sizes, pdf_text
from tsunagu.reports.filebook import HEADS, entries
from tsunagu.rules import personal_data as registry

pytestmark = pytest.mark.django_db


def test_the_book_lists_every_personal_field_of_the_registry():
    book = entries()
    assert [e.file.key for e in book] == [f.key for f in registry.FILES]
    for entry in book:
        assert [head for head, _ in entry.rows] == HEADS
        items = dict(entry.rows)["記録項目"].split("、")
        expected = {name for m in registry.MODELS.values() if m.file == entry.file.key for name in m.items.values()}
        assert set(items) == expected and len(items) == len(expected)
    everything = {name for e in book for name in dict(e.rows)["記録項目"].split("、")}
    assert {"氏名", "生年月日", "住所", "主訴", "議事録", "同意・不同意", "オーダーメイドの内容"} <= everything


def test_the_page_the_workbook_and_the_pdf(alice, client_for):
    client = client_for(alice)
    html = client.get("/reports/personal-information-files/").content.decode()
    assert all(f'id="file-{f.key}"' in html for f in registry.FILES) and "記録情報の経常的提供先" in html
    sheet = load_workbook(io.BytesIO(client.get("/reports/personal-information-files/?format=xlsx").content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert ("個人情報ファイルの名称", registry.FILES[0].name) in [(r[0], r[1]) for r in values]
    response = client.get("/reports/personal-information-files/?format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "個人情報ファイル簿" in text and "生年月日" in text and "取扱注意" not in text  # it names no one
    assert all(size == pytest.approx((595.28, 841.89), abs=1) for size in page_sizes(response.content))


def test_only_signed_in_staff(client):
    assert client.get("/reports/personal-information-files/").status_code == 302
