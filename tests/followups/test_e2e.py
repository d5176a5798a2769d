"""J5 in chromium: closing a case schedules follow-ups; an overdue one reaches the dashboard and the 狭間 list;
a handover moves the cases to the successor, who sees the whole history. axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.conftest import assert_accessible, browser_login
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.followups.models import FollowUp, Handover

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, login_id):
    page.context.clear_cookies()
    browser_login(page, live_server, login_id)


def test_j5_follow_ups_overdue_on_dashboard_and_handover(page, live_server, world, alice, own_agency, coordinator):
    factories.staff(own_agency, role="manager", login_id="manager", name="管理 まもる")
    successor = factories.staff(own_agency, login_id="successor", name="後任 さくら")
    Case.objects.filter(pk__in=[world.case.pk, world.son_case.pk]).update(worker=alice)

    # Closing without follow-ups or a reason is refused; with a monthly schedule for six months it closes.
    _as(page, live_server, "alice")
    page.goto(f"{live_server.url}/followups/cases/{world.son_case.pk}/close/")
    assert_accessible(page)
    page.get_by_label("フォローアップをしない理由を記録して終結する").check()
    page.get_by_role("button", name="終結する").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert Case.objects.get(pk=world.son_case.pk).status != CaseStatus.CLOSED
    page.get_by_label("フォローアップの予定を立てて終結する").check()
    start = timezone.localdate() + timedelta(days=30)
    page.get_by_label("初回の予定日").fill(start.isoformat())
    page.get_by_label("回数").fill("6")
    page.get_by_role("button", name="終結する").click()
    expect(page.locator(".messages")).to_contain_text("終結しました")
    assert Case.objects.get(pk=world.son_case.pk).status == CaseStatus.CLOSED
    assert FollowUp.objects.filter(case=world.son_case).count() == 6

    # Time passes: the first follow-up is now overdue and reaches the dashboard and the coordinator's list.
    first = FollowUp.objects.filter(case=world.son_case).order_by("due_on").first()
    FollowUp.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    page.goto(f"{live_server.url}/")
    panel = page.locator("section", has_text="フォローアップ（つながり続ける支援）").first
    expect(panel).to_contain_text("期限切れ")
    expect(panel).to_contain_text(world.son_case.label)
    assert_accessible(page)
    page.get_by_role("link", name="フォローアップの一覧").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("フォローアップ")
    assert_accessible(page)

    _as(page, live_server, "coord")
    page.get_by_role("link", name="制度の狭間").first.click()
    expect(page.locator("#gap-followups")).to_contain_text("期限を過ぎたフォローアップ（1件")
    expect(page.locator("main")).not_to_contain_text(world.son.name)  # no basis: the agency, not the person
    assert_accessible(page)
    page.goto(f"{live_server.url}/followups/gaps/followups/")  # the kind's own list
    expect(page.get_by_role("heading", level=1)).to_have_text("期限を過ぎたフォローアップ（1件）")
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="制度の狭間").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("制度の狭間")

    # 部署異動: the manager hands alice's open work to her successor in one step.
    _as(page, live_server, "manager")
    page.goto(f"{live_server.url}/followups/handover/")
    page.get_by_label("前任者（異動・退職する職員）").select_option(label=str(alice))
    page.get_by_label("後任者").select_option(label=str(successor))
    page.get_by_role("button", name="引き継ぐ内容を確認").click()
    expect(page.get_by_role("status").last).to_contain_text("支援ケース 1 件")
    assert_accessible(page)
    page.get_by_role("button", name="この内容で引き継ぐ").click()
    expect(page.locator(".messages")).to_contain_text("後任 さくらさんに引き継ぎました")
    assert Handover.objects.get().case_ids == [world.case.pk]
    assert FollowUp.objects.filter(staff=successor).count() == 6

    # The successor sees the whole history.
    _as(page, live_server, "successor")
    page.goto(f"{live_server.url}/cases/{world.case.pk}/")
    expect(page.locator("main")).to_contain_text(world.note.body)
    expect(page.locator("main")).to_contain_text("後任 さくら")
    assert_accessible(page)
