"""Writes for consultations, cases, assessments, plans, notes and referrals.

Each service is one transaction and raises ValidationError (Japanese) before writing anything on bad input.
Access is checked by the caller through tsunagu.sharing.policy; referral_send additionally demands the receiving
agency's Access from that policy, so no path can send a referral to an agency no basis covers.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.core.locking import save_versioned
from tsunagu.people.models import Household, Person
from tsunagu.people.services import household_mark_multi_issue, household_own_record, person_create, person_own_record
from tsunagu.rules.household import household_fields

from .models import (
    REFERRAL_TRANSITIONS,
    Assessment,
    Case,
    CaseNote,
    CaseStatus,
    CaseTransfer,
    Concern,
    ConcernSource,
    Consultation,
    Notification,
    Outcome,
    PersonConcern,
    PlanReview,
    PlanStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Screening,
    SupportPlan,
    SupportPlanAction,
)

MAX_TEXT = 100_000


def _require(text: str, field: str, label: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"{label}を入力してください。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}は{limit:,}文字以内で入力してください（{len(text):,}文字あります）。"})
    return text


# ---- 相談受付 ----


@transaction.atomic
def consultation_record(*, actor, route: str, consulter: str, main_complaint: str, received_on: date | None = None,
                        consulter_name: str = "", person: Person | None = None, household: Household | None = None,
                        new_person: dict | None = None, concerns: Sequence[str] = (), primary_concern: str = "",
                        urgency: str = "low", first_response: str = "", outcome: str = Outcome.INFO_ONLY,
                        member_concerns: Mapping[Person, Sequence[str]] | None = None,
                        referred_to_welfare: bool = False) -> Consultation:
    """Records one consultation; a new person is created with it, and 継続支援 opens a case at once.

    The consultation is the taking agency's own record, and so is what it is about: a person or household another
    agency recorded (seen through consent, a meeting or an emergency disclosure) is replaced by the agency's own
    record of them (`person_own_record`, `household_own_record`), so the case it opens reaches nobody it has no
    basis for, and nothing lasts beyond the basis it was seen on."""
    main_complaint = _require(main_complaint, "main_complaint", "主訴")
    concerns = [c for c in dict.fromkeys(concerns) if c in Concern.values]
    if primary_concern and primary_concern not in concerns:
        raise ValidationError({"primary_concern": "◎は、チェックした相談内容の中から一つ選んでください。"})
    if received_on and received_on > timezone.localdate():
        raise ValidationError({"received_on": "受付日が未来の日付です。"})
    if referred_to_welfare and outcome != Outcome.REFERRAL:
        raise ValidationError({"referred_to_welfare": "生活保護窓口へのつなぎは、結果が「つなぎ」の相談で選んでください。"})
    if person is None and new_person and (new_person.get("name") or "").strip():
        person = person_create(actor=actor, **new_person)
    if person is not None and not _leads_case(actor, person=person):
        person = person_own_record(actor=actor, person=person)
    if household is not None and not _leads_case(actor, household=household):
        household = household_own_record(actor=actor, household=household, person=person)
    needs = _member_needs(member_concerns or {}, household)
    concerns = list(dict.fromkeys([*concerns, *(c for cs in needs.values() for c in cs)]))
    consultation = Consultation.objects.create(
        agency_id=actor.agency_id, staff=actor.staff, received_on=received_on or timezone.localdate(), route=route,
        consulter=consulter, consulter_name=consulter_name[:100], person=person, household=household,
        main_complaint=main_complaint, concerns=concerns, primary_concern=primary_concern, urgency=urgency,
        first_response=first_response[:MAX_TEXT], outcome=outcome, referred_to_welfare=referred_to_welfare,
    )
    if household is not None and concerns:
        household_mark_multi_issue(household=household, fields=household_fields(concerns, needs.values()))
    if outcome in (Outcome.CONTINUE, Outcome.REFERRAL) and (person or household):
        consultation.case = case_open(actor=actor, person=None if household else person, household=household,
                                      title=main_complaint[:60])
        consultation.save(update_fields=["case"])
    PersonConcern.objects.bulk_create([
        PersonConcern(person=member, household=household, case=consultation.case, consultation=consultation,
                      concern=concern, source=ConcernSource.INTAKE, agency_id=actor.agency_id, staff=actor.staff,
                      noted_on=consultation.received_on)
        for member, member_needs in needs.items() for concern in member_needs])
    return consultation


def _member_needs(member_concerns: Mapping[Person, Sequence[str]], household: Household | None) -> dict[Person, list[str]]:
    """世帯の一人ひとり: each member's concerns, checked — known concerns only, and only members of the household the
    consultation is recorded on (the agency's own record of it)."""
    needs = {p: [c for c in dict.fromkeys(cs) if c in Concern.values] for p, cs in member_concerns.items()}
    needs = {p: cs for p, cs in needs.items() if cs}
    if not needs:
        return {}
    if household is None:
        raise ValidationError("世帯員ごとの課題は、世帯についての相談で記録します。")
    members = set(household.members.filter(left_on__isnull=True).values_list("person_id", flat=True))
    strangers = [p.name for p in needs if p.pk not in members]
    if strangers:
        raise ValidationError(f"{'、'.join(strangers)}さんは、この機関が記録した「{household.name}」の世帯員ではありません。"
                              "世帯の記録に世帯員を加えてから、課題を記録してください。")
    return needs


@transaction.atomic
def person_concern_record(*, actor, case: Case, person: Person, concerns: Sequence[str],
                          source: str = ConcernSource.ASSESSMENT, noted_on: date | None = None) -> list[PersonConcern]:
    """A member's concerns found after intake (アセスメント) on a household case: the member × need view grows, and
    the household's 複合課題 follows it. A concern already recorded for the member on the case is not repeated."""
    household = case.household
    if household is None:
        raise ValidationError("世帯員ごとの課題は、世帯の支援ケースで記録します。")
    if not household.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationError({"person": f"{person.name}さんは、この世帯の世帯員ではありません。"})
    known = set(PersonConcern.objects.filter(case=case, person=person, archived_at__isnull=True)
                .values_list("concern", flat=True))
    wanted = [c for c in dict.fromkeys(concerns) if c in Concern.values and c not in known]
    if not wanted:
        raise ValidationError({"concerns": "新しく記録する課題を一つ以上選んでください（記録済みの課題は選べません）。"})
    rows = PersonConcern.objects.bulk_create([
        PersonConcern(person=person, household_id=case.household_id, case=case, concern=c, source=source,
                      agency_id=actor.agency_id, staff=actor.staff, noted_on=noted_on or timezone.localdate(),
                      compartment=case.compartment)
        for c in wanted])
    all_concerns = PersonConcern.objects.filter(case=case, archived_at__isnull=True).values_list("concern", flat=True)
    household_mark_multi_issue(household=household, fields=household_fields(all_concerns, []))
    _touch(case)
    return rows


def _leads_case(actor, **subject) -> bool:
    """The agency leads a case about this person or household (after a 移管): it is the agency's own business."""
    return Case.objects.filter(lead_agency_id=actor.agency_id, archived_at__isnull=True, **subject).exists()


def consultation_may_void(actor, consultation: Consultation) -> bool:
    """Who may take back (取消) a consultation: the staff member who took it, acting for the agency that recorded
    it, or a manager of that agency (agencies: `Actor.is_manager`)."""
    if actor.agency_id != consultation.agency_id:
        return False
    return actor.is_manager or consultation.staff_id == actor.staff.pk


@transaction.atomic
def consultation_void(*, actor, consultation: Consultation, reason: str) -> Consultation:
    """取消 of a consultation recorded by mistake: it leaves the live 集計 (reports.figures) and stays in the history,
    marked with who took it back, when and why. Once only; the case it opened, if any, is closed on its own screen."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.voided_at is not None:
        raise ValidationError("この相談受付は、すでに取り消されています。")
    if not consultation_may_void(actor, locked):
        raise ValidationError("相談受付を取り消せるのは、受け付けた職員か、受け付けた機関の管理者です。")
    locked.void_reason = _require(reason, "void_reason", "取消の理由")
    locked.voided_at = timezone.now()
    locked.voided_by = actor.staff
    save_versioned(locked, expected_version=locked.version, fields=["voided_at", "voided_by", "void_reason"])
    return locked


# ---- 支援ケース ----


@transaction.atomic
def case_open(*, actor, title: str, person: Person | None = None, household: Household | None = None,
              summary: str = "", lead_agency=None, compartment: str = "", name: str = "") -> Case:
    if (person is None) == (household is None):
        raise ValidationError("支援ケースは、本人か世帯のどちらか一方について作成します。")
    return Case.objects.create(
        name=(name.strip() or case_default_name(person=person, household=household))[:60],
        agency_id=actor.agency_id, lead_agency=lead_agency or actor.agency, person=person, household=household,
        title=_require(title, "title", "ケース名", 200), summary=summary[:MAX_TEXT], worker=actor.staff,
        compartment=compartment,
    )


def case_default_name(*, person: Person | None = None, household: Household | None = None) -> str:
    """The 呼び名 a case gets unless the worker gives one: the household's name (「十河さん世帯」) or the person's."""
    if household is not None:
        return household.name
    return person.name if person is not None else ""


CASE_FIELDS = ["name", "title", "summary", "status", "closed_on"]


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int, **fields) -> Case:
    # Compare with the stored status: a bound ModelForm may already have changed the instance in memory.
    stored_status, stored_lead = Case.objects.values_list("status", "lead_agency_id").get(pk=case.pk)
    lead = fields.get("lead_agency")
    if lead is not None and getattr(lead, "pk", lead) != stored_lead:
        # the lead agency sees the case's subject as its own: a change is a 移管, with its basis and reason
        raise ValidationError({"lead_agency": "主担当機関の変更は「移管する」画面から、移管先の共有の根拠と理由を記録して行ってください。"})
    closing = fields.get("status") == CaseStatus.CLOSED and stored_status != CaseStatus.CLOSED
    for field in CASE_FIELDS:
        if field in fields:
            setattr(case, field, fields[field])
    case.title = _require(case.title, "title", "ケース名", 200)
    case.name = (case.name or "").strip()[:60] or case_default_name(person=case.person, household=case.household)
    if case.status not in CaseStatus.values:
        raise ValidationError({"status": "状況の値が正しくありません。"})
    if closing and not case.closures.exists():
        # つながり続ける支援: a case closes only through the 終結 screen, with follow-ups or a written reason.
        raise ValidationError({"status": "終結は「終結する」画面から、フォローアップの予定か、しない理由を記録して行ってください。"})
    case.updated_at = timezone.now()
    return save_versioned(case, expected_version=expected_version, fields=[*CASE_FIELDS, "updated_at"])


@transaction.atomic
def case_transfer(*, actor, case: Case, to_agency, reason: str, expected_version: int, receiver_access) -> CaseTransfer:
    """移管: hands the lead (主担当機関) to `to_agency`. `receiver_access` is sharing.policy's answer for the receiving
    agency on the case's subject; None refuses — leading a case shows its subject as the agency's own, so only an
    agency that already has a basis for her may receive it. The transfer records that basis and the reason."""
    if actor.agency_id not in (case.agency_id, case.lead_agency_id):
        raise ValidationError("移管できるのは、ケースを記録した機関か主担当機関だけです。")
    if to_agency.pk == case.lead_agency_id:
        raise ValidationError({"to_agency": f"{to_agency.name}はすでに主担当機関です。"})
    if receiver_access is None:
        raise ValidationError({"to_agency": f"{to_agency.name}には、この方（世帯）の情報を共有する根拠（本人同意・支援会議など）が"
                                            "ないため、移管できません。同意を得るか、相談支援包括化推進員に相談してください。"})
    reason = _require(reason, "reason", "移管の理由")
    from_agency_id = case.lead_agency_id
    case.lead_agency = to_agency
    case.updated_at = timezone.now()
    save_versioned(case, expected_version=expected_version, fields=["lead_agency", "updated_at"])
    transfer = CaseTransfer.objects.create(case=case, from_agency_id=from_agency_id, to_agency=to_agency,
                                           basis=receiver_access.basis, reason=reason, transferred_by=actor.staff)
    Notification.objects.create(agency=to_agency, message=f"{actor.agency.name}から支援ケースが移管されました"[:200])
    return transfer


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


@transaction.atomic
def assessment_record(*, actor, case: Case, areas: dict[str, str], summary: str = "",
                      assessed_on: date | None = None, person: Person | None = None, screening: str = "",
                      employment_support: bool | None = None) -> Assessment:
    """インテーク・アセスメントシート of `person` (the case's person, or a member of its household the caller read
    through the policy). Out of its choices, or about someone outside the case: refused naming the item, nothing
    written."""
    areas = {k: (v or "")[:MAX_TEXT] for k, v in areas.items() if (v or "").strip()}
    if not areas and not summary.strip():
        raise ValidationError("少なくとも一つの領域か総合所見を入力してください。")
    if screening and screening not in Screening.values:
        raise ValidationError({"screening": "スクリーニングの結果は選択肢から選んでください。"})
    if person is not None:
        _case_members(case, [person], "person")
    assessment = Assessment.objects.create(case=case, agency_id=actor.agency_id, staff=actor.staff, areas=areas,
                                           summary=summary[:MAX_TEXT], assessed_on=assessed_on or timezone.localdate(),
                                           person=person, screening=screening,
                                           employment_support=employment_support)
    if case.status == CaseStatus.INTAKE:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.ASSESSMENT)
    _touch(case)
    return assessment


# ---- 支援プラン ----


@transaction.atomic
def plan_create(*, actor, case: Case, goals: str, person_wishes: str = "", review_on: date | None = None,
                actions: Sequence[dict] = (), employment_support: bool | None = False) -> SupportPlan:
    """A new revision; the previous agreed plan is kept as 改訂済み (superseded)."""
    goals = _require(goals, "goals", "目標")
    last = case.plans.order_by("-revision").first()
    plan = SupportPlan.objects.create(case=case, agency_id=actor.agency_id, staff=actor.staff,
                                      revision=(last.revision + 1) if last else 1, goals=goals,
                                      person_wishes=person_wishes[:MAX_TEXT], review_on=review_on,
                                      employment_support=bool(employment_support))
    for action in actions:
        if (action.get("description") or "").strip():
            row = SupportPlanAction.objects.create(plan=plan, description=action["description"].strip()[:300],
                                                   agency=action.get("agency"),
                                                   resource_name=action.get("resource_name", ""),
                                                   due_on=action.get("due_on"))
            row.members.set(_case_members(case, action.get("members") or (), "actions"))
    if last is not None and last.status == PlanStatus.AGREED:
        SupportPlan.objects.filter(pk=last.pk).update(status=PlanStatus.SUPERSEDED)
    if case.status in (CaseStatus.INTAKE, CaseStatus.ASSESSMENT):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.PLANNING)
    _touch(case)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: SupportPlan, expected_version: int, goals: str, person_wishes: str = "",
                review_on: date | None = None, employment_support: bool | None = None) -> SupportPlan:
    plan.goals = _require(goals, "goals", "目標")
    plan.person_wishes = person_wishes[:MAX_TEXT]
    plan.review_on = review_on
    if employment_support is not None:
        plan.employment_support = employment_support
    return save_versioned(plan, expected_version=expected_version,
                          fields=["goals", "person_wishes", "review_on", "employment_support"])


@transaction.atomic
def plan_review_record(*, actor, plan: SupportPlan, reviewed_on: date, employed: bool, income_increased: bool,
                       improved: bool, note: str = "") -> PlanReview:
    """評価 of a plan: 就労, 増収 and 自立に向けた改善 as the worker found them on `reviewed_on` (the 支援状況調査 counts
    them in that month). A date ahead of today or before the plan was made is refused, writing nothing."""
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "評価日が未来の日付です。今日までの日付を入力してください。"})
    if reviewed_on < timezone.localdate(plan.created_at):
        raise ValidationError({"reviewed_on": "評価日がプラン作成日より前です。プラン作成日以降の日付を入力してください。"})
    review = PlanReview.objects.create(plan=plan, agency_id=actor.agency_id, staff=actor.staff, reviewed_on=reviewed_on,
                                       employed=employed, income_increased=income_increased, improved=improved,
                                       note=note[:MAX_TEXT])
    _touch(plan.case)
    return review


@transaction.atomic
def plan_agree(*, actor, plan: SupportPlan, expected_version: int, agreed_by: str, agreed_on: date | None = None) -> SupportPlan:
    plan.agreed_by = _require(agreed_by, "agreed_by", "同意した人", 100)
    plan.agreed_on = agreed_on or timezone.localdate()
    plan.status = PlanStatus.AGREED
    save_versioned(plan, expected_version=expected_version, fields=["agreed_by", "agreed_on", "status"])
    Case.objects.filter(pk=plan.case_id, status=CaseStatus.PLANNING).update(status=CaseStatus.SUPPORT)
    return plan


# ---- 経過記録 ----


@transaction.atomic
def note_add(*, actor, case: Case, body: str, written_on: date | None = None, kind: str = "",
             compartment: str = "", members: Sequence[Person] = ()) -> CaseNote:
    """A note; on a household case it may name the members it is about (a reader then needs a basis for each)."""
    members = _case_members(case, members, "members")
    note = CaseNote.objects.create(case=case, agency_id=actor.agency_id, staff=actor.staff,
                                   body=_require(body, "body", "内容"), written_on=written_on or timezone.localdate(),
                                   kind=kind[:20], compartment=compartment or case.compartment)
    note.members.set(members)
    _touch(case)
    return note


def _case_members(case: Case, members: Sequence[Person], field: str) -> list[Person]:
    """The members a row of `case` names: each a member of the case's household (a person case names its person,
    or no one). The caller has checked the writer sees each of them through the policy."""
    members = list(dict.fromkeys(members))
    if not members:
        return []
    if case.household is None:
        if [p.pk for p in members] != [case.person_id]:
            raise ValidationError({field: "本人の支援ケースでは、本人以外を対象にできません。"})
        return members
    belonging = set(case.household.members.values_list("person_id", flat=True))
    strangers = [p.name for p in members if p.pk not in belonging]
    if strangers:
        raise ValidationError({field: f"{'、'.join(strangers)}さんは、この世帯の世帯員ではありません。"})
    return members


@transaction.atomic
def note_correct(*, actor, note: CaseNote, expected_version: int, body: str) -> CaseNote:
    """A correction is a new version; the earlier text stays in the history."""
    note.body = _require(body, "body", "内容")
    return save_versioned(note, expected_version=expected_version, fields=["body"])


# ---- つなぎ ----


def _notify(agency_id: int, referral: Referral, message: str) -> None:
    Notification.objects.create(agency_id=agency_id, referral=referral, message=message[:200])


@transaction.atomic
def referral_send(*, actor, case: Case, to_agency, reason: str, request: str, due_on: date,
                  receiver_access, person: Person | None = None) -> Referral:
    """`receiver_access` is sharing.policy's answer for the receiving agency; None refuses the referral."""
    if receiver_access is None:
        raise ValidationError({"to_agency": "この機関には情報共有の根拠（本人同意・支援会議など）がないため、つなぐことができません。"
                                            "同意を得るか、相談支援包括化推進員に相談してください。"})
    if to_agency.pk == actor.agency_id:
        raise ValidationError({"to_agency": "自機関にはつなげません。"})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "回答期日が過去の日付です。"})
    person = _referral_member(case, person)
    referral = Referral.objects.create(case=case, person=person, from_agency_id=actor.agency_id, to_agency=to_agency,
                                       from_staff=actor.staff, reason=_require(reason, "reason", "つなぐ理由"),
                                       request=_require(request, "request", "依頼内容"), due_on=due_on)
    ReferralEvent.objects.create(referral=referral, staff=actor.staff, agency_id=actor.agency_id,
                                 status=ReferralStatus.REQUESTED)
    _notify(to_agency.pk, referral, f"{actor.agency.name}からつなぎの依頼が届きました（期日 {due_on:%m月%d日}）")
    _touch(case)
    return referral


def _referral_member(case: Case, person: Person | None) -> Person:
    """世帯の一人ひとり: a referral names exactly one member — a person case its person, a household case one of its
    current members — so the receiver sees her, not the household."""
    if case.person is not None:
        if person is not None and person.pk != case.person_id:
            raise ValidationError({"person": "本人の支援ケースでは、本人についてつなぎます。"})
        return case.person
    if person is None:
        raise ValidationError({"person": "どの世帯員についてつなぐのかを選んでください。"})
    if case.household is None or not case.household.members.filter(person=person, left_on__isnull=True).exists():
        raise ValidationError({"person": f"{person.name}さんは、この世帯の世帯員ではありません。"})
    return person


_RECEIVER_MOVES = {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED}


@transaction.atomic
def referral_respond(*, actor, referral: Referral, status: str, expected_version: int, comment: str = "") -> Referral:
    """The receiver accepts, declines (reason required), works on and completes (outcome required);
    the sender may cancel. The other side is notified of every change."""
    current = ReferralStatus(referral.status)
    if status not in REFERRAL_TRANSITIONS[current]:
        raise ValidationError({"status": f"「{current.label}」から「{ReferralStatus(status).label}」には変更できません。"})
    is_receiver = actor.agency_id == referral.to_agency_id
    if (status in _RECEIVER_MOVES and not is_receiver) or (status == ReferralStatus.CANCELLED and actor.agency_id != referral.from_agency_id):
        raise ValidationError({"status": "この操作は、依頼先（取消は依頼元）の機関だけが行えます。"})
    comment = (comment or "").strip()[:MAX_TEXT]
    if status == ReferralStatus.DECLINED:
        referral.decline_reason = _require(comment, "comment", "辞退の理由")
    if status == ReferralStatus.COMPLETED:
        referral.outcome = _require(comment, "comment", "結果")
    now = timezone.now()
    if current == ReferralStatus.REQUESTED and status != ReferralStatus.CANCELLED:
        referral.answered_at = now
    if status in (ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED):
        referral.closed_at = now
    referral.status = status
    save_versioned(referral, expected_version=expected_version,
                   fields=["status", "decline_reason", "outcome", "answered_at", "closed_at"])
    ReferralEvent.objects.create(referral=referral, staff=actor.staff, agency_id=actor.agency_id, status=status, comment=comment)
    other = referral.from_agency_id if is_receiver else referral.to_agency_id
    _notify(other, referral, f"{actor.agency.name}: つなぎが「{ReferralStatus(status).label}」になりました")
    return referral


@transaction.atomic
def notifications_mark_read(*, actor, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(agency_id=actor.agency_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
