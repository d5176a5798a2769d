"""集計 on a phone (390 px wide): the month labels and each row's label stay on screen while the table scrolls."""

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.conftest import meeting_members, world  # noqa: F401

from .test_figures import YEAR, year_of_work  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOT = os.environ.get("REPORTS_SHOT")


def test_on_a_phone_the_table_keeps_its_month_and_row_labels(page, live_server, coordinator, year_of_work):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, "coord")
    page.goto(f"{live_server.url}/reports/?year={YEAR}")
    page.get_by_role("heading", name="令和7年度 実績の集計").wait_for()
    table = page.locator("#by-month")
    expect(table.get_by_role("columnheader", name="4月")).to_be_visible()
    expect(table.get_by_role("columnheader", name="年度計")).to_be_attached()
    label = table.get_by_role("rowheader", name="新規相談受付件数（件）")
    expect(label).to_be_visible()
    if SHOT:
        page.screenshot(path=f"{SHOT}-top.png")
    # one row per figure, the months side by side: the "4月" column sits level with its row's label
    row = table.locator("tbody tr").filter(has_text="新規相談受付件数")
    assert row.locator("td").first.bounding_box()["y"] == pytest.approx(label.bounding_box()["y"], abs=2)
    # scrolled to 年度計, the row's label is still on screen (sticky first column)
    page.locator(".reports-scroll").first.evaluate("box => box.scrollLeft = box.scrollWidth")
    total = row.locator("td").last
    expect(total).to_be_in_viewport()
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("""() => { const l = document.querySelector('#by-month tbody th').getBoundingClientRect();
        return document.elementFromPoint(l.left + 4, l.top + l.height / 2).closest('th') !== null; }""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll sideways
    if SHOT:
        page.screenshot(path=f"{SHOT}-scrolled.png")
    assert_accessible(page)
