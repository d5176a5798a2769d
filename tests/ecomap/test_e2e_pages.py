"""Every page of the meetings, follow-ups and ecomap apps, in chromium, passes axe-core; the SVGs print."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import assert_accessible, browser_login
from tests.sharing.world import actor
from tsunagu.followups import services as followups
from tsunagu.meetings import services as meetings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_page_is_accessible(page, live_server, world, alice, meeting_members):
    dave, _ = meeting_members
    today = timezone.localdate()
    sitting = meetings.sitting_schedule(actor=actor(dave), meeting=world.meeting, held_on=today)[0]
    action = meetings.action_add(actor=actor(dave), sitting=sitting, description="訪問する", owner_agency=dave.memberships.get().agency,
                                 due_on=today)
    member = world.meeting.members.get(agency=dave.memberships.get().agency)
    followups.schedule_create(actor=actor(alice), case=world.son_case, starts_on=today, occurrences=1)
    outreach = followups.outreach_record(actor=actor(alice), target="旭町の男性", signs="新聞がたまっている", noticed_by="neighbour")
    followup = world.son_case.followups.get()

    browser_login(page, live_server, "alice")
    for url, heading in [
        (f"/ecomap/households/{world.household.pk}/", "ジェノグラム・エコマップ"),
        (f"/ecomap/cases/{world.case.pk}/", "エコマップ"),
        ("/followups/", "フォローアップ"),
        (f"/followups/{followup.pk}/record/", "フォローアップの記録"),
        (f"/followups/cases/{world.son_case.pk}/schedule/", "フォローアップの予定"),
        ("/followups/outreach/new/", "アウトリーチの対象を記録"),
        (f"/followups/outreach/{outreach.pk}/", "アウトリーチ"),
        ("/followups/handover/", "部署異動の引継ぎ"),
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    page.goto(f"{live_server.url}/ecomap/households/{world.household.pk}/")
    assert page.locator("svg.genogram g.genogram__person").count() == 4
    page.emulate_media(media="print")
    expect(page.locator("svg.genogram")).to_be_visible()
    expect(page.get_by_role("button", name="印刷する")).to_be_hidden()
    page.emulate_media(media="screen")
    for url in (f"/cases/{world.case.pk}/", f"/people/households/{world.household.pk}/"):  # the card loads both at once
        page.goto(f"{live_server.url}{url}")
        card = page.locator(".ecomap-diagrams")
        expect(card.locator("svg.genogram g.genogram__person")).to_have_count(4)
        expect(card.locator("svg.ecomap")).to_be_visible()
        assert_accessible(page)

    page.context.clear_cookies()
    browser_login(page, live_server, "dave")
    for url, heading in [
        ("/meetings/", "会議"),
        (f"/meetings/{world.meeting.pk}/", world.meeting.title),
        ("/meetings/calendar/", "会議カレンダー"),
        ("/meetings/actions/", "自機関の役割分担"),
        (f"/meetings/actions/{action.pk}/", "役割分担の更新"),
        (f"/meetings/members/{member.pk}/pledge/", "守秘義務の誓約"),
        (f"/meetings/sittings/{sitting.pk}/", "第1回"),
        (f"/meetings/sittings/{sitting.pk}/print/", "議事録"),
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    expect(page.get_by_text("取扱注意").first).to_be_visible()
