"""Writes for agencies and staff. Views parse and render; the rules live here."""

from datetime import date
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.core.dates import DateStyle
from tsunagu.core.locking import save_versioned

from .models import Agency, ApiToken, JobRole, Membership, MembershipChange, MembershipChangeKind, Role, Staff

AGENCY_FIELDS = ["name", "kana", "kind", "operation", "fields", "address", "phone", "active"]


def agency_create(*, data: dict[str, Any]) -> Agency:
    return Agency.objects.create(**{f: data[f] for f in AGENCY_FIELDS if f in data})


def agency_update(*, agency: Agency, data: dict[str, Any], expected_version: int) -> Agency:
    for f in AGENCY_FIELDS:
        if f in data:
            setattr(agency, f, data[f])
    return save_versioned(agency, expected_version=expected_version, fields=AGENCY_FIELDS)


# ---- passwords: every path that sets one runs the validators (AUTH_PASSWORD_VALIDATORS) ----

def password_check(password: str, *, staff: Staff) -> None:
    """Raises ValidationError (Japanese messages) unless the password is long, uncommon and unlike the staff
    member's login id, name, kana and e-mail address. `staff` may be unsaved (a form's values)."""
    password_validation.validate_password(password, staff)


@transaction.atomic
def staff_create(*, login_id: str, name: str, password: str, kana: str = "", email: str = "") -> Staff:
    # Staff.objects.create_user runs password_check itself.
    return Staff.objects.create_user(login_id=login_id, password=password, name=name, kana=kana, email=email)


def staff_set_password(*, staff: Staff, password: str) -> Staff:
    """An admin sets a new password (a forgotten one, or after a lock). Changing it ends the staff member's
    sessions: Django signs out a session whose password hash no longer matches."""
    password_check(password, staff=staff)
    staff.set_password(password)
    staff.save(update_fields=["password"])
    return staff


def staff_set_date_style(*, staff: Staff, date_style: str) -> Staff:
    """How she reads dates on pages and prints: 和暦 or 西暦 (core.dates.DateStyle)."""
    if date_style not in DateStyle.values:
        raise ValidationError({"date_style": "日付の表示は和暦か西暦から選んでください。"})
    staff.date_style = date_style
    staff.save(update_fields=["date_style"])
    return staff


# ---- memberships: 管理者は個人情報を持たない ----

class MembershipRefused(ValidationError):
    """A membership the rules do not allow; the message says why, in Japanese."""


ADMIN_GETS_NO_AGENCY_WORK = (
    "システム管理者は個人情報を閲覧してはなりません。そのため、システム管理者のアカウントには機関の業務の所属"
    "（相談員・管理者・多機関協働の担当）を付けられません。機関の業務には、別の職員アカウントを作成してください。"
)
AGENCY_WORKER_IS_NOT_MADE_ADMIN = (
    "システム管理者は個人情報を閲覧してはなりません。この職員は機関の業務の所属を持っているため、システム管理者には"
    "できません。システム管理者には、別の職員アカウントを作成してください。"
)
NO_AGENCY_WORK_FOR_ONESELF = (
    "システム管理者は個人情報を閲覧してはなりません。自分自身に機関の業務の権限を与えることはできません。"
    "機関の業務には、別の職員アカウントを作成してください。"
)


def _locked_staff(staff: Staff) -> Staff:
    """The staff row, locked for this transaction: two admins changing one account's memberships take turns, so
    the rule below is checked against what is really there."""
    return Staff.objects.select_for_update().get(pk=staff.pk)


def _check_roles(staff: Staff, role: str, *, replacing: Membership | None = None, by: Staff | None = None) -> None:
    """An account is either the system administrator's or does agency work, never both."""
    others = Membership.objects.filter(staff=staff, ended_on__isnull=True)
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    other_roles = set(others.values_list("role", flat=True))
    if role == Role.ADMIN:
        if other_roles - {Role.ADMIN}:
            raise MembershipRefused(AGENCY_WORKER_IS_NOT_MADE_ADMIN)
        return
    if staff.is_superuser or Role.ADMIN in other_roles:
        raise MembershipRefused(ADMIN_GETS_NO_AGENCY_WORK)
    if by is not None and by.pk == staff.pk and by.is_admin:
        raise MembershipRefused(NO_AGENCY_WORK_FOR_ONESELF)


def _record(membership: Membership, kind: str, *, before: str = "", after: str = "", by: Staff | None) -> None:
    MembershipChange.objects.create(
        membership=membership, agency_id=membership.agency_id, staff_id=membership.staff_id, kind=kind,
        role_before=before, role_after=after, by=by,
    )


@transaction.atomic
def membership_add(*, staff: Staff, agency: Agency, job_role: JobRole | None, role: str, started_on: date | None = None,
                   by: Staff | None) -> Membership:
    """Adds a membership (`by`: the admin doing it, recorded and shown to the agency's managers)."""
    staff = _locked_staff(staff)
    _check_roles(staff, role, by=by)
    membership = Membership.objects.create(
        staff=staff, agency=agency, job_role=job_role, role=role, started_on=started_on or timezone.localdate()
    )
    _record(membership, MembershipChangeKind.ADDED, after=role, by=by)
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: Staff | None) -> Membership:
    staff = _locked_staff(membership.staff)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise MembershipRefused("終了した所属の権限は変更できません。")
    if membership.role == role:
        return membership
    _check_roles(staff, role, replacing=membership, by=by)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _record(membership, MembershipChangeKind.ROLE_CHANGED, before=before, after=role, by=by)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: date | None = None, by: Staff | None) -> Membership:
    """Ends a membership (部署異動・退職). The row stays: who worked where is part of the record."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        return membership
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["ended_on"])
    _record(membership, MembershipChangeKind.ENDED, before=membership.role, by=by)
    return membership


# ---- locks ----

class LockRefused(ValidationError):
    pass


def staff_lock(*, staff: Staff, by: Staff, reason: str) -> Staff:
    """Locks an account outright (suspected compromise): it cannot sign in, its sessions end now, and its API
    tokens are refused (tokens.staff_for_token) until an admin unlocks it."""
    reason = reason.strip()
    if not reason:
        raise LockRefused("ロックの理由を入力してください。")
    if staff.pk == by.pk:
        raise LockRefused("自分自身のアカウントはロックできません。")
    with transaction.atomic():
        staff = _locked_staff(staff)
        staff.locked_at = timezone.now()
        staff.locked_by = by
        staff.lock_reason = reason[:200]
        staff.save(update_fields=["locked_at", "locked_by", "lock_reason"])
    sessions_end(staff=staff)
    return staff


def sessions_end(*, staff: Staff) -> int:
    """Deletes the staff member's sessions (the database session store). Returns how many. A session kept
    elsewhere is refused all the same: the backend signs out a locked account (backends.StaffBackend)."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if session.get_decoded().get(AUTH_SESSION_KEY) == str(staff.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def staff_unlock(*, staff: Staff) -> int:
    """Lifts both locks: the failed sign-ins of the login id from every address, and an admin's lock (its API
    tokens work again). Returns how many failure records were cleared."""
    cleared: int = axes_reset(username=staff.login_id)  # django-axes is untyped
    if staff.locked_at is not None:
        staff.locked_at, staff.locked_by, staff.lock_reason = None, None, ""
        staff.save(update_fields=["locked_at", "locked_by", "lock_reason"])
    return cleared


def api_tokens_revoke_all(*, staff: Staff) -> int:
    """Revokes every API token of the staff member (after a compromise: a token issued by an intruder)."""
    return ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).update(revoked_at=timezone.now())
