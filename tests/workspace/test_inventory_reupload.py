"""A 業務棚卸表 re-upload asks before it replaces the year's inventory, and the replaced one stays restorable."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tsunagu.workspace.models import TaskInventory, TaskInventoryUpload, TaskInventoryVersion, TaskRow

from .conftest import seed_sheet

ONE_TASK = [(1, "総合相談", 1, "相談対応", ["◎"] * 8)]


def _upload(client, agency, data, year=2026):
    return client.post("/workspace/inventories/upload/", {
        "agency": agency.pk, "fiscal_year": year, "sheet": SimpleUploadedFile("sheet.xlsx", data),
    })


def _tasks() -> list[str]:
    return list(TaskRow.objects.order_by("order").values_list("task", flat=True))


def test_a_reupload_asks_first_and_changes_nothing_until_confirmed(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet())
    before = _tasks()
    asked = _upload(client, own_agency, seed_sheet(rows=ONE_TASK))
    assert asked.status_code == 302
    page = client.get(asked.url).content.decode()
    assert "業務棚卸表を置き換えますか" in page and f"業務 {len(before)} 件" in page and "業務 1 件" in page
    assert _tasks() == before and not TaskInventoryVersion.objects.exists()
    client.post(asked.url, {"cancel": "1"})
    assert _tasks() == before and not TaskInventoryUpload.objects.exists()


def test_the_replaced_inventory_is_kept_and_restored(client_for, own_manager, own_agency, job_roles):
    client = client_for(own_manager)
    _upload(client, own_agency, seed_sheet())
    inventory = TaskInventory.objects.get()
    before = [(r.task, sorted(r.marks.values())) for r in TaskRow.objects.order_by("order")]
    client.post(_upload(client, own_agency, seed_sheet(rows=ONE_TASK)).url, {"confirm": "1"})
    assert _tasks() == ["相談対応"]
    kept = TaskInventoryVersion.objects.get()
    assert kept.n_rows == len(before) and kept.version == 1
    history = client.get(f"/workspace/inventories/{inventory.pk}/versions/").content.decode()
    assert "版 1 に戻す" in history
    client.post(f"/workspace/inventories/{inventory.pk}/versions/{kept.pk}/restore/")
    assert [(r.task, sorted(r.marks.values())) for r in TaskRow.objects.order_by("order")] == before
    # the one-task table it replaced is kept in turn
    assert TaskInventoryVersion.objects.order_by("pk").last().n_rows == 1


def test_only_the_uploader_confirms_and_only_an_editor_restores(client_for, own_manager, own_agency, alice, charlie,
                                                                   job_roles):
    manager = client_for(own_manager)
    _upload(manager, own_agency, seed_sheet())
    asked = _upload(manager, own_agency, seed_sheet(rows=ONE_TASK))
    before = _tasks()
    for other in (client_for(alice), client_for(charlie)):
        assert other.post(asked.url, {"confirm": "1"}).status_code == 404
    assert _tasks() == before
    manager.post(asked.url, {"confirm": "1"})
    inventory, kept = TaskInventory.objects.get(), TaskInventoryVersion.objects.get()
    assert client_for(alice).post(f"/workspace/inventories/{inventory.pk}/versions/{kept.pk}/restore/").status_code == 404
    assert client_for(charlie).get(f"/workspace/inventories/{inventory.pk}/versions/").status_code == 404
    assert _tasks() == ["相談対応"]
