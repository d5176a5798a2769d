"""業務棚卸表: Excel in the seed's layout in and out, strict reading, and the analysis (J8)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests import factories
from tsunagu.workspace import queries
from tsunagu.workspace.excel import SheetError, read_inventory_sheet
from tsunagu.workspace.models import TaskInventory, TaskRow

from .conftest import seed_sheet


def _upload(client, agency, data, year=2026):
    return client.post("/workspace/inventories/upload/", {
        "agency": agency.pk, "fiscal_year": year, "sheet": SimpleUploadedFile("sheet.xlsx", data),
    })


def test_upload_then_export_round_trips_the_seed_layout(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    response = _upload(client, own_agency, seed_sheet())
    inventory = TaskInventory.objects.get(agency=own_agency, fiscal_year=2026)
    assert response.status_code == 302 and response.url == f"/workspace/inventories/{inventory.pk}/"
    exported = client.get(f"/workspace/inventories/{inventory.pk}/export.xlsx")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    again = read_inventory_sheet(exported.content)
    first = read_inventory_sheet(seed_sheet())
    assert again.headings == first.headings
    assert [(r.category, r.task_no, r.task, r.marks) for r in again.rows] == [(r.category, r.task_no, r.task, r.marks) for r in first.rows]
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet["A1"].value.startswith("令和8年度 業務整理表【")
    assert sheet["D6"].value == "業務内容" and sheet["B7"].value == "総合相談" and sheet["B8"].value is None


def test_abbreviated_headings_map_to_job_roles(client_for, own_manager, own_agency, job_roles):
    _upload(client_for(own_manager), own_agency, seed_sheet())
    inventory = TaskInventory.objects.get(agency=own_agency)
    assert [c.job_role.name for c in inventory.columns.select_related("job_role")] == [
        "管理者", "社会福祉士", "主任介護支援専門員", "保健師", "プランナー(専属)", "プランナー(事務兼務)", "生活支援コーディネーター", "事務員"]


@pytest.mark.parametrize(("mutate", "cell"), [
    (lambda ws: ws.__setitem__("G8", "△"), "G8"),
    (lambda ws: ws.__setitem__("C9", "二"), "C9"),
    (lambda ws: ws.__setitem__("L6", "占い師"), "L6"),
    (lambda ws: (ws.__setitem__("D10", None), ws.__setitem__("E10", "◎")), "D10"),
])
def test_malformed_sheet_is_rejected_with_the_cell_named_and_nothing_saved(client_for, own_manager, own_agency, job_roles, mutate, cell):
    client = client_for(own_manager)
    response = _upload(client, own_agency, seed_sheet(extra=mutate))
    assert response.status_code == 200
    assert f"セル {cell}" in response.content.decode()
    assert "何も保存していません" in response.content.decode()
    assert not TaskInventory.objects.exists() and not TaskRow.objects.exists()


def test_a_file_that_is_not_excel_is_rejected_in_japanese(client_for, own_manager, own_agency, job_roles):
    response = _upload(client_for(own_manager), own_agency, b"not a spreadsheet")
    assert "Excel ファイル（.xlsx）として読み込めません" in response.content.decode()


def test_a_sheet_without_the_header_names_where_it_was_expected(job_roles):
    with pytest.raises(SheetError) as error:
        read_inventory_sheet(seed_sheet(header_row=20))
    assert error.value.cell == "D1"


def test_reupload_replaces_the_rows_of_that_year_once_confirmed(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet())
    asked = _upload(client, own_agency, seed_sheet(rows=[(1, "総合相談", 1, "相談対応", ["◎"] * 8)]))
    assert asked.status_code == 302 and asked.url.endswith("/confirm/")
    client.post(asked.url, {"confirm": "1"})
    assert list(TaskRow.objects.values_list("task", flat=True)) == ["相談対応"]


def test_scheduling_by_the_chief_care_manager_is_proposed_for_clerical_staff(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet())
    inventory = TaskInventory.objects.get()
    analysis = queries.inventory_analysis(inventory)
    proposal = next(d for d in analysis.delegations if d.row.task == "訪問スケジュールの調整とアポイントメント")
    assert [c.job_role.name for c in proposal.professionals] == ["主任介護支援専門員", "プランナー(専属)"]
    assert [c.job_role.name for c in proposal.candidates] == ["プランナー(事務兼務)", "事務員"]
    chief = next(s for s in analysis.stats if s.column.heading == "主マネ")
    assert (chief.own_done, chief.anyone, chief.own_not_done) == (2, 1, 1)
    page = client.get(f"/workspace/inventories/{inventory.pk}/").content.decode()
    assert "任せられる業務の提案（1件）" in page and "<svg" in page


def test_year_over_year_shows_the_change(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet(rows=[(1, "総合相談", 1, "相談対応", ["×"] * 8)]), year=2025)
    _upload(client, own_agency, seed_sheet(rows=[(1, "総合相談", 1, "相談対応", ["◎"] * 8)]), year=2026)
    current = TaskInventory.objects.get(fiscal_year=2026)
    page = client.get(f"/workspace/inventories/{current.pk}/").content.decode()
    assert "前年度からの増減" in page and "（+1）" in page and "（-1）" in page


def test_time_use_is_recorded_and_charted(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet())
    inventory = TaskInventory.objects.get()
    role = inventory.columns.get(heading="主マネ").job_role
    response = client.post(f"/workspace/inventories/{inventory.pk}/time-use/", {"job_role": role.pk, "label": "主任ケアマネA", "h0": "4", "h1": "1.5", "h2": "1"})
    assert response.status_code == 302
    assert inventory.time_uses.get().hours == {"面談": 4.0, "記録": 1.5, "移動": 1.0}
    too_long = client.post(f"/workspace/inventories/{inventory.pk}/time-use/", {"job_role": role.pk, "label": "B", "h0": "20", "h1": "5"})
    assert "24時間を超えています" in too_long.content.decode() and inventory.time_uses.count() == 1


def test_another_agency_cannot_see_or_upload_the_inventory(client_for, own_manager, own_agency, charlie, job_roles):
    _upload(client_for(own_manager), own_agency, seed_sheet())
    inventory = TaskInventory.objects.get()
    outsider = client_for(charlie)
    assert outsider.get(f"/workspace/inventories/{inventory.pk}/").status_code == 404
    assert outsider.get(f"/workspace/inventories/{inventory.pk}/export.xlsx").status_code == 404
    assert outsider.get("/workspace/inventories/upload/").status_code == 404
    manager = factories.staff(charlie.memberships.get().agency, role="manager")
    assert _upload(client_for(manager), own_agency, seed_sheet()).status_code == 200  # own agency only in the choices
    assert TaskInventory.objects.count() == 1


def test_own_agency_worker_sees_but_cannot_edit(client_for, own_manager, own_agency, alice, job_roles):
    _upload(client_for(own_manager), own_agency, seed_sheet())
    inventory = TaskInventory.objects.get()
    client = client_for(alice)
    assert client.get(f"/workspace/inventories/{inventory.pk}/").status_code == 200
    assert client.get(f"/workspace/inventories/{inventory.pk}/time-use/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_inventory_list_queries_do_not_grow(client_for, planner, job_roles, django_assert_num_queries, count):
    for _ in range(count):
        agency = factories.agency()
        TaskInventory.objects.create(agency=agency, fiscal_year=2026)
    client = client_for(planner)
    client.get("/workspace/inventories/")  # warm the session
    with django_assert_num_queries(3):  # the session, the staff member with her memberships, the list
        assert client.get("/workspace/inventories/").status_code == 200
