"""緊急時の情報提供 (break the glass): a ground of the law and a reason, one named agency, what the provider holds,
an end at the end of the third day unless the coordinator confirms it, the lead agencies told, reads logged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog, SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, Notification
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.models import VitalInterestDisclosure

REASON = "夜間に自宅で倒れて救急搬送。服薬状況の確認が急ぎ必要なため"


def disclose(client, person, to_agency, **extra):
    return client.post(f"/people/{person.pk}/vital-interest/",
                       {"to_agency": to_agency.pk, "ground": "life", "reason": REASON, **extra})


def test_a_disclosure_needs_a_ground_of_the_law_and_a_reason(world, alice, charlie, client_for):
    outsider = charlie.memberships.get().agency
    client = client_for(alice)
    disclose(client, world.son, outsider, ground="")
    disclose(client, world.son, outsider, ground="curiosity")
    disclose(client, world.son, outsider, reason="急ぎ")
    assert not VitalInterestDisclosure.objects.exists()
    assert policy.basis_for(world.son, actor(charlie)) is None


def test_only_the_agency_holding_the_person_may_break_the_glass(world, bob, charlie, client_for):
    """bob sees the son through his consent: he cannot pass him on to an agency the son never agreed to."""
    response = disclose(client_for(bob), world.son, charlie.memberships.get().agency)
    assert response.status_code == 403 and not VitalInterestDisclosure.objects.exists()


def test_it_opens_the_person_and_the_providers_cases_only_and_ends_after_the_third_day(
        world, alice, bob, charlie, client_for, settings):
    outsider = charlie.memberships.get().agency
    bobs_case = cases.case_open(actor=actor(bob), person=world.son, title="bobの記録したケース")
    response = disclose(client_for(alice), world.son, outsider)
    assert response.status_code == 302
    disclosure = VitalInterestDisclosure.objects.get()
    today = timezone.localdate()
    assert disclosure.expires_on == today + timedelta(days=2)  # the day of disclosure is the first of three
    a = actor(charlie)
    assert policy.basis_for(world.son, a).basis == SharingBasis.VITAL_INTEREST
    seen_cases = set(policy.visible(Case.objects.all(), a).values_list("pk", flat=True))
    assert seen_cases == {world.son_case.pk}  # alice's case about him; not bob's, not the household's
    assert bobs_case.pk not in seen_cases
    assert not policy.visible(Household.objects.all(), a).exists()
    assert set(policy.visible(Person.objects.all(), a).values_list("pk", flat=True)) == {world.son.pk}
    # the policy's per-day scope sees the end without another write: on the fourth day it is gone
    fourth_day = today + timedelta(days=3)
    assert policy.basis_for(world.son, a, today=today + timedelta(days=2)) is not None
    assert policy.basis_for(world.son, a, today=fourth_day) is None


def test_the_lead_agencies_are_told_and_the_disclosure_is_logged(world, alice, bob, charlie, client_for):
    outsider = charlie.memberships.get().agency
    bobs_case = cases.case_open(actor=actor(bob), person=world.son, title="bobの記録したケース")
    Case.objects.filter(pk=bobs_case.pk).update(lead_agency=bob.memberships.get().agency)
    disclose(client_for(alice), world.son, outsider)
    told = set(Notification.objects.filter(message__contains="緊急時の情報提供").values_list("agency_id", flat=True))
    assert told == {bob.memberships.get().agency_id}  # not alice's own agency, not the receiver
    logged = AccessLog.objects.get(action=AccessAction.DISCLOSE, staff=alice)
    assert logged.basis == SharingBasis.VITAL_INTEREST and outsider.name in logged.basis_detail
    client_for(charlie).get(f"/people/{world.son.pk}/")
    assert AccessLog.objects.filter(staff=charlie, basis=SharingBasis.VITAL_INTEREST,
                                    object_type="people.person", object_id=str(world.son.pk)).exists()


@pytest.mark.parametrize(("decision", "days_left"), [("confirmed", 13), ("ended", -1)])
def test_the_coordinators_review_confirms_or_ends_it(world, alice, charlie, coordinator, client_for, decision, days_left):
    disclose(client_for(alice), world.son, charlie.memberships.get().agency)
    disclosure = VitalInterestDisclosure.objects.get()
    assert client_for(alice).post(f"/cases/disclosures/{disclosure.pk}/review/", {"decision": decision}).status_code == 404
    response = client_for(coordinator).post(f"/cases/disclosures/{disclosure.pk}/review/",
                                            {"decision": decision, "note": "確認した"})
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.review_decision == decision and disclosure.reviewed_by == coordinator
    assert disclosure.expires_on == timezone.localdate() + timedelta(days=days_left)
    still = policy.basis_for(world.son, actor(charlie))
    assert (still is not None) == (decision == "confirmed")
    assert not policy.visible(Case.objects.all(), actor(charlie)).exists() or decision == "confirmed"


def test_a_review_without_a_decision_writes_nothing(world, alice, charlie, coordinator, client_for):
    disclose(client_for(alice), world.son, charlie.memberships.get().agency)
    disclosure = VitalInterestDisclosure.objects.get()
    client_for(coordinator).post(f"/cases/disclosures/{disclosure.pk}/review/", {"note": "x"})
    disclosure.refresh_from_db()
    assert disclosure.reviewed_at is None and disclosure.expires_on == timezone.localdate() + timedelta(days=2)
