"""Writes for agencies and staff. Views parse and render; the rules live here."""

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone

from tsunagu.core.locking import save_versioned

from .models import Agency, Membership, Staff

AGENCY_FIELDS = ["name", "kana", "kind", "operation", "fields", "address", "phone", "active"]


def agency_create(*, data: dict) -> Agency:
    return Agency.objects.create(**{f: data[f] for f in AGENCY_FIELDS if f in data})


def agency_update(*, agency: Agency, data: dict, expected_version: int) -> Agency:
    for f in AGENCY_FIELDS:
        if f in data:
            setattr(agency, f, data[f])
    return save_versioned(agency, expected_version=expected_version, fields=AGENCY_FIELDS)


@transaction.atomic
def staff_create(*, login_id: str, name: str, password: str, kana: str = "", email: str = "") -> Staff:
    return Staff.objects.create_user(login_id=login_id, password=password, name=name, kana=kana, email=email)


def membership_add(*, staff: Staff, agency, job_role, role: str, started_on=None) -> Membership:
    return Membership.objects.create(
        staff=staff, agency=agency, job_role=job_role, role=role, started_on=started_on or timezone.localdate()
    )


def membership_end(*, membership: Membership, ended_on=None) -> Membership:
    """Ends a membership (部署異動・退職). The row stays: who worked where is part of the record."""
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["ended_on"])
    return membership


def staff_unlock(*, staff: Staff) -> int:
    """Lifts a lockout after repeated failed logins. Returns how many failure records were cleared."""
    return axes_reset(username=staff.login_id)
