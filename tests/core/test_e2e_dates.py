"""A date typed in 和暦 in chromium, with JavaScript and without: the one text input is read on the server and the
date is shown back in 和暦; with JavaScript, the picker button writes the chosen date back as text. axe-clean."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.conftest import assert_accessible, browser_login
from tsunagu.workspace.models import TrialObservation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner_e2e(city_hall):
    return factories.staff(city_hall, role="manager", login_id="planner_dates", job_role="行政職員")


def _observe(page, live_server, typed: str) -> None:
    page.goto(f"{live_server.url}/workspace/trial/")
    page.get_by_role("textbox", name="聞き取り日").fill(typed)
    page.get_by_label("聞き取りの相手（職種・立場）").fill("相談支援専門員")
    page.get_by_label("拠点で起きた出来事や変化").fill("ゆっくりでもいいんだと思える")
    page.get_by_role("button", name="記録", exact=True).click()


def test_reiwa_typed_with_javascript_is_shown_back_in_wareki(page, live_server, planner_e2e):
    browser_login(page, live_server, "planner_dates")
    page.goto(f"{live_server.url}/workspace/trial/")
    assert_accessible(page)
    _observe(page, live_server, "令和8年2月3日")
    expect(page.get_by_role("link", name="R8.2.3")).to_be_visible()
    assert TrialObservation.objects.get().observed_on == date(2026, 2, 3)
    assert_accessible(page)

    # The picker button: the browser's own date input under it writes the chosen date back as text, in 和暦.
    page.get_by_role("link", name="R8.2.3").click()
    field = page.get_by_role("textbox", name="聞き取り日")
    expect(field).to_have_value("R8.2.3")
    expect(page.get_by_role("button", name="カレンダー")).to_be_visible()
    page.locator(".date-picker__native").evaluate(
        "input => { input.value = '2019-05-01'; input.dispatchEvent(new Event('change', {bubbles: true})); }")
    expect(field).to_have_value("R1.5.1")
    assert_accessible(page)


def test_reiwa_typed_without_javascript_is_shown_back_in_wareki(browser, live_server, planner_e2e):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        browser_login(page, live_server, "planner_dates")
        _observe(page, live_server, "令和8年2月3日")
        expect(page.get_by_role("link", name="R8.2.3")).to_be_visible()
        assert page.get_by_role("button", name="カレンダー").count() == 0  # the picker is JavaScript's addition
        _observe(page, live_server, "令和1年1月1日")
        expect(page.get_by_text("令和元年1月1日は令和の期間外です")).to_be_visible()
        assert list(TrialObservation.objects.values_list("observed_on", flat=True)) == [date(2026, 2, 3)]
    finally:
        context.close()
