"""業務棚卸表の編集 in the browser's terms (real HTTP): cells, new tasks, 担当件数・割合, and no silent overwrite."""

import pytest

from tests import factories
from tsunagu.workspace import services
from tsunagu.workspace.excel import read_inventory_sheet
from tsunagu.workspace.models import TaskRow

from .conftest import seed_sheet


@pytest.fixture
def inventory(own_agency, job_roles):
    return services.task_inventory_import(agency=own_agency, fiscal_year=2026, parsed=read_inventory_sheet(seed_sheet()))


def _cell(client, inventory, row, column, mark, was):
    return client.post(f"/workspace/inventories/{inventory.pk}/cell/", {"row": row.pk, "column": column.pk, "mark": mark, "was": was})


def test_the_grid_is_a_table_of_labelled_selects(client_for, own_manager, inventory):
    page = client_for(own_manager).get(f"/workspace/inventories/{inventory.pk}/edit/").content.decode()
    row = TaskRow.objects.get(task="訪問スケジュールの調整とアポイントメント")
    column = inventory.columns.get(heading="主マネ")
    assert f'<th scope="row" id="t{row.pk}">1. 訪問スケジュールの調整とアポイントメント</th>' in page
    assert f'<th scope="col" id="h{column.pk}">主マネ</th>' in page
    assert f'aria-labelledby="t{row.pk} h{column.pk}"' in page
    assert f'id="w{row.pk}_{column.pk}" name="was" value="○"' in page


def test_two_managers_on_the_same_cell_never_overwrite_each_other(client_for, own_manager, own_agency, inventory):
    second = factories.staff(own_agency, role="manager", job_role="管理者")
    row, column = TaskRow.objects.get(task="介護予防プランの作成"), inventory.columns.get(heading="保健師")
    first = _cell(client_for(own_manager), inventory, row, column, "×", "")
    assert first.status_code == 200 and f'id="w{row.pk}_{column.pk}" name="was" value="×" hx-swap-oob="true"' in first.content.decode()
    late = _cell(client_for(second), inventory, row, column, "○", "")
    body = late.content.decode()
    assert late.status_code == 409 and "他の人が先に「×」に変更していました" in body and "保存していません" in body
    assert '<option value="×" selected>' in body  # the cell is shown as stored
    row.refresh_from_db()
    assert row.marks[str(column.pk)] == "×"
    from_htmx = client_for(second).post(f"/workspace/inventories/{inventory.pk}/cell/",
                                        {"row": row.pk, "column": column.pk, "mark": "○", "was": ""}, headers={"HX-Request": "true"})
    assert from_htmx.status_code == 200 and from_htmx["X-Edit-Conflict"] == "1" and "他の人が先に" in from_htmx.content.decode()
    other = inventory.columns.get(heading="事務員")
    assert _cell(client_for(second), inventory, row, other, "○", "").status_code == 200  # another cell: no conflict
    row.refresh_from_db()
    assert row.marks[str(column.pk)] == "×" and row.marks[str(other.pk)] == "○"


def test_clearing_a_cell_and_bad_input(client_for, own_manager, inventory):
    client = client_for(own_manager)
    row, column = TaskRow.objects.get(task="介護予防プランの作成"), inventory.columns.get(heading="主マネ")
    assert _cell(client, inventory, row, column, "", "◎").status_code == 200
    row.refresh_from_db()
    assert str(column.pk) not in row.marks
    assert _cell(client, inventory, row, column, "△", "").status_code == 422
    gone = client.post(f"/workspace/inventories/{inventory.pk}/cell/", {"row": 999999, "column": column.pk, "mark": "◎", "was": ""})
    assert gone.status_code == 409 and "再読み込み" in gone.content.decode()


def test_a_task_is_added_at_the_end_of_its_category(client_for, own_manager, inventory):
    client = client_for(own_manager)
    response = client.post(f"/workspace/inventories/{inventory.pk}/rows/new/", {"category": "総合相談", "task": "地域ケア会議の準備"})
    assert response.status_code == 302
    assert [(r.category_no, r.task_no, r.task) for r in inventory.rows.all()] == [
        (1, 1, "電話、窓口、メール等による相談対応"), (1, 2, "各ケースの記録、記録の保存、月次報告"), (1, 3, "地域ケア会議の準備"),
        (2, 1, "訪問スケジュールの調整とアポイントメント"), (2, 2, "介護予防プランの作成")]
    client.post(f"/workspace/inventories/{inventory.pk}/rows/new/", {"category": "権利擁護", "task": "成年後見の相談"})
    assert inventory.rows.last().category_no == 3
    client.post(f"/workspace/inventories/{inventory.pk}/rows/new/", {"category": " ", "task": "空"})
    assert inventory.rows.count() == 6


def _figures(columns, **changes):
    data = {}
    for c in columns:
        data.update({f"caseload-{c.pk}": c.caseload or "", f"was_caseload-{c.pk}": c.caseload or "", f"share-{c.pk}": c.share,
                     f"was_share-{c.pk}": c.share})
    for key, value in changes.items():
        data[key] = value
    return data


def test_caseload_and_share_are_saved_and_a_stale_form_is_refused(client_for, own_manager, inventory):
    client = client_for(own_manager)
    columns = list(inventory.columns.all())
    chief = columns[2]
    stale_form = _figures(columns, **{f"caseload-{chief.pk}": "7"})
    assert client.post(f"/workspace/inventories/{inventory.pk}/figures/", _figures(columns, **{
        f"caseload-{chief.pk}": "42", f"share-{chief.pk}": "40%"})).status_code == 302
    chief.refresh_from_db()
    assert (chief.caseload, chief.share) == (42, "40%")
    late = client.post(f"/workspace/inventories/{inventory.pk}/figures/", stale_form)
    assert late.status_code == 409 and "他の人が更新しました" in late.content.decode() and "保存されている値: 担当件数 42" in late.content.decode()
    chief.refresh_from_db()
    assert chief.caseload == 42
    bad = client.post(f"/workspace/inventories/{inventory.pk}/figures/", _figures(columns, **{f"caseload-{columns[0].pk}": "たくさん"}))
    assert bad.status_code == 422 and "整数" in bad.content.decode()


def test_only_the_agencys_manager_or_the_planner_edits(client_for, inventory, alice, charlie, planner, own_manager):
    row, column = TaskRow.objects.first(), inventory.columns.first()
    for staff in (alice, charlie):
        client = client_for(staff)
        assert client.get(f"/workspace/inventories/{inventory.pk}/edit/").status_code == 404
        assert _cell(client, inventory, row, column, "×", row.marks.get(str(column.pk), "")).status_code == 404
        assert client.post(f"/workspace/inventories/{inventory.pk}/rows/new/", {"category": "a", "task": "b"}).status_code == 404
        assert client.post(f"/workspace/inventories/{inventory.pk}/figures/", {}).status_code == 404
    assert client_for(planner).get(f"/workspace/inventories/{inventory.pk}/edit/").status_code == 200
    assert "表を編集" in client_for(own_manager).get(f"/workspace/inventories/{inventory.pk}/").content.decode()
    assert "表を編集" not in client_for(alice).get(f"/workspace/inventories/{inventory.pk}/").content.decode()


@pytest.mark.parametrize("extra", [0, 2])
def test_grid_queries_do_not_grow_with_rows(client_for, own_manager, inventory, django_assert_num_queries, extra):
    for i in range(extra):
        services.task_row_add(inventory=inventory, category="追加", task=f"業務{i}")
    client = client_for(own_manager)
    client.get(f"/workspace/inventories/{inventory.pk}/edit/")
    with django_assert_num_queries(5):
        assert client.get(f"/workspace/inventories/{inventory.pk}/edit/").status_code == 200
