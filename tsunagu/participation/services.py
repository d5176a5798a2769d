"""参加支援's writes: a placement made from a case, its check-ins and its end."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from tsunagu.cases.models import Case
from tsunagu.people.models import Person
from tsunagu.resources.models import Service

from .models import Placement, PlacementCheckIn, PlacementStatus


@transaction.atomic
def placement_create(*, actor, case: Case, person: Person, service: Service, data: dict) -> Placement:
    return Placement.objects.create(
        case=case, person=person, service=service, agency=actor.agency, created_by=actor.staff,
        purpose=data["purpose"], arrangement=data.get("arrangement", ""), host_contact=data.get("host_contact", ""),
        started_on=data.get("started_on") or timezone.localdate(),
    )


@transaction.atomic
def placement_check_in(*, actor, placement: Placement, on: date, note: str) -> PlacementCheckIn:
    return PlacementCheckIn.objects.create(placement=placement, on=on, note=note, agency=actor.agency,
                                           staff=actor.staff)


@transaction.atomic
def placement_end(*, placement: Placement, ended_on: date, reason: str) -> Placement:
    placement.status = PlacementStatus.ENDED
    placement.ended_on = ended_on
    placement.end_reason = reason
    placement.version += 1
    placement.save(update_fields=["status", "ended_on", "end_reason", "version"])
    return placement
