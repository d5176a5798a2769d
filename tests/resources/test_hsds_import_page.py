"""HSDS imports from the page (resources.hsds_imports): the coordinator uploads a package, the worker's task imports
it, the page shows how far it has got and what came of it. The task runs as the worker runs it (core.worker's
Worker.run_task on the queued DBTaskResult), in the test's database."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tsunagu.core import worker
from tsunagu.resources import hsds_imports
from tsunagu.resources.forms import MAX_PACKAGE_BYTES
from tsunagu.resources.models import HsdsImport, ImportStatus, Service

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "id,name,description\r\norg-1,架空の社会福祉法人,架空の運営主体\r\n"


def services_csv(count: int, *, status: str = "active") -> str:
    rows = [f"svc-{n},org-1,架空の居場所{n},{status},https://example.jp/{n}" for n in range(count)]
    return "id,organization_id,name,status,url\r\n" + "".join(f"{row}\r\n" for row in rows)


def package(services: str, organizations: str = ORGANIZATIONS, *, folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}organizations.csv", organizations)
        archive.writestr(f"{folder}services.csv", services)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "hsds.zip", visibility: str = "public"):
    return client.post("/resources/hsds-import/", {"file": SimpleUploadedFile(name, content), "visibility": visibility})


def run_queued_tasks() -> int:
    """Every queued task, run by the worker's own code, as `manage.py db_worker` would."""
    runner = worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                           startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[])
    results = list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))
    for result in results:
        runner.run_task(result)
    return len(results)


def test_an_uploaded_package_is_imported_by_the_worker_and_the_page_shows_it_done(client_for, coordinator):
    client = client_for(coordinator)
    response = upload(client, package(services_csv(30), folder="export/"))
    record = HsdsImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resources/hsds-import/{record.pk}/"
    assert record.status == ImportStatus.QUEUED and record.uploaded_by == coordinator
    page = client.get(response["Location"]).content.decode()
    assert "順番待ち" in page and 'hx-trigger="every 2s"' in page  # polled while unfinished
    assert not Service.objects.exists()

    assert run_queued_tasks() == 1
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "完了" in fragment and "社会資源 新規 30 件" in fragment
    assert "every 2s" not in fragment  # finished: no more polling
    assert Service.objects.filter(visibility="public").count() == 30
    record.refresh_from_db()
    assert record.created == {"organization": 1, "service": 30} and record.finished_at is not None
    assert bytes(record.package)  # the file is kept with its record
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_package_with_problems_shows_them_with_file_and_line_and_writes_nothing(client_for, coordinator):
    client = client_for(coordinator)
    bad = services_csv(3).replace("svc-1,org-1,架空の居場所1,active,https://example.jp/1",
                                  "svc-1,org-9,架空の居場所1,maybe,javascript:alert(1)")
    response = upload(client, package(bad))
    run_queued_tasks()
    page = client.get(response["Location"]).content.decode()
    assert "取り込めませんでした" in page and "何も保存していません" in page
    assert "services.csv 3行目: status は" in page  # the header is line 1, svc-0 line 2
    assert "services.csv 3行目: url は http:// か https:// で始まるアドレスにしてください" in page
    assert not Service.objects.exists()
    assert HsdsImport.objects.get().status == ImportStatus.FAILED


def test_a_zip_without_the_package_or_not_a_zip_at_all_is_refused_in_japanese(client_for, coordinator):
    client = client_for(coordinator)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nothing")
    upload(client, buffer.getvalue())
    run_queued_tasks()
    assert HsdsImport.objects.get().findings == ["ZIP の中に HSDS の CSV ファイル（services.csv など）がありません"]
    upload(client, b"PK\x03\x04 truncated")
    run_queued_tasks()
    assert HsdsImport.objects.first().findings[0].startswith("ZIP ファイルとして読めません")
    assert not Service.objects.exists()


def test_a_json_service_is_imported_as_the_command_imports_it(client_for, coordinator):
    client = client_for(coordinator)
    body = ('{"id": "svc-json", "name": "架空の食堂", "status": "active", "organization": {"id": "org-json", '
            '"name": "架空の団体", "description": "架空"}}').encode()
    upload(client, body, name="service.json", visibility="staff")
    run_queued_tasks()
    assert HsdsImport.objects.get().status == ImportStatus.DONE
    assert Service.objects.get(pk="svc-json").visibility == "staff"


def test_staff_other_than_the_coordinator_get_403_and_an_outsider_404(client_for, alice, own_manager, coordinator):
    record = hsds_imports.hsds_import_enqueue(actor=_actor(coordinator), file_name="a.zip",
                                              content=package(services_csv(1)), visibility="public")
    for staff in (alice, own_manager):
        client = client_for(staff)
        assert client.get("/resources/hsds-import/").status_code == 403
        assert upload(client, package(services_csv(1))).status_code == 403
        assert client.get(f"/resources/hsds-import/{record.pk}/").status_code == 403
        assert "HSDS の取り込み" not in client.get("/resources/").content.decode()  # not in their navigation
    assert HsdsImport.objects.count() == 1
    assert "HSDS の取り込み" in client_for(coordinator).get("/resources/").content.decode()


def test_a_second_upload_while_one_is_queued_or_running_is_refused(client_for, coordinator):
    client = client_for(coordinator)
    upload(client, package(services_csv(2)))
    response = upload(client, package(services_csv(3)))
    assert response.status_code == 200
    assert "別の取り込みが順番待ちか実行中です" in response.content.decode()
    HsdsImport.objects.update(status=ImportStatus.RUNNING)
    assert "別の取り込みが順番待ちか実行中です" in upload(client, package(services_csv(3))).content.decode()
    assert HsdsImport.objects.count() == 1 and DBTaskResult.objects.count() == 1
    HsdsImport.objects.update(status=ImportStatus.QUEUED)
    run_queued_tasks()
    assert upload(client, package(services_csv(3))).status_code == 302  # the first has finished
    assert HsdsImport.objects.count() == 2


def test_the_upload_size_is_limited_with_a_japanese_message(client_for, coordinator):
    response = upload(client_for(coordinator), b"0" * (MAX_PACKAGE_BYTES + 1))
    assert "ファイルが大きすぎます" in response.content.decode() and "上限は 20 MB" in response.content.decode()
    response = upload(client_for(coordinator), b"id,name", name="services.csv")
    assert "ZIP（.zip）か、JSON ファイル（.json）を選んでください" in response.content.decode()
    assert not HsdsImport.objects.exists()


def test_a_zip_bomb_is_refused_by_what_it_unpacks_to_not_by_what_it_says(client_for, coordinator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", ORGANIZATIONS)
        archive.writestr("services.csv", "id,organization_id,name,status\r\n" + "x" * (21 * 1024 * 1024))
    upload(client_for(coordinator), buffer.getvalue())
    run_queued_tasks()
    assert "展開すると大きすぎます" in HsdsImport.objects.get().findings[0]


def test_an_import_whose_worker_died_is_marked_failed_so_the_next_upload_is_accepted(client_for, coordinator):
    client = client_for(coordinator)
    upload(client, package(services_csv(2)))
    HsdsImport.objects.update(status=ImportStatus.RUNNING)
    DBTaskResult.objects.update(status=TaskResultStatus.FAILED)  # as core.worker.recover marks a dead worker's task
    worker.recover()
    record = HsdsImport.objects.get()
    assert record.status == ImportStatus.FAILED and "ワーカーが止まりました" in record.message
    assert upload(client, package(services_csv(2))).status_code == 302


def test_progress_reaches_the_row_at_most_about_once_a_second():
    from tsunagu.core.progress import Progress, throttled

    heard, now = [], [0.0]
    progress = Progress(io.StringIO(), listeners=[throttled(heard.append, 1.0, clock=lambda: now[0])])
    progress.stage("確認")
    for n in range(1, 101):
        now[0] += 0.25  # 25 s of steps, four a second
        progress.update(n, 100)
    progress.stage("公開")
    progress.done("完了")
    assert [s["stage"] for s in heard].count("確認") == 26  # the stage, then once a second
    assert heard[-2]["stage"] == "公開" and heard[-1]["finished"]


def _actor(staff):
    from tsunagu.agencies.actor import actor_for

    return actor_for(staff)
