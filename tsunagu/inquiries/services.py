"""Writes of 相談の申込み: a resident's sending (limited per client address), and the coordinator's two answers —
taken into a consultation (断らない相談) or passed to an agency (a disclosure: logged through sharing.policy)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from tsunagu.agencies.models import Agency, Membership, Role
from tsunagu.cases.models import Consultation
from tsunagu.core.locking import save_versioned

from .models import HelpRequest, SendingWindow, Status


class NoCoordinator(Exception):
    """No agency has a coordinator: nobody would read a sending, so none is taken."""


class Limited(Exception):
    """The client address sent as many as it may for now."""


@dataclass(frozen=True)
class Sending:
    who: str
    topics: list[str]
    message: str
    name: str
    contact_method: str
    contact: str
    contact_time: str
    urgency: str
    language: str


def coordinator_agency() -> Agency | None:
    """The agency whose coordinator (相談支援包括化推進員) reads the queue: the first active one with a coordinator."""
    membership = (Membership.objects.filter(role=Role.COORDINATOR, ended_on__isnull=True, agency__active=True,
                                            staff__is_active=True)
                  .select_related("agency").order_by("agency_id").first())
    return membership.agency if membership else None


def address_key(address: str | None) -> str:
    """The client address as a keyed hash: counted, never stored as such."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "-").encode(), hashlib.sha256).hexdigest()


def _count_sending(key: str, now: datetime) -> None:
    """Counts one sending of `key` in this hour, or raises Limited (inside the caller's transaction)."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            SendingWindow.objects.get_or_create(address_key=key, hour=hour)
    except IntegrityError:  # another process made the row first: it is there now
        pass
    window = SendingWindow.objects.select_for_update().get(address_key=key, hour=hour)
    day = (SendingWindow.objects.filter(address_key=key, hour__gt=hour - timedelta(hours=24))
           .aggregate(n=Sum("count"))["n"] or 0)
    if window.count >= settings.PUBLIC_REQUESTS_PER_HOUR or day >= settings.PUBLIC_REQUESTS_PER_DAY:
        raise Limited
    SendingWindow.objects.filter(pk=window.pk).update(count=F("count") + 1)


@transaction.atomic
def help_request_submit(*, sending: Sending, address: str | None, now: datetime | None = None) -> HelpRequest:
    """Takes one sending into the coordinator's queue (受付待ち), or raises NoCoordinator / Limited and writes
    nothing. The form has checked every field; the sending is stored as written (shown escaped)."""
    owner = coordinator_agency()
    if owner is None:
        raise NoCoordinator
    _count_sending(address_key(address), now or timezone.now())
    return HelpRequest.objects.create(owner_agency=owner, **sending.__dict__)


def _handled(help_request: HelpRequest, actor) -> None:
    help_request.handled_by = actor.staff
    help_request.handled_at = timezone.now()


def may_accept(actor, help_request: HelpRequest) -> bool:
    """A waiting one by its owner agency's coordinator; a passed one by the agency it was passed to."""
    if help_request.status == Status.PENDING:
        return actor.is_coordinator and actor.agency_id == help_request.owner_agency_id
    return help_request.status == Status.PASSED and actor.agency_id == help_request.passed_to_id


@transaction.atomic
def help_request_accept(*, actor, help_request: HelpRequest, consultation: Consultation,
                        expected_version: int) -> HelpRequest:
    """The request was taken into `consultation` (recorded by cases.services.consultation_record in the same
    transaction): it leaves the queue, pointing to it."""
    if not may_accept(actor, help_request):
        raise ValidationError("この申込みは、すでに対応済みです。")
    help_request.status = Status.ACCEPTED
    help_request.consultation = consultation
    _handled(help_request, actor)
    return save_versioned(help_request, expected_version=expected_version,
                          fields=["status", "consultation", "handled_by", "handled_at"])


@transaction.atomic
def help_request_pass(*, actor, help_request: HelpRequest, to_agency: Agency, note: str,
                      expected_version: int) -> HelpRequest:
    """Passes a waiting request to an agency: from now on only that agency and the coordinator read it (the
    disclosure is logged by the view through sharing.policy)."""
    if help_request.status != Status.PENDING or not actor.is_coordinator:
        raise ValidationError("この申込みは、すでに対応済みです。")
    if not to_agency.active or to_agency.pk == help_request.owner_agency_id:
        raise ValidationError({"to_agency": "引継ぎ先は、受付機関以外の有効な機関を選んでください。"})
    help_request.status = Status.PASSED
    help_request.passed_to = to_agency
    help_request.pass_note = note.strip()[:200]
    _handled(help_request, actor)
    return save_versioned(help_request, expected_version=expected_version,
                          fields=["status", "passed_to", "pass_note", "handled_by", "handled_at"])
