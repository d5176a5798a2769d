"""一覧の帳票: a case's 支援経過記録シート（出力用：経過一覧） and the agency's 支援ケース一覧, as PDF and Excel. The notes are
read through the policy (a note naming a member the reader has no basis for is left out), every row printed or
exported is logged, and no text becomes a formula in the workbook."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.pdf import in_order, is_a4, pdf_text
from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases import services
from tsunagu.people import services as people
from tsunagu.rules.national_forms import form

pytestmark = pytest.mark.django_db


def _columns(key: str) -> list[str]:
    return [item.label for item in form(key).items]


def test_the_progress_list_prints_each_note_the_reader_may_read(world, alice, bob, client_for):
    services.note_add(actor=actor(alice), case=world.son_case, body="ハローワークに同行した。", kind="同行支援")
    services.note_add(actor=actor(bob), case=world.son_case, body="=HYPERLINK(\"http://x\")", kind="電話")
    response = client_for(bob).get(f"/cases/{world.son_case.pk}/progress.pdf")  # bob: the son's consent
    assert response.status_code == 200 and is_a4(response.content)
    text = pdf_text(response.content)
    assert in_order(text, [form("progress_list").title, *_columns("progress_list")]) == []
    assert in_order(text, ["ID", str(world.son_case.pk), "氏名", "高橋 健一", "同行支援", "ハローワークに同行した。",
                           "有栖 花子"]) == []
    logged = AccessLog.objects.filter(action=AccessAction.PRINT, object_type="cases.casenote")
    assert logged.count() == 2


def test_a_note_naming_a_member_without_a_basis_is_left_out(world, alice, bob, client_for):
    """bob sees the household case through the son's consent (its members: the son alone for him)."""
    services.note_add(actor=actor(alice), case=world.case, body="健一さんと面談。", members=[world.son])
    services.note_add(actor=actor(alice), case=world.case, body="蓮さんの登校のこと。", members=[world.grandson])
    text = pdf_text(client_for(bob).get(f"/cases/{world.case.pk}/progress.pdf").content)
    assert "健一さんと面談。" in text and "蓮さんの登校のこと。" not in text
    book = load_workbook(BytesIO(client_for(bob).get(f"/cases/{world.case.pk}/progress.xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row if c.value]
    assert any("健一さんと面談。" in str(v) for v in values)
    assert not any("蓮さん" in str(v) for v in values)


def test_an_outsider_gets_404(world, charlie, client_for):
    for suffix in ("pdf", "xlsx"):
        assert client_for(charlie).get(f"/cases/{world.case.pk}/progress.{suffix}").status_code == 404


def test_the_progress_workbook_keeps_a_formula_as_text(world, alice, client_for):
    services.note_add(actor=actor(alice), case=world.son_case, body='=HYPERLINK("http://example.invalid")')
    response = client_for(alice).get(f"/cases/{world.son_case.pk}/progress.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[5]]
    assert header == _columns("progress_list")[2:]  # after the heading items ID, 氏名
    cell = sheet.cell(row=6, column=3)
    assert cell.value == '=HYPERLINK("http://example.invalid")' and cell.data_type == "s"
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, object_type="cases.casenote").exists()


def test_the_case_list_lists_the_agencys_cases_with_the_reported_dates(world, alice, bob, client_for):
    consultation = services.consultation_record(actor=actor(alice), route="visit_in", consulter="self",
                                                main_complaint="仕事がない", person=world.son, outcome="continue")
    consultation.case = world.son_case
    consultation.save(update_fields=["case"])
    response = client_for(alice).get("/cases/case-list.pdf")
    assert response.status_code == 200 and is_a4(response.content)
    text = pdf_text(response.content)
    labels = ["【国】" + i.label if i.reported else i.label for i in form("case_list").items]
    assert in_order(text, [form("case_list").title, *labels]) == []
    assert in_order(text, [str(world.case.pk), "高橋さん世帯", str(world.son_case.pk), "高橋 健一"]) == []
    book = load_workbook(BytesIO(client_for(alice).get("/cases/case-list.xlsx").content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "ID")
    assert rows[header] == labels
    by_id = {row[0]: row for row in rows[header + 1:]}
    son_row = by_id[str(world.son_case.pk)]
    assert son_row[1] == "高橋 健一" and son_row[2].date() == consultation.received_on
    household_row = by_id[str(world.case.pk)]
    assert household_row[5] is not None  # プラン作成日: the world's plan
    logged = set(AccessLog.objects.filter(object_type="cases.case").values_list("action", "object_id"))
    assert {(AccessAction.PRINT, str(world.case.pk)), (AccessAction.EXPORT, str(world.son_case.pk))} <= logged
    # bob's agency leads none of them: its list is empty
    assert "高橋" not in pdf_text(client_for(bob).get("/cases/case-list.pdf").content)


def test_a_case_of_another_agency_is_not_on_the_list(world, alice, charlie, client_for):
    outsider = people.person_create(actor=actor(charlie), name="外部 太郎", kana="がいぶ たろう")
    services.case_open(actor=actor(charlie), person=outsider, title="外部の支援")
    text = pdf_text(client_for(alice).get("/cases/case-list.pdf").content)
    assert in_order(text, ["外部 太郎"]) and not in_order(text, ["高橋 健一"])
