"""A sitting takes up its own agenda items (SittingItem): by default those new since the previous sitting and those
with open action items; the meeting's governors choose them, among the items they may read. The sitting's page,
its print and the API show only those (issue #17: every open item of the meeting, months old and about other
households, appeared in each sitting's minutes)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.meetings import queries, services
from tsunagu.meetings.models import AgendaItem, MeetingEvent, MeetingKind, SittingItem
from tsunagu.people import services as people


def _agency(staff):
    return staff.memberships.get().agency


def _aged(item: AgendaItem, days: int) -> AgendaItem:
    AgendaItem.objects.filter(pk=item.pk).update(added_on=timezone.localdate() - timedelta(days=days))
    item.refresh_from_db()
    return item


@pytest.fixture
def agenda(world, alice, bob, meeting_members, convener):
    """A 定例の情報共有会議 convened by alice's agency (bob's and dave's sit on it). Its first sitting, 30 days ago,
    took up the household's case and the son's case; since then another household was put on the agenda, and bob
    brought a case of his own agency's (which the convener has no basis for). An action about the household's case
    is still open."""
    dave, _ = meeting_members
    c = actor(convener)
    meeting = services.meeting_create(actor=c, kind=MeetingKind.CASE_SHARING, title="つながる会議",
                                      member_agencies=[_agency(bob), _agency(dave)])
    for staff in (bob, dave):
        services.pledge_record(actor=actor(staff), member=meeting.members.get(agency=_agency(staff)), staff=staff,
                               method="electronic")
    household_case = _aged(services.agenda_add(actor=c, meeting=meeting, case=world.case), 40)
    son_case = _aged(services.agenda_add(actor=c, meeting=meeting, case=world.son_case), 40)
    today = timezone.localdate()
    first = services.sitting_schedule(actor=c, meeting=meeting, held_on=today - timedelta(days=30))[0]
    services.minutes_save(actor=c, sitting=first, expected_version=1, minutes="前回", status="held",
                          discussions={household_case.pk: "祖父母の介護", son_case.pk: "就労の状況"})
    services.action_add(actor=c, sitting=first, description="孫の登校を学校に確認する", owner_agency=_agency(alice),
                        agenda_item=household_case, due_on=today + timedelta(days=7))
    services.action_add(actor=c, sitting=first, description="就労体験先に連絡した", owner_agency=_agency(alice),
                        agenda_item=son_case, due_on=today - timedelta(days=7))
    son_case.action_items.update(status="done")
    a = actor(alice)
    sato = people.person_create(actor=a, name="佐藤 一郎", kana="さとう いちろう")
    other = people.household_create(actor=a, name="佐藤さん世帯", address="さくら野町本町1-1", members=[(sato, "", True)])
    new_household = _aged(services.agenda_add(actor=c, meeting=meeting, household=other), 10)
    b = actor(bob)
    own = cases.case_open(actor=b, person=people.person_create(actor=b, name="田中 次郎", kana="たなか じろう"),
                          title="田中さんの障害福祉サービス")
    services.proposal_accept(actor=c, proposal=services.agenda_propose(actor=b, meeting=meeting, case=own))
    bobs = meeting.agenda_items.get(case=own)
    second = services.sitting_schedule(actor=c, meeting=meeting, held_on=today)[0]
    return meeting, first, second, {"household_case": household_case, "son_case": son_case,
                                    "new_household": new_household, "bobs": bobs}


def _fields(body: str, items) -> set[str]:
    return {key for key, item in items.items() if f'name="item_{item.pk}"' in body}


def test_a_sitting_takes_up_the_new_items_and_those_with_open_actions(agenda, convener, client_for):
    _, first, second, items = agenda
    assert queries.sitting_item_ids(first) == {items["household_case"].pk, items["son_case"].pk}
    assert queries.sitting_item_ids(second) == {items["household_case"].pk, items["new_household"].pk, items["bobs"].pk}
    client = client_for(convener)
    page = client.get(f"/meetings/sittings/{second.pk}/").content.decode()
    # the son's case (taken up last time, its action done) is not in this sitting's minutes form
    assert _fields(page, items) == {"household_case", "new_household"}
    printed = client.get(f"/meetings/sittings/{second.pk}/print/").content.decode()
    assert "佐藤さん世帯" in printed and items["household_case"].case.label in printed
    assert items["son_case"].case.label not in printed
    api = client.get(f"/api/meetings/sittings/{second.pk}").json()
    assert {i["agenda_item_id"] for i in api["agenda_items"]} == {items["household_case"].pk, items["new_household"].pk}
    # the first sitting's record keeps what it took up
    assert _fields(client.get(f"/meetings/sittings/{first.pk}/").content.decode(), items) == {"household_case", "son_case"}


def test_the_governor_chooses_among_the_items_she_may_read(agenda, convener, bob, client_for):
    meeting, _, second, items = agenda
    client = client_for(convener)
    page = client.get(f"/meetings/sittings/{second.pk}/").content.decode()
    assert items["bobs"].case.label not in page  # bob's case: no basis, neither named nor offered
    assert f'name="agenda_items" value="{items["son_case"].pk}"' in page
    response = client.post(f"/meetings/sittings/{second.pk}/items/", {"agenda_items": [items["son_case"].pk]})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.items_chosen
    # bob's item stays: the convener cannot see it, so her choice leaves it as it is
    assert queries.sitting_item_ids(second) == {items["son_case"].pk, items["bobs"].pk}
    assert MeetingEvent.objects.filter(meeting=meeting, kind="sitting_items").count() == 1
    bobs_page = client_for(bob).get(f"/meetings/sittings/{second.pk}/").content.decode()
    assert items["bobs"].case.label in bobs_page and "佐藤さん世帯" not in bobs_page


def test_only_the_governors_choose_a_sittings_items(agenda, bob, client_for):
    _, _, second, items = agenda
    before = queries.sitting_item_ids(second)
    response = client_for(bob).post(f"/meetings/sittings/{second.pk}/items/", {"agenda_items": [items["bobs"].pk]})
    assert response.status_code == 403
    with pytest.raises(Exception, match="主催機関"):
        services.sitting_items_choose(actor=actor(bob), sitting=second, agenda_item_ids=[items["bobs"].pk])
    second.refresh_from_db()
    assert not second.items_chosen and queries.sitting_item_ids(second) == before
    assert "主催機関（テスト地域包括支援センター）の管理者・推進員が決めます" in client_for(bob).get(
        f"/meetings/sittings/{second.pk}/").content.decode()


def test_an_item_without_a_basis_or_with_a_record_is_not_dropped(agenda, convener):
    _, first, second, items = agenda
    c = actor(convener)
    with pytest.raises(ValidationError, match="閲覧の根拠がない"):
        services.sitting_items_choose(actor=c, sitting=second, agenda_item_ids=[items["bobs"].pk])
    with pytest.raises(ValidationError, match="外せません"):
        services.sitting_items_choose(actor=c, sitting=first, agenda_item_ids=[items["son_case"].pk])
    assert queries.sitting_item_ids(first) == {items["household_case"].pk, items["son_case"].pk}
    assert not SittingItem.objects.filter(sitting=second).exists()


def test_minutes_and_decisions_only_about_the_items_taken_up(agenda, convener):
    _, _, second, items = agenda
    c = actor(convener)
    with pytest.raises(ValidationError, match="この回で取り上げる検討事項"):
        services.decision_add(actor=c, sitting=second, text="x", agenda_item=items["son_case"])
    with pytest.raises(ValidationError, match="この回で取り上げる検討事項"):
        services.minutes_save(actor=c, sitting=second, expected_version=second.version, minutes="",
                              discussions={items["son_case"].pk: "x"})
    services.minutes_save(actor=c, sitting=second, expected_version=second.version, minutes="", status="held",
                          discussions={items["new_household"].pk: "転居の予定"})
    second.refresh_from_db()
    # held: what it took up is fixed, whatever the agenda does next
    assert second.items_chosen and set(second.items.values_list("agenda_item_id", flat=True)) == {
        items["household_case"].pk, items["new_household"].pk, items["bobs"].pk}


def test_the_api_names_only_the_items_the_reader_may_read(agenda, meeting_members, client_for):
    """dave sees the 高橋 household through the 支援会議 it sits on, not the 佐藤 household nor bob's case."""
    dave, _ = meeting_members
    _, _, second, items = agenda
    api = client_for(dave).get(f"/api/meetings/sittings/{second.pk}").json()
    assert [i["agenda_item_id"] for i in api["agenda_items"]] == [items["household_case"].pk]
