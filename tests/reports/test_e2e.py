"""J12 in chromium: the planner reads the year's figures, one agency's, and takes them away as Excel."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import assert_accessible, browser_login
from tests.sharing.conftest import meeting_members, world  # noqa: F401

from .test_figures import YEAR, year_of_work  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_j12_the_planner_exports_the_years_figures(page, live_server, coordinator, year_of_work):  # noqa: F811
    own, partner = year_of_work
    browser_login(page, live_server, "coord")
    page.get_by_role("link", name="集計").click()
    page.get_by_label("年度（西暦）").fill(str(YEAR))
    page.get_by_role("button", name="表示").click()
    page.get_by_role("heading", name="令和7年度 実績の集計").wait_for()
    assert_accessible(page)
    consultations = page.locator("#by-month tbody tr").filter(has_text="新規相談受付件数")
    assert consultations.locator("td").last.inner_text() == "4"
    assert page.locator("#by-agency tbody tr").count() == 2

    page.get_by_role("link", name=own.name, exact=True).click()
    page.get_by_role("heading", name=f"令和7年度 実績の集計（{own.name}）").wait_for()
    assert page.locator("#by-month tbody tr").filter(has_text="新規相談受付件数").locator("td").last.inner_text() == "3"
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel で出力").click()
    assert download.value.suggested_filename == f"figures-{YEAR}-{own.pk}.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = {row[0]: row for row in book["月別"].iter_rows(min_row=3, values_only=True) if row and row[1]}
    assert rows["新規相談受付件数"][2] == 2 and rows["新規相談受付件数"][-1] == 3  # April, and the year
    assert book["月別"]["A1"].value == f"令和7年度 包括的支援体制の実績（{own.name}）"
