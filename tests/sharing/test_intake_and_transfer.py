"""法の通りに: a write never turns a temporary basis into lasting access.

Each attack found by the review is replayed through the real pages and API: an agency that sees a household member
only through consent, a 支援会議 or an emergency disclosure takes a consultation (outcome 継続) about her or her
household, adds her to its own household, or is made lead agency — and then the basis ends. Afterwards it must see
nothing of the recording agency's rows that an agency which never held the basis does not see.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog, SharingBasis
from tsunagu.cases.models import Case, CaseTransfer, Consultation
from tsunagu.meetings.models import MeetingMember
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.models import VitalInterestDisclosure
from tsunagu.sharing.services import consent_withdraw

MODELS = (Person, Household, Case)


def seen(staff) -> dict:
    """Every person, household and case the staff member's agency may see, by model."""
    a = actor(staff)
    return {model: set(policy.visible(model.objects.all(), a).values_list("pk", flat=True)) for model in MODELS}


def others_rows(staff) -> dict:
    """What `staff` sees of rows its agency did not record (cases: neither recorded nor led)."""
    agency_id = staff.memberships.get().agency_id
    shown = seen(staff)
    return {
        Person: set(Person.objects.filter(pk__in=shown[Person]).exclude(agency_id=agency_id).values_list("pk", flat=True)),
        Household: set(Household.objects.filter(pk__in=shown[Household]).exclude(agency_id=agency_id)
                       .values_list("pk", flat=True)),
        Case: set(Case.objects.filter(pk__in=shown[Case]).exclude(agency_id=agency_id).values_list("pk", flat=True)),
    }


def end_basis(persona: str, world, staff) -> None:
    today = timezone.localdate()
    if persona == "consent":
        consent_withdraw(actor=actor(world.consent_taker), consent=world.consent, withdrawn_on=today, note="本人の申出")
    elif persona == "meeting":
        MeetingMember.objects.filter(meeting=world.meeting, agency=staff.memberships.get().agency).update(left_on=today)
        policy.sharing_changed()
    else:
        VitalInterestDisclosure.objects.filter(to_agency=staff.memberships.get().agency).update(
            expires_on=today - timedelta(days=1))
        policy.sharing_changed()


@pytest.fixture
def holders(world, alice, bob, meeting_members, charlie):
    """persona → (staff, the person she sees only on that basis). charlie gets an emergency disclosure of the son."""
    world.consent_taker = alice
    VitalInterestDisclosure.objects.create(person=world.son, from_agency=alice.memberships.get().agency,
                                           to_agency=charlie.memberships.get().agency, disclosed_by=alice,
                                           reason="自宅で倒れているとの通報", expires_on=timezone.localdate() + timedelta(days=3))
    policy.sharing_changed()
    return {"consent": bob, "meeting": meeting_members[0], "vital": charlie}


@pytest.fixture
def never_held(db):
    from tests import factories
    return factories.staff(factories.agency("テスト無関係の事業所", kind="other", fields=[]), login_id="nobody", name="無関 係")


def assert_nothing_lasting(persona, world, staff, never_held) -> None:
    end_basis(persona, world, staff)
    baseline = others_rows(never_held)
    lasting = others_rows(staff)
    for model in MODELS:
        assert lasting[model] <= baseline[model], f"{persona}: {model.__name__} {lasting[model] - baseline[model]} after the basis ended"


def test_an_emergency_disclosure_does_not_open_the_household_for_intake(world, holders, client_for):
    response = client_for(holders["vital"]).get(f"/cases/intake/?household={world.household.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["consent", "meeting"])
def test_a_consultation_on_the_household_makes_no_housemate_visible_and_nothing_lasts(
        persona, world, holders, never_held, client_for):
    staff = holders[persona]
    before = seen(staff)
    assert world.household.pk in before[Household]
    response = client_for(staff).post(f"/cases/intake/?household={world.household.pk}", {
        "household": world.household.pk, "route": "phone", "consulter": "family", "received_on": timezone.localdate(),
        "main_complaint": "世帯の生活が苦しい", "concerns": ["income", "care"], "urgency": "low", "outcome": "continue"})
    assert response.status_code == 302, response.content.decode()[:500]
    consultation = Consultation.objects.get(agency=staff.memberships.get().agency)
    case = consultation.case
    # the case and the household it is about are the taking agency's own records, not the other agency's rows
    assert case.lead_agency_id == case.agency_id == staff.memberships.get().agency_id
    assert case.household.agency_id == staff.memberships.get().agency_id and case.household_id != world.household.pk
    after = seen(staff)
    for model in MODELS:
        gained = after[model] - before[model]
        assert not model.objects.filter(pk__in=gained).exclude(agency_id=staff.memberships.get().agency_id).exists(), model
    # the housemates (not consented, not on any other basis) stay out of sight of the consented agency
    if persona == "consent":
        assert not {world.father.pk, world.mother.pk, world.grandson.pk} & after[Person]
    assert_nothing_lasting(persona, world, staff, never_held)


@pytest.mark.parametrize("persona", ["consent", "meeting", "vital"])
def test_a_consultation_on_the_person_through_the_api_makes_an_own_record(persona, world, holders, never_held, client_for):
    staff = holders[persona]
    response = client_for(staff).post("/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": "仕事が見つからない", "person_id": world.son.pk,
        "concerns": ["job_search"], "outcome": "continue"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    own = Person.objects.get(pk=body["person_id"])
    assert own.pk != world.son.pk and own.agency_id == staff.memberships.get().agency_id
    assert (own.name, own.kana, own.birth_date) == (world.son.name, world.son.kana, world.son.birth_date)
    assert own.address == "" and own.notes == ""  # identity only: nothing else is copied from the other agency's row
    assert Case.objects.get(pk=body["case_id"]).person_id == own.pk
    # a second consultation reuses the agency's own record
    again = client_for(staff).post("/api/cases/consultations", {
        "route": "visit_in", "consulter": "self", "main_complaint": "続き", "person_id": world.son.pk},
        content_type="application/json")
    assert again.json()["person_id"] == own.pk
    assert_nothing_lasting(persona, world, staff, never_held)


def test_adding_a_consented_person_to_ones_own_household_adds_ones_own_record(world, bob, client_for, never_held):
    client = client_for(bob)
    response = client.post("/people/households/new/", {"name": "健一さん世帯", "address": ""})
    household = Household.objects.get(agency=bob.memberships.get().agency)
    assert response.status_code == 302
    client.post(f"/people/households/{household.pk}/members/", {"person": world.son.pk, "relation_to_head": ""})
    members = list(household.members.values_list("person__agency_id", flat=True))
    assert members == [bob.memberships.get().agency_id]
    world.consent_taker = world.son.created_by
    assert_nothing_lasting("consent", world, bob, never_held)


def test_a_member_cannot_be_added_to_another_agencys_household(world, bob, client_for):
    before = world.household.members.count()
    client_for(bob).post(f"/people/households/{world.household.pk}/members/", {"name": "侵入 太郎", "relation_to_head": ""})
    assert world.household.members.count() == before


# ---- 移管 (lead agency) ----


def test_the_case_form_no_longer_changes_the_lead_agency(world, alice, charlie, client_for):
    case = world.son_case
    response = client_for(alice).post(f"/cases/{case.pk}/edit/", {
        "title": case.title, "summary": "", "status": case.status, "lead_agency": charlie.memberships.get().agency_id,
        "version": case.version})
    case.refresh_from_db()
    assert case.lead_agency_id == alice.memberships.get().agency_id
    assert response.status_code in (200, 302)
    assert policy.basis_for(world.son, actor(charlie)) is None


def test_a_transfer_to_an_agency_without_a_basis_is_refused_in_japanese(world, alice, charlie, client_for):
    case = world.son_case
    response = client_for(alice).post(f"/cases/{case.pk}/transfer/", {
        "to_agency": charlie.memberships.get().agency_id, "reason": "転居のため", "version": case.version})
    case.refresh_from_db()
    assert response.status_code == 200 and "選択" in response.content.decode()  # not among the offered agencies
    assert case.lead_agency_id == alice.memberships.get().agency_id and not CaseTransfer.objects.exists()
    # the service refuses it too, whatever the caller passes
    from django.core.exceptions import ValidationError

    from tsunagu.cases import services
    with pytest.raises(ValidationError, match="根拠"):
        services.case_transfer(actor=actor(alice), case=case, to_agency=charlie.memberships.get().agency, reason="x",
                               expected_version=case.version, receiver_access=None)


def test_a_transfer_needs_a_reason_and_is_recorded_as_a_disclosure(world, alice, bob, client_for):
    case = world.son_case
    bob_agency = bob.memberships.get().agency
    client = client_for(alice)
    page = client.get(f"/cases/{case.pk}/transfer/").content.decode()
    assert bob_agency.name in page
    response = client.post(f"/cases/{case.pk}/transfer/", {"to_agency": bob_agency.pk, "reason": "", "version": case.version})
    assert "移管の理由" in response.content.decode() and not CaseTransfer.objects.exists()
    response = client.post(f"/cases/{case.pk}/transfer/", {"to_agency": bob_agency.pk, "reason": "障害福祉が中心になったため",
                                                           "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    transfer = CaseTransfer.objects.get()
    assert case.lead_agency_id == bob_agency.pk and transfer.basis == SharingBasis.CONSENT
    logged = AccessLog.objects.filter(action=AccessAction.DISCLOSE, staff=alice)
    assert {(r.object_type, r.object_id) for r in logged} == {("cases.case", str(case.pk)), ("people.person", str(world.son.pk))}
    assert "移管" in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_stale_transfer_form_writes_nothing(world, alice, bob, client_for):
    case = world.son_case
    response = client_for(alice).post(f"/cases/{case.pk}/transfer/", {
        "to_agency": bob.memberships.get().agency_id, "reason": "理由", "version": case.version - 1 if case.version > 1 else 99})
    case.refresh_from_db()
    assert response.status_code == 200 and case.lead_agency_id == alice.memberships.get().agency_id
    assert not CaseTransfer.objects.exists()


def test_only_the_recording_or_lead_agency_may_transfer(world, bob, client_for):
    response = client_for(bob).post(f"/cases/{world.son_case.pk}/transfer/", {
        "to_agency": bob.memberships.get().agency_id, "reason": "乗っ取り", "version": world.son_case.version})
    assert response.status_code == 403 and not CaseTransfer.objects.exists()


def test_after_a_transfer_the_new_lead_takes_consultations_on_the_transferred_person(world, alice, bob, client_for):
    case = world.son_case
    client_for(alice).post(f"/cases/{case.pk}/transfer/", {"to_agency": bob.memberships.get().agency_id,
                                                           "reason": "障害福祉が中心になったため", "version": case.version})
    response = client_for(bob).post("/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": "続きの相談", "person_id": world.son.pk},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["person_id"] == world.son.pk
