"""Reads for the workspace: inventory analysis, consolidation proposals, theme summaries, the agency network.

The network reads referral and meeting figures per agency pair only (counts, acceptance, the answer days of
cases.queries), through cases.queries and meetings.queries: no person, case or note is read here, so no sharing
basis is needed and nothing is logged.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, QuerySet, When
from django.utils import timezone

from tsunagu.agencies.models import Agency, AgencyKind
from tsunagu.cases.queries import referral_flows
from tsunagu.core import fiscal
from tsunagu.meetings.queries import member_agencies_by_meeting

from . import text
from .models import (
    TIME_ACTIVITIES,
    ActivityStatus,
    Mark,
    MeetingInventory,
    RoadmapActivity,
    TaskInventory,
    TaskInventoryColumn,
    TaskRow,
    WorksheetResponse,
    Workshop,
)

# ---- 業務棚卸 analysis -------------------------------------------------------------------------------------


@dataclass
class ColumnStats:
    column: TaskInventoryColumn
    own_done: int = 0
    own_not_done: int = 0
    anyone: int = 0
    not_done_tasks: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.own_done + self.own_not_done + self.anyone

    @property
    def anyone_share(self) -> float:
        return self.anyone / self.total if self.total else 0.0

    @property
    def is_support_role(self) -> bool:
        return is_support_role(self.column.job_role)


@dataclass
class Delegation:
    row: TaskRow
    professionals: list  # columns of professionals who carry this ○ task
    candidates: list  # support-role columns that could take it


@dataclass
class InventoryAnalysis:
    inventory: TaskInventory
    columns: list
    rows: list
    stats: list[ColumnStats]
    delegations: list[Delegation]
    time_uses: list
    role_time: list  # [(role name, {activity: mean hours}, n)]
    previous: "InventoryAnalysis | None" = None

    def previous_stats_for(self, stats: ColumnStats) -> ColumnStats | None:
        if not self.previous:
            return None
        return next((s for s in self.previous.stats if s.column.job_role_id == stats.column.job_role_id), None)


def is_support_role(job_role) -> bool:
    """Clerical and dual-role staff who could take work that needs no professional (the seed's 事務員・プランナー)."""
    return not job_role.is_professional or "事務" in job_role.name


def inventory_load(inventory: TaskInventory) -> tuple[list, list]:
    columns = list(inventory.columns.select_related("job_role"))
    rows = list(inventory.rows.all())
    return columns, rows


def inventory_analysis(inventory: TaskInventory, *, with_previous: bool = True) -> InventoryAnalysis:
    columns, rows = inventory_load(inventory)
    stats = _column_stats(columns, rows)
    time_uses = list(inventory.time_uses.select_related("job_role"))
    analysis = InventoryAnalysis(
        inventory=inventory, columns=columns, rows=rows, stats=stats,
        delegations=_delegations(columns, rows), time_uses=time_uses, role_time=_role_time(time_uses),
    )
    if with_previous:
        prior = TaskInventory.objects.filter(agency_id=inventory.agency_id, fiscal_year=inventory.fiscal_year - 1).first()
        analysis.previous = inventory_analysis(prior, with_previous=False) if prior else None
    return analysis


def _column_stats(columns, rows) -> list[ColumnStats]:
    stats = {str(c.pk): ColumnStats(column=c) for c in columns}
    for row in rows:
        for key, mark in row.marks.items():
            s = stats.get(key)
            if s is None:
                continue
            if mark == Mark.OWN_DONE:
                s.own_done += 1
            elif mark == Mark.OWN_NOT_DONE:
                s.own_not_done += 1
                s.not_done_tasks.append(row)
            elif mark == Mark.ANYONE:
                s.anyone += 1
    return list(stats.values())


def _delegations(columns, rows) -> list[Delegation]:
    """○ work (anyone could do it) carried by professionals, where the agency has a support role to take it."""
    support = [c for c in columns if is_support_role(c.job_role)]
    professionals = [c for c in columns if not is_support_role(c.job_role)]
    if not support:
        return []
    proposals = []
    for row in rows:
        carriers = [c for c in professionals if row.marks.get(str(c.pk)) == Mark.ANYONE]
        if carriers:
            proposals.append(Delegation(row=row, professionals=carriers, candidates=support))
    return proposals


def _role_time(time_uses) -> list:
    grouped = defaultdict(list)
    for t in time_uses:
        grouped[t.job_role.name].append(t)
    result = []
    for role, items in grouped.items():
        means = {a: round(sum(float(t.hours.get(a, 0)) for t in items) / len(items), 2) for a in TIME_ACTIVITIES}
        result.append((role, means, len(items)))
    return result


# ---- 会議・研修一覧: consolidation proposals ----------------------------------------------------------------

TRAVEL_HOURS = 0.5  # a round trip to a meeting, per attendee
PREP_HOURS = 2.0  # the host's preparation per session


@dataclass
class Consolidation:
    a: MeetingInventory
    b: MeetingInventory
    form: str  # 統合 / 共催 / 同日同会場で時間をずらして
    audience_overlap: float
    purpose_similarity: float
    shared_agencies: list
    shared_people: int
    sessions: int
    hours_saved: float
    reasoning: str


def _audience(entry: MeetingInventory) -> set[int]:
    return {a.pk for a in entry.attending.all()} | {entry.host_id}


def consolidation_proposals(fiscal_year: int, *, min_overlap: float = 0.5) -> list[Consolidation]:
    entries = list(
        MeetingInventory.objects.filter(fiscal_year=fiscal_year).select_related("host", "reported_by").prefetch_related("attending")
    )
    names = {a.pk: a.name for e in entries for a in e.attending.all()} | {e.host_id: e.host.name for e in entries}
    proposals = []
    for a, b in combinations(entries, 2):
        proposal = _consider(a, b, names, min_overlap)
        if proposal:
            proposals.append(proposal)
    return sorted(proposals, key=lambda p: -p.hours_saved)


def _consider(a, b, names, min_overlap) -> Consolidation | None:
    if a.name == b.name and a.host_id == b.host_id:
        return None  # the same meeting reported by two agencies
    aud_a, aud_b = _audience(a), _audience(b)
    shared = aud_a & aud_b
    overlap = len(shared) / len(aud_a | aud_b)
    ratio = max(a.times_per_year, b.times_per_year) / max(1, min(a.times_per_year, b.times_per_year))
    if overlap < min_overlap or ratio > 2:
        return None
    purpose = text.similarity(a.purpose, b.purpose)  # the audience is already compared by agency
    sessions = min(a.times_per_year, b.times_per_year)
    per_agency = min(a.attendees / len(aud_a), b.attendees / len(aud_b))
    people = max(1, round(per_agency * len(shared)))
    form, saved, why = _form_and_saving(a, b, purpose, sessions, people)
    return Consolidation(
        a=a, b=b, form=form, audience_overlap=overlap, purpose_similarity=purpose,
        shared_agencies=sorted(names[pk] for pk in shared), shared_people=people, sessions=sessions,
        hours_saved=round(saved, 1), reasoning=why,
    )


def _form_and_saving(a, b, purpose: float, sessions: int, people: int) -> tuple[str, float, str]:
    shorter = min(a.minutes, b.minutes) / 60
    if purpose >= 0.6:
        saved = sessions * (people * (shorter + TRAVEL_HOURS) + PREP_HOURS)
        return "統合", saved, f"{sessions}回 ×（{people}人 ×（{shorter:g}時間＋移動{TRAVEL_HOURS:g}時間）＋準備{PREP_HOURS:g}時間）"
    if purpose >= 0.25:
        saved = sessions * (people * (shorter / 2 + TRAVEL_HOURS) + PREP_HOURS / 2)
        return "共催", saved, f"{sessions}回 ×（{people}人 ×（重なる議題{shorter / 2:g}時間＋移動{TRAVEL_HOURS:g}時間）＋準備{PREP_HOURS / 2:g}時間）"
    saved = sessions * people * TRAVEL_HOURS
    return "同日同会場で時間をずらして", saved, f"{sessions}回 × {people}人 × 移動{TRAVEL_HOURS:g}時間"


# ---- workshops ---------------------------------------------------------------------------------------------


def workshops_by_date(fiscal_year: int | None = None) -> QuerySet:
    """研修・ワークショップ as a planner reads them: those still to come first, the next one at the top (the one she
    is preparing: invitations, worksheets), then those held, the latest first (the one whose answers she is
    summarising). `upcoming` marks the two groups. Counted rows (`n_responses`, `n_invited`) lose the model's
    ordering in a GROUP BY, so the order is stated here."""
    today = timezone.localdate()
    qs = Workshop.objects.all() if fiscal_year is None else Workshop.objects.filter(fiscal_year=fiscal_year)
    return qs.annotate(
        n_responses=Count("responses", distinct=True), n_invited=Count("invitations", distinct=True),
        upcoming=ExpressionWrapper(Q(held_on__gte=today), output_field=BooleanField()),
    ).order_by("-upcoming", Case(When(held_on__gte=today, then=F("held_on"))).asc(), F("held_on").desc(),
               F("starts_at").asc(nulls_first=True), "pk")


# ---- worksheet summaries -----------------------------------------------------------------------------------


def workshop_answers(workshop, *, template=None) -> list[text.Answer]:
    """Every text answer, without who wrote it: the respondent fields are never even loaded."""
    responses = WorksheetResponse.objects.filter(workshop=workshop).only("pk", "answers", "terms", "template_id")
    if template is not None:
        responses = responses.filter(template=template)
    answers = []
    for r in responses:
        for key, value in r.answers.items():
            if isinstance(value, str) and value:
                answers.append(text.Answer(r.pk, key, value, frozenset(r.terms.get(key) or text.terms_of(value))))
    return answers


def workshop_summary(workshop) -> list[dict]:
    """Per worksheet and question, the answers in a stable shuffled-by-id order (never by respondent)."""
    responses = list(WorksheetResponse.objects.filter(workshop=workshop).only("pk", "answers", "template_id"))
    sections = []
    for template in workshop.templates.all():
        mine = [r for r in responses if r.template_id == template.pk]
        questions = []
        for q in template.questions:
            values = [r.answers.get(q["key"]) for r in mine]
            if q.get("kind") == "rows":
                values = [row for v in values for row in (v or [])]
            else:
                values = sorted((v for v in values if v), key=lambda v: (len(v), v))
            questions.append({"question": q, "answers": values})
        sections.append({"template": template, "count": len(mine), "questions": questions})
    return sections


def term_frequencies(answers: list[text.Answer], limit: int = 30) -> list[tuple[str, int]]:
    return Counter(t for a in answers for t in a.terms).most_common(limit)


# ---- the network (グランドデザイン) ------------------------------------------------------------------------

LAYERS = {"consultation": "相談支援", "participation": "参加支援", "community": "地域づくり"}
_PARTICIPATION_KINDS = {AgencyKind.HUB, AgencyKind.NPO}
_COMMUNITY_KINDS = {AgencyKind.SOCIAL_WELFARE_COUNCIL, AgencyKind.COMMUNITY_GROUP, AgencyKind.UNIVERSITY}


def layer_of(agency: Agency) -> str:
    if agency.kind in _PARTICIPATION_KINDS:
        return "participation"
    if agency.kind in _COMMUNITY_KINDS:
        return "community"
    return "consultation"


def shared_meetings(fiscal_year: int) -> Counter:
    """Meetings two agencies both attend: from the 会議・研修一覧 and the meetings' current members."""
    pairs: Counter = Counter()
    # ids only, in two queries: a 政令市's 会議・研修一覧 of hundreds of entries read as model instances took longer
    # than the pairs' counting
    attending: defaultdict[int, set[int]] = defaultdict(set)
    through = MeetingInventory.attending.through.objects.filter(meetinginventory__fiscal_year=fiscal_year)
    for entry_id, agency_id in through.values_list("meetinginventory_id", "agency_id"):
        attending[entry_id].add(agency_id)
    seen_names = set()
    for entry_id, name, host_id in MeetingInventory.objects.filter(fiscal_year=fiscal_year).values_list("pk", "name", "host_id"):
        key = (name, host_id)
        if key in seen_names:
            continue
        seen_names.add(key)
        _count_pairs(pairs, attending[entry_id] | {host_id})
    for agencies in member_agencies_by_meeting():
        _count_pairs(pairs, agencies)
    return pairs


def _count_pairs(pairs: Counter, agencies: set[int]) -> None:
    for a, b in combinations(sorted(agencies), 2):
        pairs[(a, b)] += 1


def network(fiscal_year: int) -> dict:
    """Nodes and edges for cytoscape, and the same figures for the table shown beside it."""
    agencies = list(Agency.objects.filter(active=True).only("pk", "name", "kind"))
    ids = {a.pk for a in agencies}
    flows = referral_flows(*fiscal.fiscal_year_span(fiscal_year))
    meetings = shared_meetings(fiscal_year)
    nodes = [{"data": {"id": f"a{a.pk}", "label": a.name, "kind": a.get_kind_display(), "layer": layer_of(a)}} for a in agencies]
    edges = []
    for (src, dst), f in sorted(flows.items()):
        if src in ids and dst in ids:
            answers = f.answer_days
            edges.append({"data": {
                "id": f"r{src}-{dst}", "source": f"a{src}", "target": f"a{dst}", "type": "referral", "count": f.count,
                "acceptance": f.acceptance, "answer_days": answers.median, "unanswered": answers.unanswered,
            }})
    for (a, b), n in sorted(meetings.items()):
        if a in ids and b in ids:
            edges.append({"data": {"id": f"m{a}-{b}", "source": f"a{a}", "target": f"a{b}", "type": "meeting", "count": n}})
    return {"nodes": nodes, "edges": edges, "layers": LAYERS}


# ---- dashboard -----------------------------------------------------------------------------------------------


def roadmap_due(today: date) -> tuple[list, list]:
    """Activities not yet 完了: those ending this month, and those whose end month has passed (earlier years too)."""
    year, position = fiscal.fiscal_year(today), fiscal.FISCAL_MONTHS.index(today.month)
    open_ones = RoadmapActivity.objects.filter(fiscal_year__lte=year).exclude(status=ActivityStatus.DONE).order_by("fiscal_year", "step", "order", "pk")
    due, overdue = [], []
    for a in open_ones:
        end = fiscal.FISCAL_MONTHS.index(a.end_month)
        if a.fiscal_year < year or end < position:
            overdue.append(a)
        elif end == position:
            due.append(a)
    return due, overdue


def inventory_status(agency_id: int, fiscal_year: int) -> dict | None:
    """The agency's 業務棚卸表 of the year in figures: tasks, × and delegation proposals (None when there is none)."""
    inventory = TaskInventory.objects.filter(agency_id=agency_id, fiscal_year=fiscal_year).select_related("agency").first()
    if inventory is None:
        return None
    columns, rows = inventory_load(inventory)
    stats = _column_stats(columns, rows)
    return {
        "inventory": inventory, "tasks": len(rows), "roles": len(columns),
        "not_done": sum(s.own_not_done for s in stats), "delegations": len(_delegations(columns, rows)),
        "time_uses": inventory.time_uses.count(),
    }
