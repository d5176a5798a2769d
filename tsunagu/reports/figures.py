"""The yearly figures the municipality reports (J12), per month of the 年度 and per agency.

Counts only: no person is named, so nothing here goes through the sharing policy or the access log. Each figure
is one aggregate query over the year (grouped by agency and month); the people figures also count each person or
household once over the year, which is not the sum of the months.

    新規相談受付件数        consultations received (受付日), by the receiving agency
    複合課題世帯数（受付で把握）
                            households the receiving agency flagged 複合課題 at its own intake
                            (people.Household.multi_issue) with a consultation received, by that agency (each
                            once); not the 名寄せ's flag across agencies (tsunagu.rules.household says why)
    プラン作成件数          support plans first made (第1版), by the agency that made them
    プラン見直し件数        later revisions of a plan
    支援会議 開催回数       sittings held of the 支援会議 (marked 開催済み, dated today or before), by the convening
                            agency
    重層的支援会議 開催回数 the same, of the 重層的支援会議
    つなぎ件数              referrals sent (依頼日), by the sending agency
    つなぎの回答日数        calendar days from sending to the first 受理 or 辞退, median of those answered
                            (cases.queries.referral_answer_days, as on the workspace's network page)
    つなぎの未回答件数      referrals sent and still waiting for an answer, not in the median
    参加支援の人数          persons whose 参加支援 placement started, by the agency that made it (each once)
    協力事業者数            the organizations (運営団体) of the resources hosting those placements (each once)
    地域づくりの拠点数      the 地域づくりの拠点 (resources.CommunityPlace) where an activity was recorded in the month,
                            by the agency running it (each once)
    地域づくりの参加者数    the activities' monthly 延べ参加者数, summed
    地域づくりの参加機関数  the agencies taking part in those activities (each once)

Each process keeps the figures it computed while the data they count is unchanged: every write to a counted table
(`COUNTED`, connected in reports.apps) writes a new `figures` token (`core.versions`), read once per computation, so a
reader never sees figures older than the last committed write.

Archived consultations and those taken back (取消: `Consultation.voided_at`, recorded by mistake) are left out of
both consultation figures; everything else counts, the 要保護児童対策地域協議会 compartment included: the figures
are the whole of each agency's work, and no row is shown.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict

from django.db import NotSupportedError
from django.db.models import CharField, Count, DateTimeField, F, Func, Model, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import is_planner
from tsunagu.cases.models import Consultation, Referral, ReferralStatus, SupportPlan
from tsunagu.cases.queries import ReferralAnswer, referral_answer_days, referral_answers
from tsunagu.core import versions
from tsunagu.core.fiscal import EARLIEST_YEAR, fiscal_year_bounds, fiscal_year_label, fiscal_year_span, month_starts
from tsunagu.meetings.models import MeetingKind, Sitting, SittingStatus
from tsunagu.participation.models import Placement
from tsunagu.resources.models import ActivityAgency, ActivityMonth

# Every table a figure reads, its rows or the columns it groups them by (`sources`), by label: a write to one of
# them changes the figures' token (reports.apps connects each model's save and delete to `figures_changed`).
COUNTED = ("cases.Consultation", "people.Household", "cases.SupportPlan", "meetings.Sitting", "meetings.Meeting",
           "cases.Referral", "participation.Placement", "resources.Service", "resources.CommunityActivity",
           "resources.ActivityMonth", "resources.ActivityAgency", "agencies.Agency")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    distinct: bool = False  # persons or households: the year counts each once
    median: bool = False  # a median of days, not a count
    from_answers: bool = False  # read from the referrals' answers (`_answer_days`), not counted row by row
    rows: str = ""  # what its row list (reports.rows) shows: consultation, household, plan, sitting, referral, person
    fewer_is_better: bool = False  # a target on it is a ceiling (days to answer, referrals left waiting)
    since: int = EARLIEST_YEAR  # the 年度 this definition took effect (定義の適用年度)
    source: str = ""  # the rows it counts, a key of `sources` (its own key unless a definition changed them)

    @property
    def source_key(self) -> str:
        return self.source or self.key


FIGURES = [
    Figure("consultations", "新規相談受付件数", "件", rows="consultation"),
    Figure("multi_issue_households", "複合課題世帯数（受付で把握）", "世帯", distinct=True,  # MULTI_ISSUE_AT_INTAKE
           rows="household"),
    Figure("plans", "プラン作成件数", "件", rows="plan"),
    Figure("plan_revisions", "プラン見直し件数", "件", rows="plan"),
    Figure("support_meetings", "支援会議 開催回数", "回", rows="sitting"),
    Figure("multi_agency_meetings", "重層的支援会議 開催回数", "回", rows="sitting"),
    Figure("referrals", "つなぎ件数", "件", rows="referral"),
    Figure("answer_days", "つなぎの回答日数（中央値）", "日", median=True, from_answers=True, rows="referral",
           fewer_is_better=True),
    Figure("unanswered_referrals", "つなぎの未回答件数", "件", from_answers=True, rows="referral", fewer_is_better=True),
    Figure("participants", "参加支援の人数", "人", distinct=True, rows="person"),
    Figure("cooperating_businesses", "協力事業者数（参加支援）", "事業者", distinct=True, rows="organization"),
    Figure("community_places", "地域づくりの拠点数", "か所", distinct=True, rows="place"),
    Figure("community_participants", "地域づくりの参加者数（延べ）", "人", rows="activity_month"),
    Figure("community_agencies", "地域づくりの参加機関数", "機関", distinct=True, rows="agency"),
]
BY_KEY = {f.key: f for f in FIGURES}  # the definitions in force now
# Definitions a later one replaced, each with the 年度 it took effect: a changed definition is a new Figure with the
# same key, a later `since` and (if it counts other rows) its own `source`; the one it replaces moves here, so the
# years before the change are still counted as they were. None has changed yet.
EARLIER: list[Figure] = []


def figures_of(fiscal_year: int) -> list[Figure]:
    """The figures of a 年度, each by the definition in force that year (the latest that took effect by then); a
    figure first defined after the year is not among them."""
    found = []
    for current in FIGURES:
        candidates = [f for f in (current, *EARLIER) if f.key == current.key and f.since <= fiscal_year]
        if candidates:
            found.append(max(candidates, key=lambda f: f.since))
    return found
NOT_YET = ""  # a month of the year still to come

Value = int | float  # a count, or a median of days
Cell = Value | None  # None: a median with nothing answered


class MonthRow(TypedDict):
    figure: Figure
    months: list[Cell | str]  # str: NOT_YET
    year: Cell


class AgencyRow(TypedDict):
    agency: Agency
    values: list[Cell]


def agency_in_scope(actor: Actor, wanted: int | str | None) -> tuple[Agency | None, bool]:
    """Whose figures the actor reads (None: every agency together), and whether that is what she asked for.
    The planner (tsunagu.agencies.permissions.is_planner) may ask for every agency or any one; anyone else reads her own."""
    if not is_planner(actor):
        return actor.agency, wanted in (None, "", actor.agency_id, str(actor.agency_id))
    if wanted in (None, ""):
        return None, True
    try:
        agency = Agency.objects.filter(pk=int(wanted)).first()
    except (TypeError, ValueError):
        agency = None
    return agency, agency is not None


@dataclass
class Table:
    """The figures of one 年度: `cells[agency_id][figure][month_start]` and `year[agency_id][figure]`, with
    agency_id None for all agencies together."""

    fiscal_year: int
    agencies: list[Agency]  # the agencies that have any figure, by kana
    figures: list[Figure] = field(default_factory=list)  # the year's definitions (`figures_of`)
    cells: defaultdict[int | None, defaultdict[str, dict[date, Value]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict)))
    year: defaultdict[int | None, dict[str, Value]] = field(default_factory=lambda: defaultdict(dict))
    # for a figure counting each one once: how many were first counted in each month, so that the months add up
    # to the year (the 実施計画's running totals, reports.targets)
    firsts: dict[str, dict[date, int]] = field(default_factory=dict)
    # while this process keeps the table (`yearly_figures`): the state of the data it counts, for caching its page
    state: str = ""

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def months(self) -> list[date]:
        return month_starts(self.fiscal_year)

    def value(self, figure: str, agency_id: int | None = None, month: date | None = None) -> Cell:
        """A count (0 when nothing happened), or for the median a number of days (None when nothing was answered)."""
        empty = None if BY_KEY[figure].median else 0
        if month is None:
            return self.year[agency_id].get(figure, empty)
        return self.cells[agency_id][figure].get(month, empty)

    def rows_by_month(self, agency_id: int | None = None, *, today: date | None = None) -> list[MonthRow]:
        """One row per figure: its label, twelve monthly values and the year's. A month still to come has
        NOT_YET instead of a 0 that would read as "nothing happened"."""
        first_of_this_month = (today or timezone.localdate()).replace(day=1)
        return [{"figure": f, "months": [NOT_YET if m > first_of_this_month else self.value(f.key, agency_id, m)
                                         for m in self.months],
                 "year": self.value(f.key, agency_id)} for f in self.figures]

    def rows_by_agency(self) -> list[AgencyRow]:
        """One row per agency: the year's value of each figure."""
        return [{"agency": a, "values": [self.value(f.key, a.pk) for f in self.figures]} for a in self.agencies]

    def as_json(self) -> dict[str, Any]:
        """The table as plain JSON — numbers, figure keys and agency ids, nothing personal: the form a publication
        keeps (reports.published) and the one `yearly_figures` shares between processes. {"definitions": {key:
        since}, "agencies": [ids], "cells": {agency|all: {key: {month: v}}}, "year": {agency|all: {key: v}},
        "firsts": {key: {month: n}}}"""
        return {
            "definitions": {f.key: f.since for f in self.figures},
            "agencies": [a.pk for a in self.agencies],
            "cells": {_json_key(agency): {key: {m.isoformat(): v for m, v in months.items()}
                                          for key, months in by_key.items()}
                      for agency, by_key in self.cells.items()},
            "year": {_json_key(agency): dict(values) for agency, values in self.year.items()},
            "firsts": {key: {m.isoformat(): n for m, n in months.items()} for key, months in self.firsts.items()},
        }

    def alone(self, agency_id: int) -> "Table":
        """The figures of one agency, as `sources(agency_id=…)` counts them: the same rows, which every agency's
        table counts by agency, so her cells are her total's too. Without firsts: the targets read every agency's."""
        table = Table(self.fiscal_year, agencies=[a for a in self.agencies if a.pk == agency_id], figures=self.figures)
        table.cells[None] = table.cells[agency_id] = self.cells.get(agency_id, defaultdict(dict))
        table.year[None] = table.year[agency_id] = self.year.get(agency_id, {})
        return table

    @classmethod
    def from_json(cls, fiscal_year: int, data: dict[str, Any]) -> "Table":
        """The table `as_json` gave: each figure by the definition it was counted by (one no longer in the 集計
        left out), its agencies read by id, its firsts when the data has them."""
        figures = [_definition(key, since) for key, since in data["definitions"].items() if key in BY_KEY]
        table = cls(fiscal_year, agencies=[], figures=figures)
        for name, by_key in data["cells"].items():
            for key, months in by_key.items():
                table.cells[_agency_id(name)][key] = {date.fromisoformat(m): v for m, v in months.items()}
        for name, values in data["year"].items():
            table.year[_agency_id(name)] = dict(values)
        table.firsts = {key: {date.fromisoformat(m): n for m, n in months.items()}
                        for key, months in data.get("firsts", {}).items()}
        table.agencies = list(Agency.objects.filter(pk__in=data["agencies"]).order_by("kana", "name", "pk"))
        return table


ALL = "all"  # every agency together, in the JSON form of a Table


def _json_key(agency_id: int | None) -> str:
    return ALL if agency_id is None else str(agency_id)


def _agency_id(name: str) -> int | None:
    return None if name == ALL else int(name)


def _definition(key: str, since: int) -> Figure:
    """The definition of `key` that took effect in `since`, or the one in force now."""
    return next((f for f in (*FIGURES, *EARLIER) if f.key == key and f.since == since), BY_KEY[key])


@dataclass(frozen=True)
class Source:
    """What one figure counts over the year: its rows, the column naming the agency each row counts for, the column
    dating it (its month), and for persons and households the column counted once. The figure and its row list
    (`reports.rows`) both read it, so the two cannot drift apart."""

    rows: QuerySet[Any]
    agency: str
    when: str
    distinct: str | None = None
    summed: str | None = None  # a column added up (延べ人数), not rows counted


def sources(fiscal_year: int, *, agency_id: int | None = None, today: date | None = None) -> dict[str, Source]:
    """Every figure's rows in the 年度, for every agency or one. The two answer figures read the referrals together
    (`_answer_days`); their sources say which of those referrals each one rests on."""
    start, end = fiscal_year_bounds(fiscal_year)
    since, until = fiscal_year_span(fiscal_year)  # datetimes, in the municipality's time zone
    consultations = Consultation.objects.filter(received_on__range=(start, end), archived_at__isnull=True,
                                                voided_at__isnull=True)
    plans = SupportPlan.objects.filter(created_at__gte=since, created_at__lt=until)
    # a sitting counts once it has taken place: one marked 開催済み ahead of its date is not counted before that date
    held = Sitting.objects.filter(status=SittingStatus.HELD, held_on__range=(start, end),
                                  held_on__lte=today or timezone.localdate())
    referrals = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until)
    placements = Placement.objects.filter(started_on__range=(start, end))
    activity_months = ActivityMonth.objects.filter(month__range=(start, end))
    taking_part = ActivityAgency.objects.filter(activity_month__month__range=(start, end))
    if agency_id is not None:
        consultations = consultations.filter(agency_id=agency_id)
        plans = plans.filter(agency_id=agency_id)
        held = held.filter(meeting__convened_by_id=agency_id)
        referrals = referrals.filter(from_agency_id=agency_id)
        placements = placements.filter(agency_id=agency_id)
        activity_months = activity_months.filter(activity__agency_id=agency_id)
        taking_part = taking_part.filter(activity_month__activity__agency_id=agency_id)
    return {
        "consultations": Source(consultations, "agency_id", "received_on"),
        "multi_issue_households": Source(consultations.filter(household__multi_issue=True), "agency_id", "received_on",
                                         distinct="household_id"),
        "plans": Source(plans.filter(revision=1), "agency_id", "created_at"),
        "plan_revisions": Source(plans.filter(revision__gt=1), "agency_id", "created_at"),
        "support_meetings": Source(held.filter(meeting__kind=MeetingKind.SUPPORT_MEETING), "meeting__convened_by_id",
                                   "held_on"),
        "multi_agency_meetings": Source(held.filter(meeting__kind=MeetingKind.MULTI_AGENCY_MEETING),
                                        "meeting__convened_by_id", "held_on"),
        "referrals": Source(referrals, "from_agency_id", "sent_at"),
        # as cases.queries.referral_answer reads them: answered, or still waiting (one cancelled unanswered is neither)
        "answer_days": Source(referrals.filter(answered_at__isnull=False), "from_agency_id", "sent_at"),
        "unanswered_referrals": Source(referrals.filter(answered_at__isnull=True, status=ReferralStatus.REQUESTED),
                                       "from_agency_id", "sent_at"),
        "participants": Source(placements, "agency_id", "started_on", distinct="person_id"),
        "cooperating_businesses": Source(placements.filter(service__organization__isnull=False), "agency_id",
                                         "started_on", distinct="service__organization_id"),
        "community_places": Source(activity_months, "activity__agency_id", "month", distinct="activity__place_id"),
        "community_participants": Source(activity_months, "activity__agency_id", "month", summed="participants"),
        "community_agencies": Source(taking_part, "activity_month__activity__agency_id", "activity_month__month",
                                     distinct="agency_id"),
    }


# (年度, agency, today) -> Table, while the `figures` token is unchanged; ten minutes at most: a write that bypassed
# the signals is counted within ten minutes all the same. Each process keeps its Table (`_computed`), read from the
# JSON form one process computed for all (`_shared`: numbers and agency ids only, nothing personal) — six workers
# each computing a 政令市's year cold cost six times its aggregates over 70,000 consultations.
_computed: versions.Kept["Table"] = versions.Kept(versions.FIGURES, size=200, max_age=600.0)
_shared = versions.Shared(versions.FIGURES, size=200, max_age=600.0)


def figures_changed(**kwargs: object) -> None:
    """Connected to every write of a `COUNTED` model; writes that bypass model signals on those tables call it.
    A new `figures` token, in the writer's transaction: every process recomputes at its next reading."""
    versions.changed(versions.FIGURES)


def forget_computed() -> None:
    """Drops this process's computed figures (tests, and after a restore); those in the database stay, for their
    token."""
    _computed.forget()
    _shared.forget()


def yearly_figures(fiscal_year: int, *, agency_id: int | None = None) -> Table:
    """All the figures of the 年度, for every agency (and in total), or for one agency only — computed once per
    state of the counted data by one process, and read by the others; one agency's are read from every agency's
    (`Table.alone`), so that one table is computed for all. The Table returned is kept by this process: readers
    never change it."""
    today = timezone.localdate()
    key = f"table:{fiscal_year}:{today.isoformat()}"  # apart from reports.rows' counts, kept under the same token

    def compute(token: str | None) -> Table:
        if agency_id is not None:
            table = yearly_figures(fiscal_year).alone(agency_id)
        else:
            table = Table.from_json(fiscal_year, _shared.get(key, lambda _: _compute(fiscal_year).as_json()))
        if token is not None:
            table.state = f"{key}:{agency_id or ''}:{token}"
        return table

    return _computed.get((fiscal_year, agency_id, today), compute)


def _compute(fiscal_year: int, *, agency_id: int | None = None) -> Table:
    table = Table(fiscal_year, agencies=[], figures=figures_of(fiscal_year))
    found = sources(fiscal_year, agency_id=agency_id)
    for figure in table.figures:
        if not figure.from_answers:
            _count(table, figure.key, found[figure.source_key])
    _answer_days(table, referral_answers(found["referrals"].rows))

    agency_ids = {a for a in table.year if a is not None}
    table.agencies = list(Agency.objects.filter(pk__in=agency_ids).order_by("kana", "name", "pk"))
    return table


def _count(table: Table, key: str, source: Source) -> None:
    """Per agency and month, then the year per agency and for all. The month of each row is read by the database
    itself (`MonthOf`)."""
    month_of = _month_of(source, table.fiscal_year)
    if source.distinct:
        _count_once(table, key, source, month_of)
        return
    per_month = (source.rows.annotate(in_month=month_of, by=F(source.agency)).values("by", "in_month")
                 .annotate(n=_aggregate(source)).order_by())
    for row in per_month:
        month = _month_start(row["in_month"])
        table.cells[row["by"]][key][month] = row["n"]
        table.cells[None][key][month] = table.cells[None][key].get(month, 0) + row["n"]
        table.year[row["by"]][key] = table.year[row["by"]].get(key, 0) + row["n"]
        table.year[None][key] = table.year[None].get(key, 0) + row["n"]


def _count_once(table: Table, key: str, source: Source, month_of: Func) -> None:
    """Persons, households, places or agencies, each once per cell: one query for the distinct (agency, month, id)
    triples, from which every cell is counted — each month of all agencies together and each year count an id
    once, which is not the sum of the cells."""
    assert source.distinct is not None
    triples = (source.rows.annotate(in_month=month_of, by=F(source.agency), one=F(source.distinct))
               .values_list("by", "in_month", "one").distinct().order_by())
    months: defaultdict[date, set[object]] = defaultdict(set)
    agencies: defaultdict[int | None, set[object]] = defaultdict(set)
    cells: defaultdict[tuple[int | None, date], int] = defaultdict(int)
    first: dict[object, date] = {}
    for by, in_month, one in triples:
        if one is None:
            continue
        month = _month_start(in_month)
        cells[by, month] += 1
        months[month].add(one)
        agencies[by].add(one)
        first[one] = min(first.get(one, month), month)
    for (by, month), n in cells.items():
        table.cells[by][key][month] = n
    for month, ids in months.items():
        table.cells[None][key][month] = len(ids)
    for by, ids in agencies.items():
        table.year[by][key] = len(ids)
    table.year[None][key] = len(set().union(*agencies.values())) if agencies else 0
    table.firsts[key] = dict(Counter(first.values()))


class MonthOf(Func):
    """「YYYY-MM」 of a date, or of a moment in the municipality's time zone (shifted by `offset` minutes), computed
    natively by the database: a truncation to the month would be a Python function called for every row on SQLite
    (with a time-zone conversion for a moment)."""

    output_field = CharField()

    def __init__(self, field: str, *, offset: int | None) -> None:
        super().__init__(F(field))
        self.offset = offset  # None: a date

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError("MonthOf is written for SQLite and PostgreSQL")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.offset is None:
            return f"substr({sql}, 1, 7)", params
        return f"strftime('%%Y-%%m', {sql}, %s)", [*params, f"{self.offset:+d} minutes"]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.offset is None:
            return f"to_char({sql}, 'YYYY-MM')", params
        return f"to_char(({sql}) AT TIME ZONE %s, 'YYYY-MM')", [*params, timezone.get_current_timezone_name()]


def _month_of(source: Source, fiscal_year: int) -> Func:
    """The month of each row: `MonthOf`, or — for a moment in a zone whose offset changes within the 年度 — the
    truncation in that zone."""
    if not isinstance(_field_at(source.rows.model, source.when), DateTimeField):
        return MonthOf(source.when, offset=None)
    offset = _steady_offset(fiscal_year)
    return TruncMonth(source.when) if offset is None else MonthOf(source.when, offset=offset)


def _steady_offset(fiscal_year: int) -> int | None:
    """The current time zone's offset from UTC in minutes, if it is the same all through the 年度 (it is in Japan)."""
    since, until = fiscal_year_span(fiscal_year)
    offsets = {timezone.localtime(since + (until - since) * i / 24).utcoffset() for i in range(25)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return int(offset.total_seconds() // 60) if offset is not None else None


def _month_start(value: str | date | datetime) -> date:
    if isinstance(value, str):
        return date(int(value[:4]), int(value[5:7]), 1)
    return _as_date(value).replace(day=1)


def _aggregate(source: Source) -> Count | Coalesce:
    if source.summed:
        return Coalesce(Sum(source.summed), 0)
    if source.distinct:
        return Count(source.distinct, distinct=True)
    return Count("pk")


def _field_at(model: type[Model], path: str) -> Any:
    """The model field at the end of a lookup path (`activity_month__month`)."""
    *through, last = path.split("__")
    for name in through:
        related = model._meta.get_field(name).related_model
        if not isinstance(related, type):
            raise LookupError(path)
        model = related
    return model._meta.get_field(last)


def _answer_days(table: Table, answers: list[ReferralAnswer]) -> None:
    """The median answer days and the unanswered, per sending agency and month of sending, per agency over the
    year, and for all: a median cannot be summed from the months, so each group is read from the answers."""
    groups: dict[tuple[int | None, date | None], list[ReferralAnswer]] = defaultdict(list)
    for answer in answers:
        sent_in = answer.sent_on.replace(day=1)
        for group in ((answer.from_agency_id, sent_in), (answer.from_agency_id, None), (None, sent_in), (None, None)):
            groups[group].append(answer)
    for (agency_id, month), grouped in groups.items():
        days = referral_answer_days(grouped)
        values: dict[str, Value] = {"unanswered_referrals": days.unanswered}
        if days.median is not None:
            values["answer_days"] = days.median
        for key, value in values.items():
            if month is None:
                table.year[agency_id][key] = value
            else:
                table.cells[agency_id][key][month] = value


def _as_date(value: date | datetime) -> date:
    """TruncMonth gives a date for a DateField and an aware datetime (local time) for a DateTimeField."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
