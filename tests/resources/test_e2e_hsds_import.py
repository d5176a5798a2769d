"""An HSDS package uploaded on the page in chromium: the page polls while the worker imports it, and shows the
result when it is done. Every page visited is axe-checked (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tsunagu.resources.models import HsdsImport, ImportStatus, Service

from .test_hsds_import_page import package, run_queued_tasks, services_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_uploads_a_package_and_sees_the_result_appear(page, live_server, coordinator, tmp_path):
    zipped = tmp_path / "hsds.zip"
    zipped.write_bytes(package(services_csv(12)))
    browser_login(page, live_server, "coord")
    page.goto(f"{live_server.url}/resources/")
    page.get_by_role("link", name="HSDS の取り込み").click()
    assert_accessible(page)
    page.get_by_label("HSDS のデータ（CSV をまとめた .zip、または .json）").set_input_files(str(zipped))
    page.get_by_role("button", name="アップロードして取り込む").click()
    state = page.locator("#hsds-import-state")
    expect(state).to_contain_text("順番待ち")
    assert_accessible(page)

    assert HsdsImport.objects.get().status == ImportStatus.QUEUED
    assert run_queued_tasks() == 1  # the worker takes it; the page, polling every 2 s, follows without a reload
    expect(state).to_contain_text("社会資源 新規 12 件", timeout=15_000)
    expect(state).to_contain_text("完了")
    assert_accessible(page)
    assert Service.objects.count() == 12
    page.get_by_role("link", name="HSDS の取り込みの一覧へ").click()
    expect(page.get_by_role("table")).to_contain_text("hsds.zip")
