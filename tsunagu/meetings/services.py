"""Writes for meetings: members, pledges, agenda, sittings, minutes, decisions and action items.

Each service is one transaction and raises ValidationError (Japanese) before writing anything on bad input.
Whether the actor may read a meeting is the policy's (`policy.meeting_access`); the services repeat that check
so no path (page or API) can write to a meeting the actor is not a current member of.
"""

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tsunagu.agencies.models import Agency, Operation
from tsunagu.core.locking import save_versioned
from tsunagu.sharing import policy

from .models import (
    RECURRENCE_MONTHS,
    ActionItem,
    ActionStatus,
    AgendaItem,
    ConfidentialityPledge,
    Decision,
    Meeting,
    MeetingKind,
    MeetingMember,
    MeetingProfile,
    Sitting,
    SittingItem,
    SittingStatus,
)

MAX_TEXT = 100_000


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (1/31 + 1 → 2/28)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
# Kinds the municipality holds (社会福祉法106条の6, 児童福祉法): convened by the coordinator or a municipal office.
MUNICIPAL_KINDS = {MeetingKind.SUPPORT_MEETING, MeetingKind.MULTI_AGENCY_MEETING, MeetingKind.CHILD_PROTECTION_COUNCIL}


class AgendaRefused(ValidationError):
    """A case cannot go on a 重層的支援会議's agenda: `missing` are the agencies without consent."""

    def __init__(self, message: str, missing: list[Agency]):
        super().__init__(message)
        self.missing = missing


def _require(text: str, field: str, label: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"{label}を入力してください。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}は{limit:,}文字以内で入力してください（{len(text):,}文字あります）。"})
    return text


def _member_only(actor, meeting: Meeting) -> None:
    if policy.meeting_access(meeting, actor) is None:
        raise PermissionDenied("この会議の構成員ではありません。")


def current_member_agency_ids(meeting: Meeting, today: date | None = None) -> list[int]:
    today = today or timezone.localdate()
    rows = meeting.members.filter(joined_on__lte=today).exclude(left_on__lte=today)
    return sorted(set(rows.values_list("agency_id", flat=True)))


# ---- 会議体と構成員 ----


@transaction.atomic
def meeting_create(*, actor, kind: str, title: str, member_agencies=(), purpose: str = "", recurrence: str = "",
                   usual_place: str = "") -> Meeting:
    """The convening agency becomes the first member, so the convener can read what the meeting records."""
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": "会議の種類を選んでください。"})
    if kind in MUNICIPAL_KINDS and not (actor.is_coordinator or actor.agency.operation == Operation.DIRECT):
        raise ValidationError({"kind": f"{MeetingKind(kind).label}は自治体が開催します。相談支援包括化推進員に依頼してください。"})
    meeting = Meeting.objects.create(kind=kind, title=_require(title, "title", "会議名", 200), convened_by=actor.agency)
    MeetingProfile.objects.create(meeting=meeting, purpose=purpose[:MAX_TEXT], recurrence=recurrence,
                                  usual_place=usual_place[:200])
    for agency in {actor.agency, *member_agencies}:
        MeetingMember.objects.create(meeting=meeting, agency=agency)
    return meeting


@transaction.atomic
def member_add(*, actor, meeting: Meeting, agency: Agency, staff=None, joined_on: date | None = None) -> MeetingMember:
    _member_only(actor, meeting)
    if agency.pk in current_member_agency_ids(meeting):
        raise ValidationError({"agency": f"{agency.name}はすでに構成員です。"})
    return MeetingMember.objects.create(meeting=meeting, agency=agency, staff=staff,
                                        joined_on=joined_on or timezone.localdate())


@transaction.atomic
def member_leave(*, actor, member: MeetingMember, left_on: date | None = None) -> MeetingMember:
    """Ends access from `left_on`; the row stays, with its pledges, because the duty of confidentiality stays."""
    _member_only(actor, member.meeting)
    if member.left_on is not None:
        raise ValidationError("この構成員はすでに脱退しています。")
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ValidationError({"left_on": "脱退日が加入日より前です。"})
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def pledge_record(*, actor, member: MeetingMember, staff, pledged_on: date | None = None,
                  method: str = "written") -> ConfidentialityPledge:
    _member_only(actor, member.meeting)
    if not staff.memberships.filter(agency_id=member.agency_id).exists():
        raise ValidationError({"staff": f"{staff.name}さんは{member.agency.name}の職員ではありません。"})
    if member.pledges.filter(staff=staff).exists():
        raise ValidationError({"staff": f"{staff.name}さんの誓約はすでに記録されています。"})
    pledge = ConfidentialityPledge.objects.create(member=member, staff=staff, pledged_on=pledged_on or timezone.localdate(),
                                                  method=method, recorded_by=actor.staff)
    if member.confidentiality_pledged_on is None:
        member.confidentiality_pledged_on = pledge.pledged_on
        member.save(update_fields=["confidentiality_pledged_on"])
    return pledge


# ---- 検討事項（アジェンダ） ----


def _open_item(meeting: Meeting, case, household):
    items = meeting.agenda_items.filter(removed_on__isnull=True)
    return items.filter(case=case).first() if case is not None else items.filter(household=household, case__isnull=True).first()


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, case=None, household=None, added_on: date | None = None) -> AgendaItem:
    """The caller has already read `case`/`household` through the policy. A 重層的支援会議 takes a case only
    with consent covering every current member agency; otherwise AgendaRefused says which are missing."""
    _member_only(actor, meeting)
    if (case is None) == (household is None):
        raise ValidationError("検討事項には、支援ケースか世帯のどちらか一方を選んでください。")
    if _open_item(meeting, case, household) is not None:
        raise ValidationError("この会議ではすでに検討事項になっています。")
    if meeting.kind == MeetingKind.MULTI_AGENCY_MEETING:
        _require_consent(meeting, case or household)
    return AgendaItem.objects.create(meeting=meeting, case=case, household=household,
                                     added_on=added_on or timezone.localdate())


def _require_consent(meeting: Meeting, subject) -> None:
    missing_ids = policy.consent_missing(subject, current_member_agency_ids(meeting))
    if missing_ids:
        missing = list(Agency.objects.filter(pk__in=missing_ids).order_by("kana"))
        names = "、".join(a.name for a in missing)
        raise AgendaRefused(
            f"重層的支援会議は本人の同意にもとづいて開きます。次の構成機関について、同意の記録がありません: {names}。"
            "同意を得てから付議するか、同意なしで情報を共有できる支援会議（社会福祉法106条の6）で検討してください。",
            missing,
        )


@transaction.atomic
def agenda_remove(*, actor, item: AgendaItem, removed_on: date | None = None) -> AgendaItem:
    """Ends the access the meeting gave (for a 支援会議, from this day on members see the case no longer)."""
    _member_only(actor, item.meeting)
    if item.removed_on is not None:
        raise ValidationError("この検討事項はすでに終了しています。")
    item.removed_on = removed_on or timezone.localdate()
    item.save(update_fields=["removed_on"])
    return item


# ---- 開催・議事録 ----


def _next_number(meeting: Meeting) -> int:
    return (meeting.sittings.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def sitting_schedule(*, actor, meeting: Meeting, held_on: date, starts_at: time | None = None, place: str = "",
                     repeat: int = 1) -> list[Sitting]:
    """One sitting, or `repeat` of them following the meeting's recurrence (e.g. monthly for a year)."""
    _member_only(actor, meeting)
    if not 1 <= repeat <= 24:
        raise ValidationError({"repeat": "繰り返しは1〜24回で指定してください。"})
    profile = getattr(meeting, "profile", None)
    months = RECURRENCE_MONTHS.get(profile.recurrence if profile else "", 0)
    if repeat > 1 and not months:
        raise ValidationError({"repeat": "繰り返すには、会議の開催周期（毎月・3か月ごと）を設定してください。"})
    first = _next_number(meeting)
    place = place or (profile.usual_place if profile else "")
    return [Sitting.objects.create(meeting=meeting, number=first + i, held_on=add_months(held_on, months * i),
                                   starts_at=starts_at, place=place[:200]) for i in range(repeat)]


@transaction.atomic
def minutes_save(*, actor, sitting: Sitting, expected_version: int, minutes: str, events: str = "", topics: str = "",
                 status: str = SittingStatus.HELD, discussions: dict[int, str] | None = None,
                 attendee_ids: list[int] | None = None) -> Sitting:
    """Raises core.locking.EditConflict when someone saved the minutes meanwhile."""
    _member_only(actor, sitting.meeting)
    if status not in SittingStatus.values:
        raise ValidationError({"status": "状態の値が正しくありません。"})
    for text, label in ((minutes, "議事録"), (events, "会議・研修の予定"), (topics, "課題・話題")):
        if len(text) > MAX_TEXT:
            raise ValidationError(f"{label}は{MAX_TEXT:,}文字以内で入力してください。")
    sitting.minutes, sitting.events, sitting.topics, sitting.status = minutes, events, topics, status
    sitting.minutes_by = actor.staff
    save_versioned(sitting, expected_version=expected_version, fields=["minutes", "events", "topics", "status", "minutes_by"])
    if attendee_ids is not None:
        sitting.attendees.set(Agency.objects.filter(pk__in=current_member_agency_ids(sitting.meeting)).filter(pk__in=attendee_ids))
    _save_discussions(sitting, discussions or {})
    return sitting


def _save_discussions(sitting: Sitting, discussions: dict[int, str]) -> None:
    open_items = set(sitting.meeting.agenda_items.values_list("pk", flat=True))
    for item_id, text in discussions.items():
        if item_id not in open_items:
            raise ValidationError("この会議の検討事項ではない項目があります。")
        SittingItem.objects.update_or_create(sitting=sitting, agenda_item_id=item_id, defaults={"discussion": text[:MAX_TEXT]})


@transaction.atomic
def decision_add(*, actor, sitting: Sitting, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    _member_only(actor, sitting.meeting)
    _same_meeting(sitting, agenda_item)
    return Decision.objects.create(sitting=sitting, agenda_item=agenda_item, text=_require(text, "text", "決定事項"))


def _same_meeting(sitting: Sitting, agenda_item: AgendaItem | None) -> None:
    if agenda_item is not None and agenda_item.meeting_id != sitting.meeting_id:
        raise ValidationError({"agenda_item": "この会議の検討事項を選んでください。"})


@transaction.atomic
def action_add(*, actor, sitting: Sitting, description: str, owner_agency: Agency, due_on: date, owner_staff=None,
               agenda_item: AgendaItem | None = None) -> ActionItem:
    """An action item's owner must be a current member: what the meeting knows stays among its members."""
    _member_only(actor, sitting.meeting)
    _same_meeting(sitting, agenda_item)
    if owner_agency.pk not in current_member_agency_ids(sitting.meeting):
        raise ValidationError({"owner_agency": f"{owner_agency.name}はこの会議の構成員ではありません。構成員に加えてから割り当ててください。"})
    if owner_staff is not None and not owner_staff.memberships.filter(agency=owner_agency, ended_on__isnull=True).exists():
        raise ValidationError({"owner_staff": f"{owner_staff.name}さんは{owner_agency.name}の職員ではありません。"})
    return ActionItem.objects.create(sitting=sitting, agenda_item=agenda_item, owner_agency=owner_agency, owner_staff=owner_staff,
                                     description=_require(description, "description", "内容", 300), due_on=due_on)


@transaction.atomic
def action_update(*, actor, action: ActionItem, expected_version: int, status: str, result: str = "") -> ActionItem:
    """The owner agency (or the convener) marks an action done or cancelled."""
    if actor.agency_id not in (action.owner_agency_id, action.sitting.meeting.convened_by_id):
        raise PermissionDenied("担当機関または主催機関だけが更新できます。")
    if status not in ActionStatus.values:
        raise ValidationError({"status": "状況の値が正しくありません。"})
    action.status, action.result = status, result[:MAX_TEXT]
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    return save_versioned(action, expected_version=expected_version, fields=["status", "result", "done_on"])
