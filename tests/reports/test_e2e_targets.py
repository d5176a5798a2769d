"""事業目標・評価指標 and 集計の内訳 in chromium: the planner sets a target (a bad value first) and reads it against the
figures with its chart; a figure opens its rows — every one hidden for the planner, who holds no basis for them,
and the worker's own for the worker, who takes them away as Excel. axe-clean on every page."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import assert_accessible, browser_login
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.reports.models import Target

from .test_figures import YEAR, year_of_work  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_planner_sets_a_target_and_opens_a_figure(page, live_server, coordinator, year_of_work):  # noqa: F811
    browser_login(page, live_server, "coord")
    page.goto(f"{live_server.url}/reports/?year={YEAR}")
    page.get_by_text("この年度の事業目標はまだ設定されていません").wait_for()
    page.get_by_role("link", name="目標を設定・編集").click()
    page.get_by_role("heading", name="令和7年度 事業目標・評価指標").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="包括的相談支援事業における相談受付件数の目標を設定").click()
    page.get_by_label("目標値").fill("たくさん")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("目標値は数で入力してください").wait_for()
    assert_accessible(page)
    assert not Target.objects.exists()
    page.get_by_label("目標値").fill("12")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("の目標を保存しました").wait_for()
    assert page.locator("#targets-guideline tbody tr").first.locator("td").nth(1).inner_text() == "12"

    page.get_by_role("link", name="集計で実績と比べる").click()
    summary = page.locator("#targets-summary tbody tr").first
    assert summary.locator("td").last.inner_text() == "33.3%"
    assert page.locator("svg.target-chart rect.target-chart__bar").count() == 12
    assert_accessible(page)

    page.get_by_role("link", name="新規相談受付件数 2025-04 の内訳").click()
    page.get_by_role("heading", name="新規相談受付件数の内訳").wait_for()
    assert page.locator("#rows-hidden").inner_text() == "2 件"
    assert page.locator("#rows tbody").inner_text().strip() == "閲覧の根拠がある行はありません。"
    assert_accessible(page)


def test_a_worker_opens_her_own_rows_and_exports_them(page, live_server, alice, year_of_work):  # noqa: F811
    browser_login(page, live_server, "alice")
    page.goto(f"{live_server.url}/reports/?year={YEAR}")
    page.get_by_role("link", name="新規相談受付件数 年度計の内訳").click()
    page.get_by_role("heading", name="新規相談受付件数の内訳").wait_for()
    assert page.locator("#rows tbody tr").count() == 3 and page.locator("#rows-hidden").inner_text() == "0 件"
    assert "高橋さん世帯" in page.locator("#rows").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel で出力").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()))["内訳"]
    assert sheet["A1"].value.startswith("令和7年度 新規相談受付件数") and sheet["A3"].is_date
