"""Meeting screens: the record of a sitting, action items on the owner's dashboard, pledges kept for former
members, the monthly case-sharing meeting, printable minutes marked 取扱注意, and outsiders kept out."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog
from tsunagu.meetings import services
from tsunagu.meetings.models import (
    ActionItem,
    ActionStatus,
    ConfidentialityPledge,
    Meeting,
    MeetingKind,
    MeetingMember,
    Sitting,
)


@pytest.fixture
def sitting(world, meeting_members):
    dave, _ = meeting_members
    return services.sitting_schedule(actor=actor(dave), meeting=world.meeting, held_on=timezone.localdate())[0]


def test_minutes_decisions_and_actions_reach_the_owner(world, meeting_members, sitting, client_for):
    dave, _ = meeting_members
    client = client_for(dave)
    page = client.get(f"/meetings/sittings/{sitting.pk}/").content.decode()
    assert world.household.name in page
    item = world.meeting.agenda_items.get()
    response = client.post(f"/meetings/sittings/{sitting.pk}/", {
        "version": sitting.version, "status": "held", "minutes": "祖父母の介護負担が限界に近い。", "events": "", "topics": "",
        f"item_{item.pk}": "孫の登校について学校と連携する。"})
    assert response.status_code == 302
    client.post(f"/meetings/sittings/{sitting.pk}/decisions/", {"text": "包括が主担当となる", "agenda_item": item.pk})
    dave_agency = dave.memberships.get().agency
    client.post(f"/meetings/sittings/{sitting.pk}/actions/", {"description": "家計の状況を確認する", "owner_agency": dave_agency.pk,
                                                               "due_on": timezone.localdate() - timedelta(days=1), "agenda_item": item.pk})
    action = ActionItem.objects.get()
    assert action.owner_agency == dave_agency and action.agenda_item == item
    dashboard = client.get("/").content.decode()
    assert "家計の状況を確認する" in dashboard and "期限切れ" in dashboard
    printed = client.get(f"/meetings/sittings/{sitting.pk}/print/").content.decode()
    assert "取扱注意" in printed and "包括が主担当となる" in printed and "社会福祉法第106条の6" in printed
    assert AccessLog.objects.filter(staff=dave, action="print", object_type="meetings.sitting").exists()


def test_stale_minutes_do_not_overwrite(world, meeting_members, sitting, client_for):
    dave, _ = meeting_members
    services.minutes_save(actor=actor(dave), sitting=sitting, expected_version=1, minutes="先に保存された議事録")
    response = client_for(dave).post(f"/meetings/sittings/{sitting.pk}/", {"version": 1, "status": "held", "minutes": "古い版"})
    assert "先に保存された議事録" in response.content.decode()
    assert Sitting.objects.get().minutes == "先に保存された議事録"


def test_action_owner_must_be_a_current_member(world, meeting_members, sitting, charlie, client_for):
    dave, erin = meeting_members
    client_for(dave).post(f"/meetings/sittings/{sitting.pk}/actions/", {
        "description": "x", "owner_agency": erin.memberships.get().agency.pk, "due_on": timezone.localdate()})
    assert not ActionItem.objects.exists()


def test_pledges_stay_after_leaving(world, meeting_members, client_for):
    dave, _ = meeting_members
    member = MeetingMember.objects.get(meeting=world.meeting, agency=dave.memberships.get().agency)
    client = client_for(dave)
    assert client.post(f"/meetings/members/{member.pk}/pledge/", {"staff": dave.pk, "pledged_on": timezone.localdate(),
                                                                  "method": "written"}).status_code == 302
    assert ConfidentialityPledge.objects.filter(member=member, staff=dave).exists()
    client.post(f"/meetings/members/{member.pk}/leave/", {"left_on": timezone.localdate()})
    member.refresh_from_db()
    assert member.left_on == timezone.localdate() and member.pledges.count() == 1
    assert client.get(f"/meetings/{world.meeting.pk}/").status_code == 404


def test_monthly_case_sharing_meeting_for_a_year_on_the_calendar(alice, bob, convener, client_for):
    a = actor(convener)
    meeting = services.meeting_create(actor=a, kind=MeetingKind.CASE_SHARING, title="とうべつ会議", recurrence="monthly",
                                      member_agencies=[bob.memberships.get().agency])
    sittings = services.sitting_schedule(actor=a, meeting=meeting, held_on=date(2026, 1, 31), repeat=12)
    assert [s.held_on.month for s in sittings] == list(range(1, 13)) and sittings[1].held_on == date(2026, 2, 28)
    # bob's agency was added: until bob pledges, the meeting is only a line asking for his pledge
    member = meeting.members.get(agency=bob.memberships.get().agency)
    assert "とうべつ会議" not in client_for(bob).get("/meetings/calendar/?month=2026-02").content.decode()
    assert "守秘義務の誓約が必要な会議" in client_for(bob).get("/meetings/").content.decode()
    assert client_for(bob).post(f"/meetings/members/{member.pk}/pledge/", {
        "staff": bob.pk, "pledged_on": timezone.localdate(), "method": "electronic"}).status_code == 302
    page = client_for(bob).get("/meetings/calendar/?month=2026-02").content.decode()
    assert "とうべつ会議" in page
    services.minutes_save(actor=a, sitting=sittings[0], expected_version=1, minutes="", events="2/10 認知症サポーター養成講座",
                          topics="8050世帯への訪問体制")
    page = client_for(bob).get(f"/meetings/sittings/{sittings[0].pk}/").content.decode()
    assert "認知症サポーター養成講座" in page and "② 構成機関の会議・研修の予定" in page


def test_creating_a_support_meeting_is_for_the_municipality(alice, convener, coordinator, client_for):
    assert client_for(alice).post("/meetings/new/", {"kind": "case_conference", "title": "ケース会議"}).status_code == 403
    response = client_for(convener).post("/meetings/new/", {"kind": "support_meeting", "title": "勝手な支援会議"})
    assert "自治体が開催します" in response.content.decode() and not Meeting.objects.exists()
    response = client_for(coordinator).post("/meetings/new/", {"kind": "support_meeting", "title": "さくら野町支援会議",
                                                               "member_agencies": [alice.memberships.get().agency.pk]})
    assert response.status_code == 302
    assert Meeting.objects.get().members.count() == 2


def test_action_update_by_owner(world, meeting_members, sitting, client_for):
    dave, _ = meeting_members
    action = services.action_add(actor=actor(dave), sitting=sitting, description="訪問", owner_agency=dave.memberships.get().agency,
                                 due_on=timezone.localdate())
    response = client_for(dave).post(f"/meetings/actions/{action.pk}/", {"status": "done", "result": "訪問済み", "version": 1})
    assert response.status_code == 302 and ActionItem.objects.get().status == ActionStatus.DONE


@pytest.mark.parametrize("url", ["/meetings/{m}/", "/meetings/sittings/{s}/", "/meetings/sittings/{s}/print/",
                                 "/meetings/members/{mm}/pledge/", "/meetings/actions/{a}/", "/api/meetings/sittings/{s}"])
def test_outsider_gets_404(world, meeting_members, sitting, charlie, client_for, url):
    dave, _ = meeting_members
    action = services.action_add(actor=actor(dave), sitting=sitting, description="訪問", owner_agency=dave.memberships.get().agency,
                                 due_on=timezone.localdate())
    member = world.meeting.members.first()
    assert client_for(charlie).get(url.format(m=world.meeting.pk, s=sitting.pk, mm=member.pk, a=action.pk)).status_code == 404


@pytest.mark.parametrize("url", ["/meetings/{m}/members/", "/meetings/{m}/sittings/", "/meetings/sittings/{s}/decisions/",
                                 "/meetings/sittings/{s}/actions/", "/meetings/agenda/{i}/remove/"])
def test_outsider_cannot_write(world, sitting, charlie, client_for, url):
    item = world.meeting.agenda_items.get()
    response = client_for(charlie).post(url.format(m=world.meeting.pk, s=sitting.pk, i=item.pk),
                                        {"text": "x", "held_on": timezone.localdate(), "repeat": 1})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.removed_on is None and not sitting.decisions.exists() and Sitting.objects.count() == 1


def test_outsider_cannot_put_a_case_on_an_agenda(world, charlie, client_for):
    assert client_for(charlie).get(f"/meetings/agenda/add/?case={world.case.pk}").status_code == 404


def test_api_lists_meetings_and_actions(world, meeting_members, sitting, charlie, client_for):
    dave, _ = meeting_members
    assert [m["title"] for m in client_for(dave).get("/api/meetings/").json()] == [world.meeting.title]
    assert client_for(charlie).get("/api/meetings/").json() == []
    assert client_for(dave).get(f"/api/meetings/sittings/{sitting.pk}").status_code == 200
