"""In chromium: the convener chooses what a sitting takes up, and an action item names a household member (issue
#17). axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import ActionItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_convener_chooses_the_sittings_items_and_an_action_names_a_member(page, live_server, world, convener,
                                                                              meeting_members):
    dave, _ = meeting_members
    c = actor(convener)
    today = timezone.localdate()
    first = services.sitting_schedule(actor=c, meeting=world.meeting, held_on=today - timedelta(days=5))[0]
    services.minutes_save(actor=c, sitting=first, expected_version=1, minutes="前回", status="held")
    services.agenda_add(actor=c, meeting=world.meeting, case=world.son_case)
    second = services.sitting_schedule(actor=c, meeting=world.meeting, held_on=today)[0]

    browser_login(page, live_server, "convener")
    page.goto(f"{live_server.url}/meetings/sittings/{second.pk}/")
    household = page.get_by_role("checkbox", name="高橋さん世帯")
    son = page.get_by_role("checkbox", name="高橋 健一（前回以降に付議）")
    expect(son).to_be_checked()  # new since the last sitting
    expect(household).not_to_be_checked()  # taken up last time, nothing open
    expect(page.locator("textarea[name^=item_]")).to_have_count(1)
    assert_accessible(page)
    household.check()
    page.get_by_role("button", name="取り上げる検討事項を決める").click()
    expect(page.locator(".messages")).to_contain_text("この回で取り上げる検討事項を決めました")
    expect(page.locator("textarea[name^=item_]")).to_have_count(2)

    page.locator("#action_agenda_item").select_option(label="高橋さん世帯")
    page.get_by_role("checkbox", name="高橋 蓮", exact=True).check()
    page.get_by_label("役割・やること").fill("蓮さんの登校を学校に確認する")
    page.get_by_label("担当機関").select_option(label=dave.memberships.get().agency.name)
    page.get_by_label("期日").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="役割分担を記録").click()
    expect(page.locator(".messages")).to_contain_text("担当機関のダッシュボードに表示されます")
    expect(page.get_by_role("table")).to_contain_text("対象: 高橋 蓮さん")
    assert_accessible(page)
    assert list(ActionItem.objects.get().members.all()) == [world.grandson]

    page.goto(f"{live_server.url}/meetings/sittings/{second.pk}/print/")
    expect(page.locator("article")).to_contain_text("対象: 高橋 蓮さん")
    assert_accessible(page)
