"""Reads for the workspace: inventory analysis, consolidation proposals, theme summaries, the agency network.

The network reads referral and meeting figures per agency pair only (counts, acceptance, the answer days of
cases.queries), through cases.queries and meetings.queries: no person, case or note is read here, so no sharing
basis is needed and nothing is logged.
"""

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import combinations

from django.db import connection
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Min, Q, QuerySet, When
from django.utils import timezone

from tsunagu.agencies.models import Agency, AgencyKind
from tsunagu.cases.queries import ReferralFlow, referral_flows
from tsunagu.core import fiscal, versions
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
# What the page shows of a 政令市's network: among its 60 agencies every pair refers (3,540 pairs) and shares a meeting
# (1,770). The graph draws the busiest pairs of each kind — past some thirty lines among 60 names it is no longer
# read — and the table lists the same referral pairs, every pair on demand (all of them made the page 609 KB, 0.9 s).
BUSIEST_PAIRS = 30


def layer_of(agency: Agency) -> str:
    if agency.kind in _PARTICIPATION_KINDS:
        return "participation"
    if agency.kind in _COMMUNITY_KINDS:
        return "community"
    return "consultation"


# The pairs of agencies in each group (a 会議・研修一覧 entry, a meeting), counted over the groups: the groups' rows
# are the querysets' own SQL (`shared_meetings`), every value a parameter.
_SHARED_MEETINGS_SQL = (
    "WITH entry_agency (grp, agency) AS ({entries}), meeting_agency (grp, agency) AS ({members}), "
    "pair (a, b) AS (SELECT x.agency, y.agency FROM entry_agency x JOIN entry_agency y ON x.grp = y.grp AND x.agency < y.agency "
    "UNION ALL SELECT x.agency, y.agency FROM meeting_agency x JOIN meeting_agency y ON x.grp = y.grp AND x.agency < y.agency) "
    "SELECT a, b, COUNT(*) AS n, COUNT(*) OVER () FROM pair GROUP BY a, b ORDER BY n DESC, a, b"
)


def shared_meetings(fiscal_year: int, *, excluding: Collection[int] = (),
                    busiest: int | None = None) -> tuple[dict[tuple[int, int], int], int]:
    """Meetings two agencies both attend, per pair of agencies (the smaller id first) without the agencies `excluding`:
    the `busiest` pairs (the most meetings first, then by the agencies' ids; every pair when None) in that order, and
    how many pairs there are in all. The meetings are the year's 会議・研修一覧 — an entry reported twice (by its name
    and host) counted once, its host attending — and the meetings' current members.

    Counted by the database in one query (each meeting's agencies joined with themselves): a 政令市's 600 entries'
    pairs counted in Python cost the network 10–20 ms, ten times the city's."""
    entries = MeetingInventory.objects.filter(fiscal_year=fiscal_year).order_by()
    first = entries.values("name", "host_id").annotate(first=Min("pk")).values("first")
    attending = MeetingInventory.attending.through.objects.filter(meetinginventory_id__in=first).order_by()
    hosts = entries.filter(pk__in=first)
    members = member_agencies_by_meeting()
    if excluding:
        attending, hosts = attending.exclude(agency_id__in=excluding), hosts.exclude(host_id__in=excluding)
        members = members.exclude(agency_id__in=excluding)
    entry_sql, entry_params = (attending.values_list("meetinginventory_id", "agency_id")
                               .union(hosts.values_list("pk", "host_id")).query.sql_with_params())
    member_sql, member_params = members.query.sql_with_params()
    sql = _SHARED_MEETINGS_SQL.format(entries=entry_sql, members=member_sql) + (" LIMIT %s" if busiest is not None else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*entry_params, *member_params, *([busiest] if busiest is not None else [])])
        rows = cursor.fetchall()
    return {(a, b): n for a, b, n, _ in rows}, rows[0][3] if rows else 0


def _network_agencies() -> tuple[list[Agency], list[int]]:
    """The agencies the network shows (the active ones), and the others' ids: the pairs leave those out."""
    agencies = list(Agency.objects.filter(active=True).only("pk", "name", "kind"))
    return agencies, list(Agency.objects.filter(active=False).values_list("pk", flat=True))


# The network's answers, computed by one process and read by every other from the database while the `network`
# token is unchanged — written by every save and delete of what they are counted from (`NETWORK_READS`, connected in
# workspace.apps) — and ten minutes at most, for writes that bypass the signals (bulk loads). Agencies' names and
# figures only, never a person. A year of a 政令市's 60,000 referrals and 600 meetings costs the counting 35–50 ms; a
# planner reading the network, its table and its graph asks it three times in a row.
NETWORK_READS = ("cases.Referral", "agencies.Agency", "meetings.MeetingMember", "workspace.MeetingInventory")
_kept = versions.Shared(versions.NETWORK, size=100, max_age=600.0)


def network_changed(**kwargs: object) -> None:
    """Connected (workspace.apps) to every write of `NETWORK_READS` and of the 会議・研修一覧's attending agencies."""
    versions.changed(versions.NETWORK)


def network(fiscal_year: int, *, busiest: int | None = BUSIEST_PAIRS) -> dict:
    """Nodes and edges for cytoscape: every active agency, the `busiest` pairs of agencies by referrals and by shared
    meetings (every pair when None: the API's), and how many pairs there are of each (`pairs`), so that the page says
    what the graph leaves out."""
    return _kept.get(f"graph:{fiscal_year}:{busiest}", lambda token: _network(fiscal_year, busiest))


def _network(fiscal_year: int, busiest: int | None) -> dict:
    agencies, inactive = _network_agencies()
    flows, referral_pairs = referral_flows(*fiscal.fiscal_year_span(fiscal_year), excluding=inactive, busiest=busiest)
    meetings, meeting_pairs = shared_meetings(fiscal_year, excluding=inactive, busiest=busiest)
    nodes = [{"data": {"id": f"a{a.pk}", "label": a.name, "kind": a.get_kind_display(), "layer": layer_of(a)}} for a in agencies]
    edges = []
    for (src, dst), f in flows.items():
        edges.append({"data": {"id": f"r{src}-{dst}", "source": f"a{src}", "target": f"a{dst}", "type": "referral",
                               **_flow_figures(f)}})
    for (a, b), n in meetings.items():
        edges.append({"data": {"id": f"m{a}-{b}", "source": f"a{a}", "target": f"a{b}", "type": "meeting", "count": n}})
    return {"nodes": nodes, "edges": edges, "layers": LAYERS, "pairs": {"referral": referral_pairs, "meeting": meeting_pairs}}


def _flow_figures(flow: ReferralFlow) -> dict:
    """What the graph's edge and the table's row show of a referral pair."""
    answers = flow.answer_days
    return {"count": flow.count, "acceptance": flow.acceptance, "answer_days": answers.median,
            "unanswered": answers.unanswered}


@dataclass(frozen=True)
class ReferralPairs:
    """The network page's table: the busiest referral pairs' rows, and how many pairs there are (referral) and how
    many share a meeting (meeting), for the notes on what the table and the graph leave out."""

    rows: list[dict]
    referral: int
    meeting: int


def referral_pairs(fiscal_year: int, *, busiest: int | None = BUSIEST_PAIRS) -> ReferralPairs:
    """The table below the network: the `busiest` referral pairs (all when None), each with its agencies' names and
    the figures the graph's edges carry (kept as `network`'s answers are)."""
    return ReferralPairs(**_kept.get(f"pairs:{fiscal_year}:{busiest}",
                                     lambda token: asdict(_referral_pairs(fiscal_year, busiest))))


def _referral_pairs(fiscal_year: int, busiest: int | None) -> ReferralPairs:
    agencies, inactive = _network_agencies()
    names = {a.pk: a.name for a in agencies}
    flows, pairs = referral_flows(*fiscal.fiscal_year_span(fiscal_year), excluding=inactive, busiest=busiest)
    rows = []
    for (src, dst), f in flows.items():
        rows.append({"source": names[src], "target": names[dst], **_flow_figures(f)})
    _, meeting = shared_meetings(fiscal_year, excluding=inactive, busiest=1)  # for its number of pairs only
    return ReferralPairs(rows, pairs, meeting)


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
