"""Action items may name household members (世帯の一人ひとり): the members offered are the current members of the
chosen agenda item's household that the writer sees (`policy.checked_rows`); the service refuses anyone else in
Japanese, writing nothing; the names are shown with the action on the sitting's page, its print and the action
list."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import ActionItem, MeetingKind
from tsunagu.people import services as people
from tsunagu.people.models import HouseholdMember
from tsunagu.sharing import policy


def _agency(staff):
    return staff.memberships.get().agency


def _box(person) -> str:
    return f'name="members" value="{person.pk}"'


@pytest.fixture
def sitting(world, convener):
    """Today's sitting of the world's 支援会議, which has the 高橋 household on its agenda (dave's agency sits on it)."""
    return services.sitting_schedule(actor=actor(convener), meeting=world.meeting, held_on=timezone.localdate())[0]


def test_an_action_names_members_of_its_items_household(world, sitting, convener, meeting_members, client_for):
    dave, _ = meeting_members
    item = world.meeting.agenda_items.get()
    client = client_for(convener)
    page = client.get(f"/meetings/sittings/{sitting.pk}/").content.decode()
    assert all(_box(p) in page for p in (world.father, world.mother, world.son, world.grandson))
    response = client.post(f"/meetings/sittings/{sitting.pk}/actions/", {
        "agenda_item": item.pk, "members": [world.grandson.pk], "description": "蓮さんの登校を学校に確認する",
        "owner_agency": _agency(dave).pk, "due_on": (timezone.localdate() + timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert list(action.members.all()) == [world.grandson]
    for url in (f"/meetings/sittings/{sitting.pk}/", f"/meetings/sittings/{sitting.pk}/print/"):
        assert "対象: 高橋 蓮さん" in client.get(url).content.decode(), url
    assert "対象: 高橋 蓮さん" in client_for(dave).get("/meetings/actions/").content.decode()


def test_a_former_member_or_a_stranger_is_refused(world, sitting, convener, alice, client_for):
    item = world.meeting.agenda_items.get()
    c = actor(convener)
    stranger = people.person_create(actor=actor(alice), name="佐藤 一郎", kana="さとう いちろう")
    HouseholdMember.objects.filter(household=world.household, person=world.mother).update(
        left_on=timezone.localdate() - timedelta(days=1))
    policy.sharing_changed()
    page = client_for(convener).get(f"/meetings/sittings/{sitting.pk}/").content.decode()
    assert _box(world.mother) not in page and _box(world.son) in page
    for person in (stranger, world.mother):
        with pytest.raises(ValidationError, match="この検討事項の世帯の世帯員ではない"):
            services.action_add(actor=c, sitting=sitting, description="x", owner_agency=_agency(convener),
                                agenda_item=item, members=[person], due_on=timezone.localdate())
    with pytest.raises(ValidationError, match="検討事項（世帯・ケース）を選んでください"):
        services.action_add(actor=c, sitting=sitting, description="x", owner_agency=_agency(convener),
                            members=[world.son], due_on=timezone.localdate())
    assert not ActionItem.objects.exists()


@pytest.fixture
def sharing(world, bob, meeting_members, convener):
    """A 定例の情報共有会議 (it opens nothing) with the household's case on its agenda: bob sees the son (his consent)
    and so the household, not the other members."""
    dave, _ = meeting_members
    c = actor(convener)
    meeting = services.meeting_create(actor=c, kind=MeetingKind.CASE_SHARING, title="つながる会議",
                                      member_agencies=[_agency(bob), _agency(dave)])
    for staff in (bob, dave):
        services.pledge_record(actor=actor(staff), member=meeting.members.get(agency=_agency(staff)), staff=staff,
                               method="electronic")
    item = services.agenda_add(actor=c, meeting=meeting, case=world.case)
    return services.sitting_schedule(actor=c, meeting=meeting, held_on=timezone.localdate())[0], item


def test_only_the_members_the_writer_sees_are_offered(world, sharing, bob, convener, client_for):
    sitting, item = sharing
    page = client_for(bob).get(f"/meetings/sittings/{sitting.pk}/").content.decode()
    assert _box(world.son) in page
    assert not any(_box(p) in page for p in (world.father, world.mother, world.grandson))
    with pytest.raises(ValidationError, match="閲覧の根拠がない世帯員"):
        services.action_add(actor=actor(bob), sitting=sitting, description="x", owner_agency=_agency(bob),
                            agenda_item=item, members=[world.grandson], due_on=timezone.localdate())
    # the owner agency must see each named member too, or it would not see its own action item
    with pytest.raises(ValidationError, match="蓮さんを閲覧する根拠がありません"):
        services.action_add(actor=actor(convener), sitting=sitting, description="x", owner_agency=_agency(bob),
                            agenda_item=item, members=[world.grandson], due_on=timezone.localdate())
    assert not ActionItem.objects.exists()
    action = services.action_add(actor=actor(bob), sitting=sitting, description="健一さんに連絡する",
                                 owner_agency=_agency(bob), agenda_item=item, members=[world.son],
                                 due_on=timezone.localdate())
    assert list(action.members.all()) == [world.son]
