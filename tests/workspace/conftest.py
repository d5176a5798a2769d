import io

import pytest
from openpyxl import Workbook

from tsunagu.agencies.models import JobRole


@pytest.fixture
def job_roles(db):
    names = [("管理者", True), ("社会福祉士", True), ("主任介護支援専門員", True), ("保健師", True), ("プランナー(専属)", True),
             ("プランナー(事務兼務)", True), ("生活支援コーディネーター", True), ("事務員", False)]
    for i, (name, pro) in enumerate(names):
        JobRole.objects.update_or_create(name=name, defaults={"is_professional": pro, "order": i})
    return names


SEED_HEADINGS = ["管理者", "社福", "主マネ", "保健師", "プランナー (専属)", "プランナー 事務兼務", "コーディネーター", "事務員"]


def seed_sheet(rows=None, headings=SEED_HEADINGS, *, header_row=6, extra=None) -> bytes:
    """An .xlsx in the seed's layout: title, legend, header with 「業務内容」 in D, category only on its first task."""
    rows = rows if rows is not None else [
        (1, "総合相談", 1, "電話、窓口、メール等による相談対応", ["◎", "◎", "◎", "◎", "", "", "", ""]),
        (None, None, 2, "各ケースの記録、記録の保存、月次報告", ["", "◎", "×", "◎", "", "", "", "○"]),
        (2, "介護予防ケアマネジメント", 1, "訪問スケジュールの調整とアポイントメント", ["", "", "○", "", "○", "", "", ""]),
        (None, None, 2, "介護予防プランの作成", ["", "", "◎", "", "◎", "◎", "", ""]),
    ]
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "令和8年度 業務整理表【テスト地域包括支援センター】"
    ws["A2"] = "◎ 職種で取り組むべき内容で実施しているもの"
    for col, text in enumerate(["", "カテゴリー", "", "業務内容", *headings], start=1):
        ws.cell(row=header_row, column=col, value=text)
    for i, (cno, cat, tno, task, marks) in enumerate(rows, start=header_row + 1):
        ws.cell(row=i, column=1, value=cno)
        ws.cell(row=i, column=2, value=cat)
        ws.cell(row=i, column=3, value=tno)
        ws.cell(row=i, column=4, value=task)
        for j, mark in enumerate(marks):
            ws.cell(row=i, column=5 + j, value=mark or None)
    if extra:
        extra(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
