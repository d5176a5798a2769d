"""訪問計画 in chromium at a tablet's 768 px: set a frequency, see the visit overdue, print the day's 訪問予定表,
record the visit on the tablet layout, see the next one scheduled. axe-core on every page; no horizontal scroll."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tsunagu.cases.models import Case
from tsunagu.followups.models import VisitPlan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_visit_plan_on_a_tablet(page, live_server, world, alice):
    Case.objects.filter(pk=world.case.pk).update(worker=alice)
    page.set_viewport_size({"width": 768, "height": 1024})
    browser_login(page, live_server, "alice")

    # A monthly frequency whose first visit was two days ago: the visit is overdue.
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    page.get_by_role("link", name="訪問頻度を決める").click()
    assert_accessible(page)
    page.get_by_label("月1回").check()
    page.get_by_label("次回の訪問予定日").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    page.get_by_label("確認すること").fill("服薬と室内の様子")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("訪問頻度を設定しました")
    expect(page.locator(".visit-plan")).to_contain_text("期限切れ")
    page.goto(f"{live_server.url}/")
    panel = page.locator("section", has_text="訪問予定日を過ぎた訪問").first
    expect(panel).to_contain_text(world.case.label)
    assert_accessible(page)

    # The day's 訪問予定表, and its print marked 取扱注意.
    panel.get_by_role("link", name="今日の訪問予定表").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("訪問予定表")
    expect(page.locator(".visit-route")).to_contain_text(world.household.name)
    assert_accessible(page)
    _no_horizontal_scroll(page)
    page.get_by_role("link", name="訪問予定表を印刷").click()
    expect(page.locator(".confidential")).to_have_text("取扱注意")
    expect(page.locator(".route-sheet")).to_contain_text(world.household.address)
    expect(page.locator(".route-sheet")).to_contain_text("服薬と室内の様子")
    assert_accessible(page)

    # The visit recorded on the tablet layout: the next visit proposed a month on.
    page.goto(f"{live_server.url}/followups/visits/")
    page.locator(".visit-route").get_by_role("link", name="訪問を記録").first.click()
    assert_accessible(page)
    _no_horizontal_scroll(page)
    box = page.get_by_role("button", name="記録する").bounding_box()
    assert box is not None and box["height"] >= 44
    page.get_by_label("本人（世帯）に会えた").check()
    page.get_by_label("様子").fill("玄関先で話せた。服薬できている。")
    page.get_by_role("button", name="記録する").click()
    expect(page.locator(".messages")).to_contain_text("次回の訪問を予定しました")
    plan = VisitPlan.objects.get()
    assert plan.last_visited_on == timezone.localdate() and plan.due_on > timezone.localdate()
    expect(page.locator(".visit-plan")).not_to_contain_text("期限切れ")
    expect(page.locator("main")).to_contain_text("玄関先で話せた")
    assert_accessible(page)
