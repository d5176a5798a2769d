"""The information-sharing policy, table-driven: personas × objects → the basis (or nothing)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseNote, Compartment, Referral, SupportPlan
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_withdraw, vital_interest_disclose

B = SharingBasis
OWN, CONSENT, MEETING = B.OWN_AGENCY, B.CONSENT, B.SUPPORT_MEETING
OBJECTS = ["person", "household", "case", "note", "plan", "referral"]
MODELS = {"person": Person, "household": Household, "case": Case, "note": CaseNote, "plan": SupportPlan,
          "referral": Referral}

# The expected basis for each persona and object; None = must not exist for them (404, absent from lists).
MATRIX = {
    "own": dict.fromkeys(OBJECTS, OWN),
    "consented_partner": {"person": CONSENT, "household": CONSENT, "case": CONSENT, "note": CONSENT, "plan": CONSENT,
                          "referral": CONSENT},
    "meeting_member": {"person": MEETING, "household": MEETING, "case": MEETING, "note": MEETING, "plan": MEETING,
                       "referral": None},
    "former_member": dict.fromkeys(OBJECTS),
    "outsider": dict.fromkeys(OBJECTS),
    "coordinator": dict.fromkeys(OBJECTS),  # her agency has no basis here: the role alone gives nothing
    "admin": dict.fromkeys(OBJECTS),  # the system administrator sees no personal data by role alone
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_basis_matrix(world, personas, persona):
    a = actor(personas[persona])
    for obj_name, expected in MATRIX[persona].items():
        obj = world.objects()[obj_name]
        access = policy.basis_for(obj, a)
        assert (access.basis if access else None) == expected, obj_name
        listed = list(policy.visible(MODELS[obj_name].objects.all(), a).values_list("pk", flat=True))
        assert (obj.pk in listed) == (expected is not None), obj_name


@pytest.mark.parametrize("persona", list(MATRIX))
def test_get_or_404_logs_the_basis(world, personas, persona):
    a = actor(personas[persona])
    for obj_name, expected in MATRIX[persona].items():
        obj = world.objects()[obj_name]
        if expected is None:
            before = AccessLog.objects.filter(staff=a.staff).count()
            with pytest.raises(Http404):
                policy.get_or_404(MODELS[obj_name], a, obj.pk)
            assert AccessLog.objects.filter(staff=a.staff).count() == before
            continue
        assert policy.get_or_404(MODELS[obj_name], a, obj.pk).pk == obj.pk
        log = AccessLog.objects.filter(staff=a.staff).order_by("-id").first()
        assert (log.basis, log.object_id, log.object_type) == (expected, str(obj.pk), obj._meta.label_lower)


@pytest.mark.parametrize("persona", list(MATRIX))
def test_search_finds_only_what_the_basis_allows(world, personas, persona):
    found = set(policy.search_persons(actor(personas[persona]), "タカハシ").values_list("pk", flat=True))
    expected = {
        "own": {world.father.pk, world.mother.pk, world.son.pk, world.grandson.pk},
        "consented_partner": {world.son.pk},
        "meeting_member": {world.father.pk, world.mother.pk, world.son.pk, world.grandson.pk},
    }.get(persona, set())
    assert found == expected


@pytest.mark.parametrize("text", ["たかはし", "ﾀｶﾊｼ", "高橋", "髙橋", "高橋　清", "きよし", "橋 清"])
def test_search_is_tolerant_of_variants(world, alice, text):
    found = policy.search_persons(actor(alice), text)
    assert world.father.pk in set(found.values_list("pk", flat=True))


def test_consent_withdrawal_cuts_access_at_once(world, bob):
    a = actor(bob)
    assert policy.basis_for(world.son, a).basis == CONSENT
    consent_withdraw(actor=a, consent=world.consent, note="本人より撤回の申し出")
    for obj in world.objects().values():
        assert policy.basis_for(obj, a) is None
    assert not policy.search_persons(a, "けんいち").exists()


def test_expired_consent_gives_nothing(world, bob):
    today = timezone.localdate()
    world.consent.given_on = today - timedelta(days=10)
    world.consent.expires_on = today - timedelta(days=1)
    world.consent.save()
    assert policy.basis_for(world.son, actor(bob)) is None
    assert policy.basis_for(world.son, actor(bob), today=today - timedelta(days=2)).basis == CONSENT


def test_removed_agenda_item_ends_meeting_access(world, meeting_members):
    dave = meeting_members[0]
    AgendaItem.objects.filter(meeting=world.meeting).update(removed_on=timezone.localdate())
    assert policy.basis_for(world.household, actor(dave)) is None


def test_child_protection_entry_never_leaves_its_compartment(world, alice, bob, meeting_members, charlie):
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協", convened_by=charlie.memberships.get().agency)
    MeetingMember.objects.create(meeting=council, agency=charlie.memberships.get().agency,
                                 confidentiality_pledged_on=timezone.localdate())
    AgendaItem.objects.create(meeting=council, household=world.household)
    secret = cases.note_add(actor=actor(charlie), case=world.case, body="要対協で共有: ネグレクトの状況",
                            compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    assert policy.basis_for(secret, actor(charlie)).basis == B.CHILD_PROTECTION_COUNCIL
    for outside in (alice, bob, meeting_members[0]):
        assert policy.basis_for(secret, actor(outside)) is None
        assert secret.pk not in set(policy.visible(CaseNote.objects.all(), actor(outside)).values_list("pk", flat=True))
        # ...while the ordinary note on the same case stays visible to them
        assert policy.basis_for(world.note, actor(outside)) is not None


def test_vital_interest_disclosure_opens_access_until_it_expires(world, alice, charlie):
    disclosure = vital_interest_disclose(actor=actor(alice), person=world.grandson, to_agency=charlie.memberships.get().agency, ground="life",
                                         reason="深夜に孫が一人で外にいると通報。保護のため緊急に共有")
    assert policy.basis_for(world.grandson, actor(charlie)).basis == B.VITAL_INTEREST
    assert policy.basis_for(world.son, actor(charlie)) is None
    disclosure.expires_on = timezone.localdate() - timedelta(days=1)
    disclosure.save()
    assert policy.basis_for(world.grandson, actor(charlie)) is None


def test_known_elsewhere_is_a_bare_boolean(world, charlie, alice):
    assert policy.known_elsewhere(actor(charlie), "たかはし けんいち") is True
    assert policy.known_elsewhere(actor(alice), "たかはし けんいち") is False  # she sees them all herself
    assert policy.known_elsewhere(actor(charlie), "存在しない名前") is False
    assert policy.suggest_own_persons(actor(charlie), "たかはし") == []


def test_referral_cannot_go_to_an_agency_no_basis_covers(world, alice, charlie):
    outsider = charlie.memberships.get().agency
    assert policy.referral_target_allowed(case=world.son_case, person=world.son, to_agency=outsider) is False
    with pytest.raises(Exception, match="根拠"):
        cases.referral_send(actor=actor(alice), case=world.son_case, person=world.son, to_agency=outsider,
                            reason="r", request="q", due_on=timezone.localdate(),
                            receiver_access=policy.agency_may_see(outsider, world.son))
    assert not Referral.objects.filter(to_agency=outsider).exists()


def test_withdrawn_consent_hides_the_referral_from_its_receiver_not_its_sender(world, alice, bob):
    consent_withdraw(actor=actor(alice), consent=world.consent)
    assert policy.basis_for(world.referral, actor(bob)) is None
    assert policy.basis_for(world.referral, actor(alice)).basis == OWN


def test_edit_rights(world, alice, bob):
    assert policy.may_edit(world.son, actor(alice)) and policy.may_edit(world.case, actor(alice))
    assert not policy.may_edit(world.son, actor(bob)) and not policy.may_edit(world.case, actor(bob))
    assert not policy.may_edit(world.note, actor(bob))


def test_case_page_shows_a_council_note_only_to_council_members(world, alice, charlie, client_for):
    council = Meeting.objects.create(kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="要対協", convened_by=charlie.memberships.get().agency)
    MeetingMember.objects.create(meeting=council, agency=charlie.memberships.get().agency,
                                 confidentiality_pledged_on=timezone.localdate())
    AgendaItem.objects.create(meeting=council, household=world.household)
    cases.note_add(actor=actor(charlie), case=world.case, body="要対協の記録: 見守りを強化",
                   compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    assert "要対協の記録" in client_for(charlie).get(f"/cases/{world.case.pk}/").content.decode()
    own_page = client_for(alice).get(f"/cases/{world.case.pk}/").content.decode()
    assert "要対協の記録" not in own_page and "祖父母が孫の世話" in own_page
    # alice's agency joins the council: it now has both its own basis and the council's, and sees the entry
    MeetingMember.objects.create(meeting=council, agency=alice.memberships.get().agency,
                                 confidentiality_pledged_on=timezone.localdate())
    assert "要対協の記録" in client_for(alice).get(f"/cases/{world.case.pk}/").content.decode()
