"""Reads: due and overdue follow-ups, outreach, and the coordinator's 制度の狭間 list.

A follow-up is read with its case, so it is listed only when `policy.visible` lets the actor see that case.
The 狭間 list is built from facts every coordinator may know (which agency, since when, why); a person's or
household's name appears on a row only when the policy gives the coordinator a basis for it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from tsunagu.agencies.models import Field
from tsunagu.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Consultation,
    Outcome,
    PlanStatus,
    Referral,
    ReferralStatus,
    SupportPlan,
)
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.sharing import policy

from . import gaps
from .models import (
    ACTIVE_OUTREACH,
    FollowUp,
    FollowUpStatus,
    NoticedBy,
    Outreach,
    OutreachVisit,
    VisitFrequency,
    VisitPlan,
)

DUE_SOON_DAYS = 14
OUTREACH_QUIET_DAYS = 30
INFO_ONLY_LOOKBACK_DAYS = 365
GAP_PREVIEW = 20  # rows per kind on the list's overview (the oldest); the count says how many there are
GAP_PAGE = 50  # rows per page on one kind's own list


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


@dataclass
class AgencyFollowUps:
    rows: list  # FollowUp rows on cases the actor may see; each `.case` is the policy's row, with its basis
    overdue: int  # how many of the agency's own follow-ups are overdue, visible or not (a number only, for the badge)
    more: bool = False  # the limit was reached: later follow-ups were not read

    @property
    def cases(self) -> list[Case]:
        """The cases named by the rows, once each (for log_reads)."""
        return list({f.case_id: f.case for f in self.rows}.values())


# The columns the policy's case rules read (`policy.checked_rows`), and those the dashboard's lists show.
_CASE_RULE_COLUMNS = ("agency", "lead_agency", "person", "household", "compartment", "archived_at")
_CASE_NAMES = ("name", "title", "person__name", "household__name")


def _cases_checked(actor, case_ids: set[int], *, names_only: bool = True) -> list[Case]:
    """The cases of `case_ids` the actor may see, each with its bases (for log_reads), its person or household loaded:
    read by their keys and checked by the policy in Python (`policy.checked_rows`, the same rules as `visible`) —
    one short query whatever the municipality, where `visible` sent the agency's id lists of bases (thousands of
    ids on a 政令市) with every dashboard."""
    if not case_ids:
        return []
    qs = Case.objects.filter(pk__in=case_ids).select_related("person", "household")
    if names_only:  # the lists name the case and its person or household; nothing else of them is read
        qs = qs.only(*_CASE_RULE_COLUMNS, *_CASE_NAMES)
    return policy.checked_rows(actor, list(qs))


def agency_followups(actor, *, within_days: int = DUE_SOON_DAYS, limit: int = 200) -> AgencyFollowUps:
    """The acting agency's planned follow-ups due within `within_days` (overdue ones included), soonest first,
    on cases the actor may see, and the count of its overdue ones. The dashboard's hot path: three queries, however
    many rows — the follow-ups, their cases checked by the policy (`_cases_checked`, with the bases the caller's
    log_reads needs), and the count (an agency has hundreds of follow-ups: a window count over them cost more than a second query)."""
    today = timezone.localdate()
    planned = FollowUp.objects.filter(agency_id=actor.agency_id, status=FollowUpStatus.PLANNED)
    rows = list(planned.filter(due_on__lte=today + timedelta(days=within_days)).select_related("staff")
                .order_by("due_on", "pk")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return AgencyFollowUps([], 0)
    overdue = planned.filter(due_on__lt=today).count() if rows[0].due_on < today else 0
    cases = {c.pk: c for c in _cases_checked(actor, {f.case_id for f in rows})}
    shown = []
    for f in rows:
        if f.case_id in cases:
            f.case = cases[f.case_id]
            shown.append(f)
    return AgencyFollowUps(shown, overdue, more)


def outreach_for(actor, *, active_only: bool = True) -> QuerySet:
    qs = policy.visible_outreach(Outreach.objects.all(), actor)
    if active_only:
        qs = qs.filter(status__in=ACTIVE_OUTREACH)
    last = OutreachVisit.objects.filter(outreach=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    return qs.select_related("agency", "staff").annotate(last_visit=Subquery(last)).order_by("-noticed_on", "-pk")


# ---- 終結の前に ----

OPEN_REFERRAL_STATUSES = [ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]


@dataclass
class ClosingWarnings:
    """What is still open on a case the worker is about to close. Closing is still allowed: she is told, not stopped."""

    plans: list  # SupportPlan rows 作成中
    referrals: list  # Referral rows 依頼中・受理・対応中, with their receiving agency

    def __bool__(self) -> bool:
        return bool(self.plans or self.referrals)


def closing_warnings(case: Case) -> ClosingWarnings:
    """The open plan and open referrals of `case`, for the 終結 screen (the caller read the case through the policy).

    A plan is open while it is 作成中: neither 合意済み nor 改訂済み, so the person never agreed to it. (An agreed plan
    with actions lacking a 完了日 is not counted: no screen records an action's 完了日, so every agreed plan would
    warn.) A referral is open while 依頼中, 受理 or 対応中. Only a plan's 版 and a referral's agency, status and date
    are shown: nothing that names a member."""
    plans = list(SupportPlan.objects.filter(case=case, status=PlanStatus.DRAFT).order_by("-revision"))
    referrals = list(Referral.objects.filter(case=case, status__in=OPEN_REFERRAL_STATUSES)
                     .select_related("to_agency").only("pk", "status", "sent_at", "due_on", "to_agency__name")
                     .order_by("sent_at", "pk"))
    return ClosingWarnings(plans, referrals)


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
    """Names the actor may see, by id (one query each), each row carrying its basis for the caller's log_reads."""
    cases = {c.pk: c for c in policy.visible(Case.objects.filter(pk__in=list(case_ids)), actor, with_basis=True)
             .only("pk", "name", "title")} if case_ids else {}
    households = {h.pk: h for h in policy.visible(Household.objects.filter(pk__in=list(household_ids)), actor,
                                                  with_basis=True).only("pk", "name")} if household_ids else {}
    return cases, households


def _hidden(agency_name: str) -> str:
    return f"（{agency_name}の記録・閲覧の根拠がないため名前は表示しません）"


def _window(qs: QuerySet, order: tuple, offset: int, limit: int) -> tuple[list[dict], int]:
    """Rows offset..offset+limit of `qs` (a values() queryset) in `order`, and how many rows there are in all —
    one query: the count is a window over the whole result, computed before the LIMIT. (Past the end: no rows,
    and the total from a count.)"""
    rows = list(qs.annotate(gap_total=Window(Count("*"))).order_by(*order)[offset:offset + limit])
    if rows:
        return rows, rows[0]["gap_total"]
    return [], (qs.order_by().count() if offset else 0)


def _households_without_lead(today: date) -> list[dict]:
    """Multi-issue households no agency is supporting, latest contact first among equals; `info_only` marks those
    whose consultations of the last year ended at 情報提供で終了. One query for both sections: each household's
    latest contact and its recent 情報提供で終了 are looked up through the consultations' household index (a
    handful each) — a join with every consultation of a household made PostgreSQL walk the whole index on a
    政令市 (0.3 s)."""
    open_case = Case.objects.filter(household=OuterRef("pk"), status__in=[*OPEN_STATUSES, CaseStatus.WATCHING],
                                    archived_at__isnull=True)
    of_household = Consultation.objects.filter(household=OuterRef("pk")).order_by().values("household")
    last_contact = of_household.annotate(latest=Max("received_on")).values("latest")
    info_only = (of_household.filter(outcome=Outcome.INFO_ONLY, voided_at__isnull=True,
                                     received_on__gte=today - timedelta(days=INFO_ONLY_LOOKBACK_DAYS))
                 .annotate(n=Count("pk")).values("n"))  # a count per row: an EXISTS became one pass over the year's
    rows = list(Household.objects.filter(~Exists(open_case), multi_issue=True, archived_at__isnull=True)
                .values("pk", "agency__name", "multi_issue_fields")
                .annotate(last_contact=Subquery(last_contact), info_only_count=Subquery(info_only))
                .order_by("last_contact", "pk"))
    return [{**row, "info_only": bool(row["info_only_count"])} for row in rows]


def _declined_everywhere() -> QuerySet:
    """Open cases whose referrals were all declined: grouped from the declined referrals (few), not from every
    open case."""
    live = Referral.objects.filter(case=OuterRef("case_id"), status__in=[
        ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED])
    return (Referral.objects.filter(~Exists(live), status=ReferralStatus.DECLINED, case__status__in=OPEN_STATUSES,
                                    case__archived_at__isnull=True)
            .values("case_id", "case__lead_agency__name").annotate(declined=Count("pk"), last_declined=Max("answered_at")))


def _unanswered(today: date) -> QuerySet:
    return (Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today)
            .values("pk", "case_id", "due_on", "from_agency__name", "to_agency__name"))


def _overdue_followups(today: date) -> QuerySet:
    return (FollowUp.objects.filter(status=FollowUpStatus.PLANNED, due_on__lt=today)
            .values("case_id", "agency__name").annotate(oldest=Min("due_on"), n=Count("pk")))


def _quiet_outreach(today: date) -> QuerySet:
    recent = OutreachVisit.objects.filter(outreach=OuterRef("pk"), visited_on__gte=today - timedelta(days=OUTREACH_QUIET_DAYS))
    return Outreach.objects.filter(~Exists(recent), status__in=ACTIVE_OUTREACH, archived_at__isnull=True)


def _overdue_visits(today: date) -> QuerySet:
    return VisitPlan.objects.filter(due_on__lt=today, case__archived_at__isnull=True)


_OUTREACH_COLUMNS = ("g_pk", "g_household", "g_case", "g_agency", "g_since", "g_by", "g_source")


def _outreach_kind(today: date, offset: int, limit: int) -> tuple[list[dict], int]:
    """The outreach kind: quiet アウトリーチ and 訪問計画 past their date, oldest first — one query for the page (a
    UNION of the two, each row naming its source), and one count of each half."""
    quiet = _quiet_outreach(today).annotate(
        g_pk=F("pk"), g_household=F("household_id"), g_case=Cast(Value(None), IntegerField()), g_agency=F("agency__name"),
        g_since=F("noticed_on"), g_by=F("noticed_by"), g_source=Value("outreach", output_field=CharField()))
    visits = _overdue_visits(today).annotate(
        g_pk=F("pk"), g_household=F("case__household_id"), g_case=F("case_id"), g_agency=F("agency__name"),
        g_since=F("due_on"), g_by=F("frequency"), g_source=Value("visit", output_field=CharField()))
    both = quiet.order_by().values(*_OUTREACH_COLUMNS).union(visits.order_by().values(*_OUTREACH_COLUMNS), all=True)
    rows = list(both.order_by("g_since", "g_source", "g_pk")[offset:offset + limit])
    return rows, _outreach_total(today)


def _outreach_total(today: date) -> int:
    return _quiet_outreach(today).count() + _overdue_visits(today).count()


# kind -> its heading, in the list's order
GAP_KINDS = {
    "no_lead": "主担当機関のない複合課題世帯",
    "declined": "つなぎ先がすべて辞退したケース",
    "unanswered": "回答期日を過ぎたつなぎ",
    "followups": "期限を過ぎたフォローアップ",
    "info_only": "「情報提供で終了」した複合課題世帯",
    "outreach": "アウトリーチの対象（30日以上訪問なし・訪問予定日を過ぎた訪問）",
}


def _kind_rows(kind: str, today: date, offset: int, limit: int, households: list | None) -> tuple[list, int]:
    """One kind's rows offset..offset+limit, oldest first (as plain values), and its total: one query (the two
    household kinds share `households`, read once by the caller; the outreach kind, three)."""
    if kind in ("no_lead", "info_only"):
        chosen = ([h for h in households or [] if not h["info_only"]] if kind == "no_lead"
                  else [h for h in households or [] if h["info_only"]][::-1])  # info_only: the latest first
        return chosen[offset:offset + limit], len(chosen)
    if kind == "outreach":
        return _outreach_kind(today, offset, limit)
    qs, order = {
        "declined": lambda: (_declined_everywhere(), ("last_declined", "case_id")),
        "unanswered": lambda: (_unanswered(today), ("due_on", "pk")),
        "followups": lambda: (_overdue_followups(today), ("oldest", "case_id")),
    }[kind]()
    return _window(qs, order, offset, limit)


def _sections(actor, today: date, kinds: list[str], offset: int, limit: int, path: str) -> list[GapSection]:
    """The kinds' rows with the names the actor may read (one query per kind, one per kind of name), the names
    logged as a list read."""
    found = gaps.kept(("sections", ",".join(kinds), offset, limit), today, lambda: _found(today, kinds, offset, limit))
    case_ids = ({r["case_id"] for kind in ("declined", "unanswered", "followups") if kind in found for r in found[kind][0]}
                | {o["g_case"] for o in found.get("outreach", ([], 0))[0] if o["g_case"]})
    household_ids = ({h["pk"] for kind in ("no_lead", "info_only") if kind in found for h in found[kind][0]}
                     | {o["g_household"] for o in found.get("outreach", ([], 0))[0]
                        if o["g_household"] and o["g_source"] == "outreach"})
    cases, named_households = _names(actor, case_ids, household_ids)
    policy.log_reads(actor, [*cases.values(), *named_households.values()], action="list", path=path)
    return [GapSection(kind, GAP_KINDS[kind], [_BUILDERS[kind](r, cases, named_households) for r in rows], total)
            for kind, (rows, total) in found.items()]


def _found(today: date, kinds: list[str], offset: int, limit: int) -> dict[str, tuple[list, int]]:
    """Each kind's rows (plain values) and total — the same for every reader, kept per process (followups.gaps)."""
    households = _households_without_lead(today) if {"no_lead", "info_only"} & set(kinds) else None
    return {kind: _kind_rows(kind, today, offset, limit, households) for kind in kinds}


def gap_sections(actor, today: date | None = None) -> list[GapSection]:
    """The 制度の狭間 list's overview: every kind with its GAP_PREVIEW oldest rows and its total. Each row says why
    it is there and what would take it off. Constant query count: one query per kind (its first rows as plain
    values, with the count), one per kind of name, one write to the access log."""
    return _sections(actor, today or timezone.localdate(), list(GAP_KINDS), 0, GAP_PREVIEW, reverse("followups:gaps"))


def gap_section(actor, kind: str, number: int, today: date | None = None) -> tuple[GapSection, Page]:
    """One kind's page `number` (GAP_PAGE rows, oldest first — 情報提供で終了, latest first; a page past the end gives
    the last one), and the Page for the pagination links. KeyError for an unknown kind."""
    if kind not in GAP_KINDS:
        raise KeyError(kind)
    today = today or timezone.localdate()
    number = max(1, number)
    path = reverse("followups:gaps_kind", args=[kind])
    section = _sections(actor, today, [kind], (number - 1) * GAP_PAGE, GAP_PAGE, path)[0]
    last = max(1, -(-section.total // GAP_PAGE))
    if number > last:
        return gap_section(actor, kind, last, today)
    paginator = Paginator(range(section.total), GAP_PAGE)
    return section, Page(section.rows, number, paginator)


def _household_label(pk: int, agency_name: str, households) -> tuple[str, str]:
    if pk in households:
        return households[pk].name, reverse("people:household_detail", args=[pk])
    return _hidden(agency_name), ""


def _case_label(case_id: int, agency_name: str, cases) -> tuple[str, str]:
    if case_id in cases:
        return cases[case_id].label, reverse("cases:case_detail", args=[case_id])
    return _hidden(agency_name), ""


def _issue_labels(fields) -> str:
    labels = dict(Field.choices)
    return "・".join(labels.get(f, f) for f in fields or [])


def _no_lead_row(h, cases, households) -> GapRow:
    label, url = _household_label(h["pk"], h["agency__name"], households)
    return GapRow("no_lead", label, h["agency__name"], h["last_contact"],
                  "複合課題世帯（" + _issue_labels(h["multi_issue_fields"]) + "）だが、支援ケースを開いている機関がない。",
                  "いずれかの機関が支援ケースを開き、主担当機関になる（決まらなければ支援会議で検討）。", url)


def _info_only_row(h, cases, households) -> GapRow:
    label, url = _household_label(h["pk"], h["agency__name"], households)
    return GapRow("info_only", label, h["agency__name"], h["last_contact"],
                  "複合課題世帯だが、この1年の相談が「情報提供で終了」になっている。",
                  "もう一度連絡をとり、継続支援（支援ケース）につなぐ。", url)


def _declined_row(c, cases, households) -> GapRow:
    agency = c["case__lead_agency__name"]
    label, url = _case_label(c["case_id"], agency, cases)
    last = c["last_declined"]
    return GapRow("declined", label, agency, timezone.localdate(last) if last else None,
                  f"つなぎ {c['declined']} 件がすべて辞退され、受け入れた機関がない。",
                  "別の機関へのつなぎが受理される、または支援会議で役割分担を決める。", url)


def _unanswered_row(r, cases, households) -> GapRow:
    label, url = _case_label(r["case_id"], r["from_agency__name"], cases)
    return GapRow("unanswered", label, f"{r['from_agency__name']} → {r['to_agency__name']}", r["due_on"],
                  f"回答期日（{r['due_on']:%Y-%m-%d}）を過ぎても {r['to_agency__name']} から回答がない。",
                  "依頼先が受理または辞退（理由つき）を回答する。", url)


def _followup_row(f, cases, households) -> GapRow:
    label, url = _case_label(f["case_id"], f["agency__name"], cases)
    return GapRow("followups", label, f["agency__name"], f["oldest"],
                  f"フォローアップ {f['n']} 件が予定日を過ぎても記録されていない（最も古い予定 {f['oldest']:%Y-%m-%d}）。",
                  "担当機関が連絡をとり、結果を記録する（連絡がとれなかった場合もそのように記録）。", url)


def _outreach_row(o, cases, households) -> GapRow:
    if o["g_source"] == "visit":
        return _visit_row(o, cases)
    if o["g_household"] and o["g_household"] in households:
        label, url = households[o["g_household"]].name, reverse("followups:outreach_detail", args=[o["g_pk"]])
    else:
        label, url = _hidden(o["g_agency"]), ""
    noticed_by = NoticedBy(o["g_by"]).label if o["g_by"] in NoticedBy.values else o["g_by"]
    return GapRow("outreach", label, o["g_agency"], o["g_since"],
                  f"{noticed_by}からの気づき（{o['g_since']:%Y-%m-%d}）があるが、30日以上訪問していない。",
                  "訪問して様子を記録する。本人とつながったら「つながった」にする。", url)


def _visit_row(o, cases) -> GapRow:
    label, url = _case_label(o["g_case"], o["g_agency"], cases)
    frequency = VisitFrequency(o["g_by"]).label if o["g_by"] in VisitFrequency.values else o["g_by"]
    return GapRow("outreach", label, o["g_agency"], o["g_since"],
                  f"訪問予定日（{o['g_since']:%Y-%m-%d}）を過ぎても訪問の記録がない（訪問頻度: {frequency}）。",
                  "担当者が訪問して記録する（次回の訪問予定が立つ）。", url)


_BUILDERS = {"no_lead": _no_lead_row, "declined": _declined_row, "unanswered": _unanswered_row,
             "followups": _followup_row, "info_only": _info_only_row, "outreach": _outreach_row}


def gap_total(today: date | None = None) -> int:
    """For the coordinator's dashboard badge: overdue follow-ups (one per case), unanswered referrals, quiet
    outreach and overdue visits — one query, the last three counted in subqueries."""
    today = today or timezone.localdate()
    return gaps.kept(("total",), today, lambda: _gap_total(today))  # kept as the list's rows are (followups.gaps)


def _gap_total(today: date) -> int:
    referrals = Referral.objects.filter(status=ReferralStatus.REQUESTED, due_on__lt=today)
    total = FollowUp.objects.filter(status=FollowUpStatus.PLANNED, due_on__lt=today).aggregate(
        n=Count("case_id", distinct=True) + _count(referrals) + _count(_quiet_outreach(today))
        + _count(_overdue_visits(today)))["n"]
    return total or 0


def _count(qs: QuerySet) -> Subquery:
    """COUNT(*) of `qs` as a scalar subquery (a constant group: one row, 0 when empty)."""
    return Subquery(qs.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n"),
                    output_field=IntegerField())


def case_panel(case: Case, actor) -> dict:
    """For the case page's follow-up panel (the caller has read `case` through the policy): its follow-ups and the
    acting agency's 訪問計画 on it."""
    return {"case": case, "followups": list(case.followups.order_by("due_on", "pk")[:24]),
            "visit_plan": VisitPlan.objects.filter(case=case, agency_id=actor.agency_id).first(),
            "today": timezone.localdate(), "may_edit": policy.may_edit(case, actor)}


# ---- 訪問計画 ----


def _with_cases(actor, plans: list[VisitPlan]) -> list[VisitPlan]:
    """Of `plans`, those whose case the actor may see; each `.case` the policy's row with its basis, its person or
    household loaded (one query)."""
    cases = {c.pk: c for c in _cases_checked(actor, {p.case_id for p in plans}, names_only=False)}
    shown = []
    for plan in plans:
        if plan.case_id in cases:
            plan.case = cases[plan.case_id]
            shown.append(plan)
    return shown


def overdue_visits(actor, *, limit: int = 8) -> tuple[list[VisitPlan], int]:
    """The acting agency's visits past their date on cases the actor may see (oldest first, up to `limit`), and how
    many of its visits are overdue in all (a number only, for the badge). Three queries."""
    overdue = VisitPlan.objects.filter(agency_id=actor.agency_id, due_on__lt=timezone.localdate())
    rows = list(overdue.select_related("staff").order_by("due_on", "pk")[:limit])
    if not rows:
        return [], 0
    return _with_cases(actor, rows), overdue.count()


@dataclass
class RouteStop:
    """One visit of a day's 訪問予定表: the plan, whom to visit (the persons the actor may see) and where."""

    plan: VisitPlan
    name: str
    address: str
    persons: list
    household: Household | None = None  # the household row, when the actor may see it


def day_route(actor, day: date) -> list[RouteStop]:
    """The worker's 訪問予定表 for `day`: her visits due by then (overdue ones included), in the order she gave them,
    on cases she may see. A household visit names the current members she may see (`policy.checked_rows`). The
    caller logs `route_reads(stops)`. Three queries."""
    plans = list(VisitPlan.objects.filter(agency_id=actor.agency_id, staff=actor.staff, due_on__lte=day)
                 .order_by("route_position", "due_on", "pk")[:100])
    plans = _with_cases(actor, plans)
    household_ids = {p.case.household_id for p in plans if p.case.household_id}
    members: dict[int, list[Person]] = {}
    for m in (HouseholdMember.objects.filter(household_id__in=household_ids, left_on__isnull=True)
              .select_related("person").order_by("-is_head", "person__birth_date", "pk")):
        members.setdefault(m.household_id, []).append(m.person)
    stops = []
    for plan in plans:
        case = plan.case
        if case.household is not None:
            household = next(iter(policy.checked_rows(actor, [case.household])), None)
            stops.append(RouteStop(plan, household.name if household else case.label, household.address if household else "",
                                   policy.checked_rows(actor, members.get(case.household.pk, [])), household))
        elif case.person is not None:
            stops.append(RouteStop(plan, case.person.name, case.person.address, policy.checked_rows(actor, [case.person])))
    return stops


def route_reads(stops: list[RouteStop]) -> list:
    """Every row a 訪問予定表 shows, once each, for `policy.log_reads`."""
    rows: dict = {}
    for stop in stops:
        rows[("case", stop.plan.case.pk)] = stop.plan.case
        if stop.household is not None:
            rows[("household", stop.household.pk)] = stop.household
        for person in stop.persons:
            rows[("person", person.pk)] = person
    return list(rows.values())

