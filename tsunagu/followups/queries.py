"""Reads: due and overdue follow-ups, outreach, and the coordinator's 制度の狭間 list.

A follow-up is read with its case, so it is listed only when `policy.visible` lets the actor see that case.
The 狭間 list is built from facts every coordinator may know (which agency, since when, why); a person's or
household's name appears on a row only when the policy gives the coordinator a basis for it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from tsunagu.cases.models import OPEN_STATUSES, Case, CaseStatus, Consultation, Outcome, Referral, ReferralStatus
from tsunagu.people.models import Household
from tsunagu.sharing import policy

from .models import ACTIVE_OUTREACH, FollowUp, FollowUpStatus, Outreach, OutreachVisit

DUE_SOON_DAYS = 14
OUTREACH_QUIET_DAYS = 30
INFO_ONLY_LOOKBACK_DAYS = 365
GAP_LIMIT = 100  # rows shown per kind; the count says how many there are


def visible_case_ids(actor) -> QuerySet:
    return policy.visible(Case.objects.all(), actor).values("pk")


def followups_for(actor, *, overdue_only: bool = False, within_days: int | None = DUE_SOON_DAYS) -> QuerySet:
    """The acting agency's planned follow-ups on cases it may see, soonest first."""
    today = timezone.localdate()
    qs = FollowUp.objects.filter(agency_id=actor.agency_id, status=FollowUpStatus.PLANNED,
                                 case_id__in=visible_case_ids(actor))
    if overdue_only:
        qs = qs.filter(due_on__lt=today)
    elif within_days is not None:
        qs = qs.filter(due_on__lte=today + timedelta(days=within_days))
    return qs.select_related("case__person", "case__household", "staff").order_by("due_on", "pk")


def agency_followups(actor, *, within_days: int = DUE_SOON_DAYS, limit: int = 200) -> list[FollowUp]:
    """The acting agency's planned follow-ups due within `within_days` (overdue ones included), soonest first,
    on cases the actor may see. Each row's `.case` is the policy's row (annotated), so the caller can log it.
    One policy evaluation, however many rows: the dashboard's hot path."""
    today = timezone.localdate()
    rows = list(FollowUp.objects.filter(agency_id=actor.agency_id, status=FollowUpStatus.PLANNED,
                                        due_on__lte=today + timedelta(days=within_days))
                .select_related("staff").order_by("due_on", "pk")[:limit])
    cases = {c.pk: c for c in policy.visible(Case.objects.filter(pk__in={f.case_id for f in rows}), actor)
             .select_related("person", "household")}
    shown = []
    for f in rows:
        if f.case_id in cases:
            f.case = cases[f.case_id]
            shown.append(f)
    return shown


def overdue_count(agency_id: int | None) -> int:
    """How many of the agency's own follow-ups are overdue (a number only, for the badge)."""
    return FollowUp.objects.filter(agency_id=agency_id, status=FollowUpStatus.PLANNED, due_on__lt=timezone.localdate()).count()


def outreach_for(actor, *, active_only: bool = True) -> QuerySet:
    qs = policy.visible_outreach(Outreach.objects.all(), actor)
    if active_only:
        qs = qs.filter(status__in=ACTIVE_OUTREACH)
    last = OutreachVisit.objects.filter(outreach=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return qs.select_related("agency", "staff").annotate(last_visit=Subquery(last)).order_by("-noticed_on", "-pk")


# ---- 制度の狭間 ----


@dataclass
class GapRow:
    kind: str
    subject: str
    agency: str
    since: date | None
    reason: str
    remedy: str
    url: str = ""


@dataclass
class GapSection:
    kind: str
    title: str
    rows: list
    total: int


def _names(actor, case_ids=(), household_ids=()) -> tuple[dict, dict]:
    """Names the actor may see, by id (one query each); reads are logged by the caller's log_reads."""
    cases = {c.pk: c for c in policy.visible(Case.objects.filter(pk__in=list(case_ids)), actor)}
    households = {h.pk: h for h in policy.visible(Household.objects.filter(pk__in=list(household_ids)), actor)}
    return cases, households


def _hidden(agency_name: str) -> str:
    return f"（{agency_name}の記録・閲覧の根拠がないため名前は表示しません）"


def _households_without_lead(today: date) -> QuerySet:
    """Multi-issue households no agency is supporting; `info_only` marks those whose last year of consultations
    ended at 情報提供で終了 (one query for both sections)."""
    open_case = Case.objects.filter(household=OuterRef("pk"), status__in=[*OPEN_STATUSES, CaseStatus.WATCHING],
                                    archived_at__isnull=True)
    info_only = Consultation.objects.filter(household=OuterRef("pk"), outcome=Outcome.INFO_ONLY,
                                            received_on__gte=today - timedelta(days=INFO_ONLY_LOOKBACK_DAYS))
    # An aggregate per household (not ORDER BY … LIMIT 1), so the plan walks the household index on any database.
    last = (Consultation.objects.filter(household=OuterRef("pk")).values("household")
            .annotate(last=Max("received_on")).values("last"))
    return (Household.objects.filter(multi_issue=True, archived_at__isnull=True)
            .annotate(has_case=Exists(open_case)).filter(has_case=False)
            .annotate(info_only=Exists(info_only), last_contact=Subquery(last)).select_related("agency")
            .order_by("last_contact", "pk"))


def _declined_everywhere() -> QuerySet:
    live = [ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED]
    return (Case.objects.filter(status__in=OPEN_STATUSES, archived_at__isnull=True)
            .annotate(declined=Count("referrals", filter=Q(referrals__status=ReferralStatus.DECLINED)),
                      live=Count("referrals", filter=Q(referrals__status__in=live)),
                      last_declined=Max("referrals__answered_at"))
            .filter(declined__gt=0, live=0).select_related("lead_agency").order_by("last_declined", "pk"))


def _overdue_followups(today: date) -> QuerySet:
    return (FollowUp.objects.filter(status=FollowUpStatus.PLANNED, due_on__lt=today)
            .values("case_id", "agency__name").annotate(oldest=Min("due_on"), n=Count("pk")).order_by("oldest", "case_id"))


def _quiet_outreach(today: date) -> QuerySet:
    recent = OutreachVisit.objects.filter(outreach=OuterRef("pk"), visited_on__gte=today - timedelta(days=OUTREACH_QUIET_DAYS))
    return (Outreach.objects.filter(status__in=ACTIVE_OUTREACH, archived_at__isnull=True)
            .annotate(recent=Exists(recent)).filter(recent=False).select_related("agency").order_by("noticed_on", "pk"))


def gap_sections(actor, today: date | None = None) -> list[GapSection]:
    """The 制度の狭間 list: each row says why it is there and what would take it off. Constant query count."""
    today = today or timezone.localdate()
    # Each list is read once; the section's count is its length (the lists are short: they are the exceptions).
    households = list(_households_without_lead(today))
    rows = {
        "no_lead": [h for h in households if not h.info_only],
        "info_only": [h for h in households if h.info_only][::-1],
        "declined": list(_declined_everywhere()),
        "unanswered": list(Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today)
                           .select_related("from_agency", "to_agency").order_by("due_on", "pk")),
        "followups": list(_overdue_followups(today)),
        "outreach": list(_quiet_outreach(today)),
    }
    counts = {k: len(v) for k, v in rows.items()}
    rows = {k: v[:GAP_LIMIT] for k, v in rows.items()}
    case_ids = {c.pk for c in rows["declined"]} | {r.case_id for r in rows["unanswered"]} | {f["case_id"] for f in rows["followups"]}
    household_ids = {h.pk for h in rows["no_lead"] + rows["info_only"]} | {o.household_id for o in rows["outreach"] if o.household_id}
    cases, households = _names(actor, case_ids, household_ids)
    policy.log_reads(actor, [*cases.values(), *households.values()], action="list", path=reverse("followups:gaps"))
    return [
        GapSection("no_lead", "主担当機関のない複合課題世帯", [_no_lead_row(h, households) for h in rows["no_lead"]], counts["no_lead"]),
        GapSection("declined", "つなぎ先がすべて辞退したケース", [_declined_row(c, cases) for c in rows["declined"]], counts["declined"]),
        GapSection("unanswered", "回答期日を過ぎたつなぎ", [_unanswered_row(r, cases) for r in rows["unanswered"]], counts["unanswered"]),
        GapSection("followups", "期限を過ぎたフォローアップ", [_followup_row(f, cases) for f in rows["followups"]], counts["followups"]),
        GapSection("info_only", "「情報提供で終了」した複合課題世帯", [_info_only_row(h, households) for h in rows["info_only"]], counts["info_only"]),
        GapSection("outreach", "アウトリーチの対象（30日以上訪問なし）", [_outreach_row(o, households) for o in rows["outreach"]], counts["outreach"]),
    ]


def _household_label(h, households) -> tuple[str, str]:
    if h.pk in households:
        return h.name, reverse("people:household_detail", args=[h.pk])
    return _hidden(h.agency.name), ""


def _case_label(case_id: int, agency_name: str, cases) -> tuple[str, str]:
    if case_id in cases:
        return cases[case_id].title, reverse("cases:case_detail", args=[case_id])
    return _hidden(agency_name), ""


def _no_lead_row(h, households) -> GapRow:
    label, url = _household_label(h, households)
    return GapRow("no_lead", label, h.agency.name, h.last_contact,
                  "複合課題世帯（" + "・".join(h.multi_issue_labels) + "）だが、支援ケースを開いている機関がない。",
                  "いずれかの機関が支援ケースを開き、主担当機関になる（決まらなければ支援会議で検討）。", url)


def _info_only_row(h, households) -> GapRow:
    label, url = _household_label(h, households)
    return GapRow("info_only", label, h.agency.name, h.last_contact,
                  "複合課題世帯だが、この1年の相談が「情報提供で終了」になっている。",
                  "もう一度連絡をとり、継続支援（支援ケース）につなぐ。", url)


def _declined_row(c, cases) -> GapRow:
    label, url = _case_label(c.pk, c.lead_agency.name, cases)
    return GapRow("declined", label, c.lead_agency.name, c.last_declined.date() if c.last_declined else None,
                  f"つなぎ {c.declined} 件がすべて辞退され、受け入れた機関がない。",
                  "別の機関へのつなぎが受理される、または支援会議で役割分担を決める。", url)


def _unanswered_row(r, cases) -> GapRow:
    label, url = _case_label(r.case_id, r.from_agency.name, cases)
    return GapRow("unanswered", label, f"{r.from_agency.name} → {r.to_agency.name}", r.due_on,
                  f"回答期日（{r.due_on:%Y-%m-%d}）を過ぎても {r.to_agency.name} から回答がない。",
                  "依頼先が受理または辞退（理由つき）を回答する。", url)


def _followup_row(f, cases) -> GapRow:
    label, url = _case_label(f["case_id"], f["agency__name"], cases)
    return GapRow("followups", label, f["agency__name"], f["oldest"],
                  f"フォローアップ {f['n']} 件が予定日を過ぎても記録されていない（最も古い予定 {f['oldest']:%Y-%m-%d}）。",
                  "担当機関が連絡をとり、結果を記録する（連絡がとれなかった場合もそのように記録）。", url)


def _outreach_row(o, households) -> GapRow:
    if o.household_id and o.household_id in households:
        label, url = households[o.household_id].name, reverse("followups:outreach_detail", args=[o.pk])
    else:
        label, url = _hidden(o.agency.name), ""
    return GapRow("outreach", label, o.agency.name, o.noticed_on,
                  f"{o.get_noticed_by_display()}からの気づき（{o.noticed_on:%Y-%m-%d}）があるが、30日以上訪問していない。",
                  "訪問して様子を記録する。本人とつながったら「つながった」にする。", url)


def gap_total(today: date | None = None) -> int:
    """For the coordinator's dashboard badge: overdue follow-ups, unanswered referrals and quiet outreach."""
    today = today or timezone.localdate()
    return (FollowUp.objects.filter(status=FollowUpStatus.PLANNED, due_on__lt=today).values("case_id").distinct().count()
            + Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today).count()
            + _quiet_outreach(today).count())


def case_panel(case: Case, actor) -> dict:
    """For the case page's follow-up panel (the caller has read `case` through the policy)."""
    return {"case": case, "followups": list(case.followups.order_by("due_on", "pk")[:24]),
            "may_edit": policy.may_edit(case, actor)}
