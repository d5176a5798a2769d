"""5. Decisions and action items follow the basis, as discussions do (`queries.readable`, one rule): one tied to
an agenda item is shown only to a reader with a basis for that item's case or household — on the sitting's page,
its print, the API, the action list and the dashboard; one about the meeting as a whole is shown to its seated
members."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import MeetingKind
from tsunagu.sharing.services import consent_withdraw

ABOUT_SON = ("健一さんは来月から就労体験に参加する", "健一さんの家計の状況を確認する")
WHOLE = ("次回は来月の第2火曜日", "次回の会場を予約する")


def _agency(staff):
    return staff.memberships.get().agency


@pytest.fixture
def record(world, alice, bob, meeting_members, convener):
    """A 定例の情報共有会議 (it opens nothing by itself) of alice's, bob's and dave's agencies, with the son's case on
    its agenda: alice's agency leads it, bob sees it through the son's consent, dave does not see it."""
    dave, _ = meeting_members
    c = actor(convener)
    meeting = services.meeting_create(actor=c, kind=MeetingKind.CASE_SHARING, title="つながる会議",
                                      member_agencies=[_agency(bob), _agency(dave)])
    for staff in (bob, dave):
        member = meeting.members.get(agency=_agency(staff))
        services.pledge_record(actor=actor(staff), member=member, staff=staff, method="electronic")
    item = services.agenda_add(actor=c, meeting=meeting, case=world.son_case)
    sitting = services.sitting_schedule(actor=c, meeting=meeting, held_on=timezone.localdate())[0]
    services.minutes_save(actor=c, sitting=sitting, expected_version=1, minutes="", discussions={item.pk: "健一さんの近況を共有"})
    services.decision_add(actor=c, sitting=sitting, text=ABOUT_SON[0], agenda_item=item)
    services.decision_add(actor=c, sitting=sitting, text=WHOLE[0])
    services.action_add(actor=c, sitting=sitting, description=ABOUT_SON[1], owner_agency=_agency(bob), agenda_item=item,
                        due_on=timezone.localdate())
    services.action_add(actor=c, sitting=sitting, description=WHOLE[1], owner_agency=_agency(dave), due_on=timezone.localdate())
    return meeting, sitting, item


def _read(client, url: str) -> str:
    response = client.get(url)
    return json.dumps(response.json(), ensure_ascii=False) if url.startswith("/api/") else response.content.decode()


def _pages(client, sitting) -> dict[str, str]:
    return {url: _read(client, url) for url in
            (f"/meetings/sittings/{sitting.pk}/", f"/meetings/sittings/{sitting.pk}/print/", f"/api/meetings/sittings/{sitting.pk}")}


def test_a_member_without_a_basis_reads_the_meeting_business_not_the_items_record(record, meeting_members, client_for):
    dave, _ = meeting_members
    _, sitting, _ = record
    for url, body in _pages(client_for(dave), sitting).items():
        for text in ABOUT_SON:
            assert text not in body, f"{text} at {url}"
        for text in WHOLE:
            assert text in body, f"{text} missing at {url}"
        assert "健一さんの近況を共有" not in body
    api = client_for(dave).get(f"/api/meetings/sittings/{sitting.pk}").json()
    assert [d["text"] for d in api["decisions"]] == [WHOLE[0]]
    assert [a["description"] for a in api["action_items"]] == [WHOLE[1]]


def test_decisions_and_actions_do_not_outlive_the_basis(world, alice, bob, record, client_for):
    _, sitting, _ = record
    client = client_for(bob)
    for body in _pages(client, sitting).values():
        assert all(text in body for text in (*ABOUT_SON, *WHOLE))
    lists = ("/meetings/actions/", "/", "/api/meetings/actions", "/meetings/")
    assert all(ABOUT_SON[1] in _read(client, url) for url in lists)

    consent_withdraw(actor=actor(alice), consent=world.consent)
    for url, body in _pages(client, sitting).items():
        assert not any(text in body for text in ABOUT_SON), url
        assert WHOLE[0] in body, url
    for url in lists:
        assert ABOUT_SON[1] not in _read(client, url), url
    action = sitting.action_items.get(description=ABOUT_SON[1])
    assert client.get(f"/meetings/actions/{action.pk}/").status_code == 404


def test_an_action_about_an_item_goes_only_to_an_agency_that_may_read_it(record, meeting_members, convener):
    dave, _ = meeting_members
    _, sitting, item = record
    with pytest.raises(ValidationError, match="閲覧する根拠がありません"):
        services.action_add(actor=actor(convener), sitting=sitting, description="x", owner_agency=_agency(dave),
                            agenda_item=item, due_on=timezone.localdate())
    with pytest.raises(ValidationError, match="検討事項から選んでください"):
        services.decision_add(actor=actor(dave), sitting=sitting, text="x", agenda_item=item)
    assert sitting.action_items.count() == 2 and sitting.decisions.count() == 2


def test_a_member_cannot_write_a_discussion_about_an_item_she_cannot_read(record, meeting_members):
    dave, _ = meeting_members
    _, sitting, item = record
    sitting.refresh_from_db()
    with pytest.raises(ValidationError, match="閲覧の根拠がない"):
        services.minutes_save(actor=actor(dave), sitting=sitting, expected_version=sitting.version, minutes="上書き",
                              discussions={item.pk: "上書き"})
    sitting.refresh_from_db()
    assert sitting.minutes == "" and sitting.items.get().discussion == "健一さんの近況を共有"
