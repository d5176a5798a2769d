"""The meeting rules of the sharing policy (the meetings issue builds the meetings themselves)."""

from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Compartment
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.sharing import policy

TODAY = timezone.localdate


def test_support_meeting_member_sees_only_while_on_the_agenda(world, meeting_members):
    dave, erin = meeting_members
    assert policy.basis_for(world.grandson, actor(dave)).basis == SharingBasis.SUPPORT_MEETING
    assert policy.basis_for(world.grandson, actor(erin)) is None  # left yesterday: duty stays, access does not
    for item in AgendaItem.objects.filter(meeting=world.meeting):  # saved one by one: the policy hears of each
        item.removed_on = TODAY()
        item.save(update_fields=["removed_on"])
    assert policy.basis_for(world.grandson, actor(dave)) is None


def test_a_member_who_joins_tomorrow_sees_nothing_today(world, charlie):
    MeetingMember.objects.create(meeting=world.meeting, agency=charlie.memberships.get().agency,
                                 joined_on=TODAY() + timedelta(days=1))
    assert policy.basis_for(world.household, actor(charlie)) is None


def test_a_multi_agency_meeting_gives_no_basis_without_consent(world, charlie):
    meeting = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="重層的支援会議",
                                     convened_by=charlie.memberships.get().agency)
    MeetingMember.objects.create(meeting=meeting, agency=charlie.memberships.get().agency)
    AgendaItem.objects.create(meeting=meeting, household=world.household)
    assert policy.basis_for(world.household, actor(charlie)) is None


def test_a_case_recorded_under_the_council_stays_inside_it(world, alice, bob, charlie):
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協",
                                     convened_by=charlie.memberships.get().agency)
    MeetingMember.objects.create(meeting=council, agency=charlie.memberships.get().agency)
    secret = cases.case_open(actor=actor(alice), person=world.grandson, title="ネグレクトの見守り",
                             compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    # recorded by alice's agency under the council, but her agency is not a member: not even "own agency"
    assert policy.basis_for(secret, actor(alice)) is None
    AgendaItem.objects.create(meeting=council, case=secret)
    assert policy.basis_for(secret, actor(charlie)).basis == SharingBasis.CHILD_PROTECTION_COUNCIL
    assert policy.basis_for(secret, actor(bob)) is None  # consent does not open the compartment
    MeetingMember.objects.create(meeting=council, agency=alice.memberships.get().agency)
    assert policy.basis_for(secret, actor(alice)).basis == SharingBasis.CHILD_PROTECTION_COUNCIL
