"""Writes for meetings: members, pledges, agenda, proposals, sittings, minutes, decisions and action items.

Each service is one transaction and raises ValidationError (Japanese) before writing anything on bad input.
Whether the actor may read a meeting is the policy's (`policy.meeting_access`: a current member whose 守秘義務の
誓約 is recorded); the services repeat that check so no path (page or API) can write to a meeting the actor does
not sit on.

Governance: members are added and removed, and agenda items added and ended, only by the convening agency's
managers (`governs`: its staff acting as 管理者 or 相談支援包括化推進員 — for a 支援会議 the municipality's
coordinator, for a 要対協 its 調整機関). Other members propose an agenda item (`agenda_propose`), which the
convener accepts or declines; a member may leave herself; the convener is never removed. Every such change is
written to the meeting's history (`MeetingEvent`) and to the access log (`policy.meeting_change_logged`); an
agenda item of a 支援会議 or 要対協 is also logged as a disclosure of its case or household
(`policy.meeting_disclosure_logged`).

A sitting takes up its own agenda items (`SittingItem`): until they are chosen, the default of
`queries.default_items` (new since the previous sitting, or with open action items); the governors choose them
(`sitting_items_choose`, in the history), and recording the minutes as held fixes what the sitting took up.
Its discussions, decisions and action items are about the items it takes up. An action item may name household
members of its item's household (`action_add`).
"""

from collections.abc import Iterable, Sequence
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from tsunagu.agencies.models import Agency, Operation
from tsunagu.core.locking import save_versioned
from tsunagu.people.models import HouseholdMember, Person
from tsunagu.sharing import policy

from .models import (
    RECURRENCE_MONTHS,
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaProposal,
    ConfidentialityPledge,
    Decision,
    Meeting,
    MeetingEvent,
    MeetingEventKind,
    MeetingKind,
    MeetingMember,
    MeetingProfile,
    PledgeMethod,
    ProposalStatus,
    Sitting,
    SittingItem,
    SittingStatus,
)
from .queries import readable_agenda_item_ids, sitting_item_ids

MAX_TEXT = 100_000
MAX_REASON = 2_000
Event = MeetingEventKind


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


def _optional(text: str, field: str, label: str, limit: int = MAX_REASON) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"{label}は{limit:,}文字以内で入力してください（{len(text):,}文字あります）。"})
    return text


def _member_only(actor, meeting: Meeting) -> None:
    if policy.meeting_access(meeting, actor) is None:
        raise PermissionDenied("この会議の構成員ではないか、守秘義務の誓約がまだ記録されていません。")


def governs(actor, meeting: Meeting) -> bool:
    """The convening agency's managers govern the meeting: its members and its agenda."""
    return actor.agency_id is not None and actor.agency_id == meeting.convened_by_id and actor.is_manager


def _governor_only(actor, meeting: Meeting) -> None:
    _member_only(actor, meeting)
    if not governs(actor, meeting):
        raise PermissionDenied(f"構成員と検討事項を決めるのは、主催機関（{meeting.convened_by.name}）の管理者・"
                               "相談支援包括化推進員です。検討事項は「提案する」から提案してください。")


def current_member_agency_ids(meeting: Meeting, today: date | None = None, *, seated_only: bool = False) -> list[int]:
    """The agencies that are members today; `seated_only`: those whose pledge is recorded (who read the record)."""
    today = today or timezone.localdate()
    rows = meeting.members.filter(policy.seated(today)) if seated_only else (
        meeting.members.filter(joined_on__lte=today).exclude(left_on__lte=today))
    return sorted(set(rows.values_list("agency_id", flat=True)))


def _record(actor, meeting: Meeting, kind: str, *, changed, note: str = "", member=None, agenda_item=None,
            proposal=None) -> MeetingEvent:
    """The meeting's history and the access log, for one change (`changed`: the rows it wrote)."""
    event = MeetingEvent.objects.create(meeting=meeting, kind=kind, staff=actor.staff, agency_id=actor.agency_id,
                                        member=member, agenda_item=agenda_item, proposal=proposal, note=note)
    policy.meeting_change_logged(actor, meeting, changed, detail=Event(kind).label)
    return event


# ---- 会議体と構成員 ----


@transaction.atomic
def meeting_create(*, actor, kind: str, title: str, member_agencies=(), purpose: str = "", recurrence: str = "",
                   usual_place: str = "") -> Meeting:
    """The convening agency becomes the first member, its pledge recorded (its staff are bound to confidentiality
    by statute), so its managers can read and govern what the meeting records. The other members see nothing
    until their pledges are recorded."""
    if not actor.is_manager:
        raise PermissionDenied("会議をつくるのは、機関の管理者または相談支援包括化推進員です。")
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": "会議の種類を選んでください。"})
    if kind in MUNICIPAL_KINDS and not (actor.is_coordinator or actor.agency.operation == Operation.DIRECT):
        raise ValidationError({"kind": f"{MeetingKind(kind).label}は自治体が開催します。相談支援包括化推進員に依頼してください。"})
    title = _require(title, "title", "会議名", 200)
    others = {a for a in member_agencies if a.pk != actor.agency_id}
    inactive = sorted(a.name for a in others if not a.active)
    if inactive:
        raise ValidationError({"member_agencies": f"活動していない機関は構成員にできません: {'、'.join(inactive)}"})
    today = timezone.localdate()
    meeting = Meeting.objects.create(kind=kind, title=title, convened_by=actor.agency)
    MeetingProfile.objects.create(meeting=meeting, purpose=purpose[:MAX_TEXT], recurrence=recurrence,
                                  usual_place=usual_place[:200])
    convener = MeetingMember.objects.create(meeting=meeting, agency=actor.agency, joined_on=today,
                                            confidentiality_pledged_on=today)
    _record(actor, meeting, Event.CREATED, changed=[meeting, convener], member=convener,
            note="主催機関は構成員になり、守秘義務を負います（誓約を記録済み）。")
    for agency in sorted(others, key=lambda a: a.kana):
        member = MeetingMember.objects.create(meeting=meeting, agency=agency, joined_on=today)
        _record(actor, meeting, Event.MEMBER_ADDED, changed=[member], member=member, note=f"加入日 {today:%Y-%m-%d}")
    return meeting


@transaction.atomic
def member_add(*, actor, meeting: Meeting, agency: Agency, staff=None, joined_on: date | None = None,
               reason: str = "") -> MeetingMember:
    """The convener adds an agency. It sees nothing of the meeting until its pledge is recorded. The join date is
    today unless a written reason is given for an earlier one (kept on the member and in the history)."""
    _governor_only(actor, meeting)
    today = timezone.localdate()
    joined_on = joined_on or today
    reason = _optional(reason, "joined_reason", "加入日を遡る理由")
    if joined_on < today and not reason:
        raise ValidationError({"joined_reason": "加入日を今日より前にするには、その理由を書いてください。"})
    if not agency.active:
        raise ValidationError({"agency": f"{agency.name}は活動していない機関です。"})
    if agency.pk in current_member_agency_ids(meeting):
        raise ValidationError({"agency": f"{agency.name}はすでに構成員です。"})
    if staff is not None and not staff.memberships.filter(agency=agency, ended_on__isnull=True).exists():
        raise ValidationError({"staff": f"{staff.name}さんは{agency.name}の職員ではありません。"})
    member = MeetingMember.objects.create(meeting=meeting, agency=agency, staff=staff, joined_on=joined_on,
                                          joined_reason=reason)
    note = f"{agency.name}（加入日 {joined_on:%Y-%m-%d}）" + (f" 理由: {reason}" if reason else "")
    _record(actor, meeting, Event.MEMBER_ADDED, changed=[member], member=member, note=note)
    return member


def _end_membership(member: MeetingMember) -> MeetingMember:
    if member.left_on is not None and member.left_on <= timezone.localdate():
        raise ValidationError("この構成員はすでに脱退しています。")
    if member.agency_id == member.meeting.convened_by_id:
        raise ValidationError("主催機関は構成員から外せず、脱退もできません。")
    member.left_on = max(timezone.localdate(), member.joined_on)
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def member_remove(*, actor, member: MeetingMember) -> MeetingMember:
    """The convener ends another agency's membership from today. The row stays, with its pledges: the duty of
    confidentiality outlives membership."""
    _governor_only(actor, member.meeting)
    _end_membership(member)
    _record(actor, member.meeting, Event.MEMBER_REMOVED, changed=[member], member=member, note=member.agency.name)
    return member


@transaction.atomic
def member_leave(*, actor, member: MeetingMember) -> MeetingMember:
    """A member agency leaves, from today (its own staff record it). The convener cannot leave."""
    if actor.agency_id != member.agency_id:
        raise PermissionDenied("脱退を記録できるのは、その機関の職員です。ほかの構成員を外すのは主催機関の管理者・推進員です。")
    _end_membership(member)
    _record(actor, member.meeting, Event.MEMBER_LEFT, changed=[member], member=member, note=member.agency.name)
    return member


def may_record_pledge(actor, member: MeetingMember) -> bool:
    """The member agency's own staff (each her own pledge; its managers for any of its staff), or the convener's
    managers (a written pledge handed in)."""
    if actor.agency_id is not None and actor.agency_id == member.agency_id:
        return True
    return governs(actor, member.meeting) and policy.meeting_access(member.meeting, actor) is not None


@transaction.atomic
def pledge_record(*, actor, member: MeetingMember, staff, pledged_on: date | None = None,
                  method: str = PledgeMethod.WRITTEN) -> ConfidentialityPledge:
    """守秘義務の誓約. The member's first pledge seats it: from then on it reads the meeting's record and agenda."""
    if not may_record_pledge(actor, member):
        raise PermissionDenied("誓約を記録できるのは、その機関の職員か、主催機関の管理者・推進員です。")
    own_agency = actor.agency_id == member.agency_id and not governs(actor, member.meeting)
    if own_agency and staff != actor.staff and not actor.is_manager:
        raise PermissionDenied("ほかの職員の誓約は、その職員本人か機関の管理者が記録します。")
    today = timezone.localdate()
    pledged_on = pledged_on or today
    if member.left_on is not None and member.left_on <= today:
        raise ValidationError("脱退した構成員の誓約は記録できません。")
    if pledged_on > today:
        raise ValidationError({"pledged_on": "誓約日に未来の日付は指定できません。"})
    if method not in PledgeMethod.values:
        raise ValidationError({"method": "誓約の方法を選んでください。"})
    if not staff.memberships.filter(agency_id=member.agency_id, ended_on__isnull=True).exists():
        raise ValidationError({"staff": f"{staff.name}さんは{member.agency.name}の職員ではありません。"})
    if member.pledges.filter(staff=staff).exists():
        raise ValidationError({"staff": f"{staff.name}さんの誓約はすでに記録されています。"})
    pledge = ConfidentialityPledge.objects.create(member=member, staff=staff, pledged_on=pledged_on, method=method,
                                                  recorded_by=actor.staff)
    if member.confidentiality_pledged_on is None:
        member.confidentiality_pledged_on = pledged_on
        member.save(update_fields=["confidentiality_pledged_on"])
    _record(actor, member.meeting, Event.PLEDGE_RECORDED, changed=[member, pledge], member=member,
            note=f"{member.agency.name} {staff.name}（{pledged_on:%Y-%m-%d}、{PledgeMethod(method).label}）")
    return pledge


# ---- 検討事項（アジェンダ）と提案 ----


def _subject(case, household):
    if (case is None) == (household is None):
        raise ValidationError("検討事項には、支援ケースか世帯のどちらか一方を選んでください。")
    return case if case is not None else household


def _open_item(meeting: Meeting, case, household):
    items = meeting.agenda_items.filter(removed_on__isnull=True)
    return items.filter(case=case).first() if case is not None else items.filter(household=household, case__isnull=True).first()


def _seen_by(actor, subject) -> policy.Access:
    access = policy.basis_for(subject, actor)
    if access is None:
        raise PermissionDenied("閲覧の根拠がない支援ケース・世帯は、検討事項にも提案にもできません。")
    return access


def _item_create(actor, meeting: Meeting, case, household, *, proposal=None) -> AgendaItem:
    if _open_item(meeting, case, household) is not None:
        raise ValidationError("この会議ではすでに検討事項になっています。")
    coverage = _require_consent(meeting, case or household) if meeting.kind == MeetingKind.MULTI_AGENCY_MEETING else None
    item = AgendaItem.objects.create(meeting=meeting, case=case, household=household, added_on=timezone.localdate(),
                                     left_out=coverage.left_out_summary()[:300] if coverage else "")
    if coverage is not None and (household is not None or (case is not None and case.household_id)):
        item.members.set(coverage.members)  # 世帯の一人ひとり: only the members whose consent covers every agency
    _record(actor, meeting, Event.AGENDA_ADDED, changed=[item], agenda_item=item, proposal=proposal,
            note=f"{proposal.proposed_by_agency.name}の提案" if proposal is not None else "")
    policy.meeting_disclosure_logged(actor, item)
    return item


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, case=None, household=None) -> AgendaItem:
    """The convener puts a case or household it sees through the policy on the agenda. For a 支援会議 or 要対協
    this opens it to every seated member: a disclosure, logged on the meeting's basis. A 重層的支援会議 takes a
    case only with consent covering every current member agency; otherwise AgendaRefused says which are missing."""
    _governor_only(actor, meeting)
    _seen_by(actor, _subject(case, household))
    return _item_create(actor, meeting, case, household)


def _require_consent(meeting: Meeting, subject) -> "policy.ConsentCoverage":
    """重層的支援会議 rests on consent, member by member: a household is taken up with the members whose consent
    covers every member agency, the others left out (the item says so); with none, or for a person without it,
    AgendaRefused names the agencies."""
    coverage = policy.consent_coverage(subject, current_member_agency_ids(meeting))
    if coverage.missing:
        missing = list(Agency.objects.filter(pk__in=coverage.missing).order_by("kana"))
        names = "、".join(a.name for a in missing)
        who = "どの世帯員についても、" if coverage.left_out else ""
        raise AgendaRefused(
            f"重層的支援会議は本人の同意にもとづいて開きます。{who}次の構成機関について、同意の記録がありません: {names}。"
            "同意を得てから付議するか、同意なしで情報を共有できる支援会議（社会福祉法106条の6）で検討してください。",
            missing,
        )
    return coverage


@transaction.atomic
def agenda_propose(*, actor, meeting: Meeting, case=None, household=None, reason: str = "") -> AgendaProposal:
    """A seated member proposes a case or household she sees through the policy; the convener decides."""
    _member_only(actor, meeting)
    subject = _subject(case, household)
    access = _seen_by(actor, subject)
    reason = _optional(reason, "reason", "提案の理由")
    if _open_item(meeting, case, household) is not None:
        raise ValidationError("この会議ではすでに検討事項になっています。")
    pending = meeting.proposals.filter(status=ProposalStatus.PENDING)
    if (pending.filter(case=case) if case is not None else pending.filter(household=household, case__isnull=True)).exists():
        raise ValidationError("この支援ケース・世帯はすでに提案され、主催機関の判断を待っています。")
    if meeting.kind == MeetingKind.MULTI_AGENCY_MEETING:
        _require_consent(meeting, subject)
    proposal = AgendaProposal.objects.create(meeting=meeting, case=case, household=household,
                                             proposed_by_agency_id=actor.agency_id, proposed_by=actor.staff,
                                             proposer_basis=access.basis, reason=reason)
    _record(actor, meeting, Event.PROPOSAL_MADE, changed=[proposal], proposal=proposal)
    return proposal


def _pending(proposal: AgendaProposal) -> None:
    if proposal.status != ProposalStatus.PENDING:
        raise ValidationError(f"この提案はすでに判断されています（{proposal.get_status_display()}）。")


@transaction.atomic
def proposal_accept(*, actor, proposal: AgendaProposal) -> AgendaItem:
    """The convener takes a proposal onto the agenda — while the proposing agency still sits on the meeting and
    still sees the case or household through the policy."""
    meeting = proposal.meeting
    _governor_only(actor, meeting)
    _pending(proposal)
    proposer = proposal.proposed_by_agency
    if proposer.pk not in current_member_agency_ids(meeting, seated_only=True):
        raise ValidationError(f"提案した{proposer.name}は、いまはこの会議の構成員ではありません。受け入れられません。")
    subject = proposal.case if proposal.case_id else proposal.household
    if subject is None or policy.agency_may_see(proposer, subject) is None:
        raise ValidationError(f"提案した{proposer.name}には、いまはこの支援ケース・世帯を閲覧する根拠がありません。受け入れられません。")
    item = _item_create(actor, meeting, proposal.case, proposal.household if not proposal.case_id else None,
                        proposal=proposal)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.ACCEPTED, actor.staff, timezone.now()
    proposal.agenda_item = item
    proposal.save(update_fields=["status", "decided_by", "decided_at", "agenda_item"])
    _record(actor, meeting, Event.PROPOSAL_ACCEPTED, changed=[proposal], proposal=proposal, agenda_item=item)
    return item


@transaction.atomic
def proposal_decline(*, actor, proposal: AgendaProposal, reason: str = "") -> AgendaProposal:
    _governor_only(actor, proposal.meeting)
    _pending(proposal)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.DECLINED, actor.staff, timezone.now()
    proposal.decline_reason = _optional(reason, "reason", "見送りの理由")
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    _record(actor, proposal.meeting, Event.PROPOSAL_DECLINED, changed=[proposal], proposal=proposal,
            note=proposal.decline_reason)
    return proposal


@transaction.atomic
def agenda_remove(*, actor, item: AgendaItem) -> AgendaItem:
    """The convener ends an agenda item, from today: the access the meeting gave ends with it (for a 支援会議,
    from this day on members see the case no longer)."""
    _governor_only(actor, item.meeting)
    if item.removed_on is not None:
        raise ValidationError("この検討事項はすでに終了しています。")
    item.removed_on = timezone.localdate()
    item.save(update_fields=["removed_on"])
    _record(actor, item.meeting, Event.AGENDA_ENDED, changed=[item], agenda_item=item)
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
    months = RECURRENCE_MONTHS.get(profile.recurrence, 0) if profile else 0
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
    if status == SittingStatus.HELD and sitting.held_on > timezone.localdate():
        day = sitting.held_on
        raise ValidationError({"status": f"開催日（{day.year}年{day.month}月{day.day}日）より前に「開催済み」にはできません。"
                                         "開催日になってから記録するか、状態を「予定」のままにしてください。"})
    for text, label in ((minutes, "議事録"), (events, "会議・研修の予定"), (topics, "課題・話題")):
        if len(text) > MAX_TEXT:
            raise ValidationError(f"{label}は{MAX_TEXT:,}文字以内で入力してください。")
    taken = sitting_item_ids(sitting, status=status)
    readable = readable_agenda_item_ids(actor, AgendaItem.objects.filter(pk__in=taken)) if discussions else set()
    if any(item_id not in readable for item_id in discussions or {}):
        raise ValidationError("この回で取り上げる検討事項ではないか、閲覧の根拠がない検討事項があります。")
    sitting.minutes, sitting.events, sitting.topics, sitting.status = minutes, events, topics, status
    sitting.minutes_by = actor.staff
    fields = ["minutes", "events", "topics", "status", "minutes_by"]
    fixing = status == SittingStatus.HELD and not sitting.items_chosen
    if fixing:  # what a held sitting took up is its record: the default stops following the agenda
        sitting.items_chosen = True
        fields.append("items_chosen")
    save_versioned(sitting, expected_version=expected_version, fields=fields)
    if fixing:
        _take_up(sitting, taken)
    if attendee_ids is not None:
        sitting.attendees.set(Agency.objects.filter(pk__in=current_member_agency_ids(sitting.meeting, seated_only=True))
                              .filter(pk__in=attendee_ids))
    for item_id, text in (discussions or {}).items():
        SittingItem.objects.update_or_create(sitting=sitting, agenda_item_id=item_id, defaults={"discussion": text[:MAX_TEXT]})
    return sitting


def _take_up(sitting: Sitting, item_ids: Iterable[int]) -> list[SittingItem]:
    have = set(sitting.items.values_list("agenda_item_id", flat=True))
    return [SittingItem.objects.create(sitting=sitting, agenda_item_id=pk) for pk in sorted(set(item_ids) - have)]


@transaction.atomic
def sitting_items_choose(*, actor, sitting: Sitting, agenda_item_ids: Iterable[int]) -> Sitting:
    """The agenda items a sitting takes up, chosen by the meeting's governors (`governs`: the convening agency's
    managers, who decide the agenda; the other members propose). The actor chooses among the items she may read;
    one she has no basis for stays as it is. An item whose discussion, decision or action item is recorded at
    this sitting stays too. Written to the meeting's history."""
    meeting = sitting.meeting
    _governor_only(actor, meeting)
    chosen = set(agenda_item_ids)
    taken = sitting_item_ids(sitting)
    offered = AgendaItem.objects.filter(meeting=meeting).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=sitting.held_on) | Q(pk__in=taken))
    readable = readable_agenda_item_ids(actor, offered)
    if chosen - readable:
        raise ValidationError({"agenda_items": "この会議の検討事項ではないか、終了したか、閲覧の根拠がない検討事項があります。"})
    kept = taken - readable
    dropped = taken - chosen - kept
    recorded = (set(sitting.items.filter(agenda_item_id__in=dropped).exclude(discussion="").values_list("agenda_item_id", flat=True))
                | set(sitting.decisions.filter(agenda_item_id__in=dropped).values_list("agenda_item_id", flat=True))
                | set(sitting.action_items.filter(agenda_item_id__in=dropped).values_list("agenda_item_id", flat=True)))
    if recorded:
        raise ValidationError({"agenda_items": f"検討内容・決定事項・役割分担が記録されている検討事項（{len(recorded)}件）は、"
                                               "この回から外せません。"})
    removed = list(sitting.items.filter(agenda_item_id__in=dropped))
    added = _take_up(sitting, chosen | kept)
    for row in removed:
        row.delete()
    sitting.items_chosen = True
    sitting.save(update_fields=["items_chosen"])
    _record(actor, meeting, Event.SITTING_ITEMS, changed=[sitting, *added, *removed],
            note=f"第{sitting.number}回: {len(chosen | kept)}件（追加 {len(added)}件・外した {len(removed)}件）")
    return sitting


@transaction.atomic
def decision_add(*, actor, sitting: Sitting, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    _member_only(actor, sitting.meeting)
    _same_meeting(actor, sitting, agenda_item)
    return Decision.objects.create(sitting=sitting, agenda_item=agenda_item, text=_require(text, "text", "決定事項"))


def _same_meeting(actor, sitting: Sitting, agenda_item: AgendaItem | None) -> None:
    """An item this sitting takes up, about a case or household the actor may read (what she may not see, she may
    not write about)."""
    if agenda_item is None:
        return
    if (agenda_item.meeting_id != sitting.meeting_id or agenda_item.pk not in sitting_item_ids(sitting)
            or not readable_agenda_item_ids(actor, [agenda_item])):
        raise ValidationError({"agenda_item": "この回で取り上げる検討事項から選んでください。"})


def _action_members(actor, agenda_item: AgendaItem | None, members: Sequence[Person], owner_agency: Agency) -> list[Person]:
    """世帯の一人ひとり: the members an action item names — current members of its agenda item's household (of the
    members the item names, if it names any), each seen by the writer and by the owner agency (else the owner would
    not see its own action item: `queries.on_readable_items`)."""
    members = list(dict.fromkeys(members))
    if not members:
        return []
    if agenda_item is None:
        raise ValidationError({"members": "対象の世帯員を選ぶときは、検討事項（世帯・ケース）を選んでください。"})
    case = agenda_item.case
    household_id = case.household_id if case is not None else agenda_item.household_id
    today = timezone.localdate()
    belonging = set(HouseholdMember.objects.filter(household_id=household_id, joined_on__lte=today)
                    .exclude(left_on__lte=today).values_list("person_id", flat=True)) if household_id else set()
    named = set(agenda_item.members.values_list("pk", flat=True))
    strangers = [p.name for p in members if p.pk not in belonging or (named and p.pk not in named)]
    if strangers:
        raise ValidationError({"members": f"{'、'.join(strangers)}さんは、この検討事項の世帯の世帯員ではないか、"
                                          "この会議で共有していない世帯員です。"})
    if len(policy.checked_rows(actor, members)) != len(members):
        raise ValidationError({"members": "閲覧の根拠がない世帯員は選べません。"})
    unseen = [p.name for p in members if policy.agency_may_see(owner_agency, p) is None]
    if unseen:
        raise ValidationError({"members": f"{owner_agency.name}には、{'、'.join(unseen)}さんを閲覧する根拠がありません。"
                                          "ほかの担当機関を選ぶか、対象の世帯員を外してください。"})
    return members


@transaction.atomic
def action_add(*, actor, sitting: Sitting, description: str, owner_agency: Agency, due_on: date, owner_staff=None,
               agenda_item: AgendaItem | None = None, members: Sequence[Person] = ()) -> ActionItem:
    """An action item's owner must be a seated member (what the meeting knows stays among its members) that may
    read the agenda item it is about, and the household members it names (`_action_members`)."""
    _member_only(actor, sitting.meeting)
    _same_meeting(actor, sitting, agenda_item)
    if owner_agency.pk not in current_member_agency_ids(sitting.meeting, seated_only=True):
        raise ValidationError({"owner_agency": f"{owner_agency.name}はこの会議の構成員ではないか、守秘義務の誓約がまだ記録されていません。"})
    subject = agenda_item.case or agenda_item.household if agenda_item is not None else None
    if agenda_item is not None and (subject is None or policy.agency_may_see(owner_agency, subject) is None):
        raise ValidationError({"owner_agency": f"{owner_agency.name}には、この検討事項の支援ケース・世帯を閲覧する根拠がありません。"
                                               "ほかの担当機関を選ぶか、検討事項を「会議全体」にしてください。"})
    if owner_staff is not None and not owner_staff.memberships.filter(agency=owner_agency, ended_on__isnull=True).exists():
        raise ValidationError({"owner_staff": f"{owner_staff.name}さんは{owner_agency.name}の職員ではありません。"})
    named = _action_members(actor, agenda_item, members, owner_agency)
    action = ActionItem.objects.create(sitting=sitting, agenda_item=agenda_item, owner_agency=owner_agency,
                                       owner_staff=owner_staff, due_on=due_on,
                                       description=_require(description, "description", "内容", 300))
    action.members.set(named)
    return action


@transaction.atomic
def action_update(*, actor, action: ActionItem, expected_version: int, status: str, result: str = "") -> ActionItem:
    """The owner agency (or the convener) marks an action done or cancelled — while it sits on the meeting and
    may read what the action is about."""
    if actor.agency_id not in (action.owner_agency_id, action.sitting.meeting.convened_by_id):
        raise PermissionDenied("担当機関または主催機関だけが更新できます。")
    _member_only(actor, action.sitting.meeting)
    if action.agenda_item_id is not None and not readable_agenda_item_ids(actor, [action.agenda_item]):
        raise PermissionDenied("この役割分担の検討事項を閲覧する根拠がありません。")
    if status not in ActionStatus.values:
        raise ValidationError({"status": "状況の値が正しくありません。"})
    action.status, action.result = status, result[:MAX_TEXT]
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    return save_versioned(action, expected_version=expected_version, fields=["status", "result", "done_on"])
