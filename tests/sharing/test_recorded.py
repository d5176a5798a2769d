"""policy.recorded: the rows an agency recorded and sees on that alone are a part of `visible` for every reader —
so that a count may read them by index and ask `visible` about the others (reports.rows) — and a row recorded under
the 要対協's compartment, or archived, is not among them."""

from datetime import date

import pytest
from django.utils import timezone

from tsunagu.cases.models import Compartment, Consultation, Referral
from tsunagu.sharing import policy

from . import world as w

pytestmark = pytest.mark.django_db


def _consultation(staff, **extra):
    return Consultation.objects.create(agency=staff.memberships.get().agency, staff=staff, received_on=date(2026, 4, 1),
                                       route="phone", consulter="self", main_complaint="相談", **extra)


def test_what_an_agency_recorded_is_seen_by_it_and_what_it_may_not_see_is_left_out(world, personas):
    alice = personas["own"]
    under_council = _consultation(alice, compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    archived = _consultation(alice)
    archived.archived_at = timezone.now()
    archived.save()
    _consultation(alice)
    _consultation(personas["outsider"], person=world.son)
    checked = 0
    for staff in personas.values():
        actor = w.actor(staff)
        agency_id = actor.agency_id
        if agency_id is None:
            continue
        for model in (Consultation, Referral):
            recorded = policy.recorded(model)
            assert recorded is not None
            mine = model.objects.filter(recorded.mine(model, agency_id))
            visible = set(policy.visible(model.objects.all(), actor).values_list("pk", flat=True))
            assert set(mine.values_list("pk", flat=True)) <= visible, (staff, model)
            checked += mine.count()
    assert checked >= 3, "alice's consultations and the referral she sent were checked"
    alices = w.actor(alice).agency_id
    assert alices is not None
    mine = Consultation.objects.filter(policy.recorded(Consultation).mine(Consultation, alices))
    assert under_council not in mine and archived not in mine
    assert world.referral in Referral.objects.filter(policy.recorded(Referral).mine(Referral, world.referral.from_agency_id))


def test_a_model_without_such_a_rule_has_none():
    from tsunagu.cases.models import Case

    assert policy.recorded(Case) is None
