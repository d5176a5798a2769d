"""The rows behind each figure (集計の内訳): a number of the 集計 opens the consultations, households, plans, sittings,
referrals or persons it counts, as an auditor or a council asks "which cases make this number?".

A figure counts every row (`figures.sources`); its row list shows only the rows the reader has a basis for, asked of
`sharing.policy`, and counts the others as 「閲覧の根拠がない N 件」 — never their dates, agencies or names. So the
shown rows and the hidden count always add up to the figure. The shown rows are logged through `policy.log_reads`
(一覧 on the page, 出力 in Excel). A sitting names no one: its list follows `policy.visible_meetings`, as the
meetings list does, and there is nothing personal to log.

The page costs its hundred rows, not the figure's: the total is the figure the 集計 keeps (`yearly_figures`), the rows
are read a page at a time without counting them all, and the count of those the reader may see — the same for every
reader of her agency — is counted by one process and kept for all while no counted row and no basis is written
(`_shown_count`).

This module alone of `reports` reads personal data; the figures stay counts (docs/ARCHITECTURE.md, the reports row).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import DateTimeField, Model, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from tsunagu.agencies.actor import Actor
from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case, Consultation, Referral, SupportPlan
from tsunagu.cases.queries import referral_answer, referral_answer_days, referral_answers
from tsunagu.core import versions
from tsunagu.meetings.models import Meeting, Sitting
from tsunagu.people.models import Household, Person
from tsunagu.resources.models import ActivityMonth, CommunityPlace, Organization
from tsunagu.sharing import policy

from .figures import Figure, Source, Value, figures_of, sources, yearly_figures

PER_PAGE = 100


@dataclass(frozen=True)
class Line:
    """One row of the list, as the page and the workbook show it."""

    on: date | None
    agency: str
    subject: str
    detail: str
    url: str


@dataclass(frozen=True)
class Kind:
    """How one kind of row is found from a figure's source, checked, ordered and shown."""

    subjects: Callable[[QuerySet[Any], Actor], QuerySet[Any]]  # every row the figure counts
    visible: Callable[[QuerySet[Any], Actor], QuerySet[Any]]  # of those, the rows the reader has a basis for
    line: Callable[[Any], Line]
    logged: bool = True


def _own(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return qs


def _policy(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    # each row carries its bases, so that logging the page asks no second query (policy.log_reads)
    return policy.visible(qs, actor, with_basis=True)


def _households(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return Household.objects.filter(pk__in=qs.values("household_id")).order_by("name", "pk")


def _persons(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return Person.objects.filter(pk__in=qs.values("person_id")).order_by("kana", "name", "pk")


def _participants(cell: QuerySet[Any]) -> Callable[[QuerySet[Any], Actor], QuerySet[Any]]:
    """A placement is reached only through its case: a person is shown if the reader has a basis for her and for
    the case of one of the cell's placements of her."""

    def visible(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        cases = policy.visible(Case.objects.filter(pk__in=cell.values("case_id")), actor)
        reached = cell.filter(case_id__in=cases.values("pk")).values("person_id")
        return policy.visible(qs.filter(pk__in=reached), actor, with_basis=True)

    return visible


def _sittings(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return qs.filter(meeting__in=policy.visible_meetings(Meeting.objects.all(), actor))


def _consultation_line(row: Consultation) -> Line:
    subject = row.person.name if row.person else (row.household.name if row.household else row.consulter_name)
    url = reverse("cases:case_detail", args=[row.case_id]) if row.case_id else ""
    return Line(row.received_on, row.agency.name, subject, row.main_complaint[:80], url)


def _household_line(row: Household) -> Line:
    return Line(None, "", row.name, "", reverse("people:household_detail", args=[row.pk]))


def _person_line(row: Person) -> Line:
    return Line(None, "", row.name, "", reverse("people:person_detail", args=[row.pk]))


def _plan_line(row: SupportPlan) -> Line:
    return Line(timezone.localtime(row.created_at).date(), row.agency.name, row.case.label, f"第{row.revision}版",
                reverse("cases:case_detail", args=[row.case_id]))


def _sitting_line(row: Sitting) -> Line:
    return Line(row.held_on, row.meeting.convened_by.name, row.meeting.title, f"第{row.number}回",
                reverse("meetings:sitting", args=[row.pk]))


def _referral_line(row: Referral) -> Line:
    answer = referral_answer(row.from_agency_id, row.to_agency_id, row.status, row.sent_at, row.answered_at)
    days = "未回答" if answer is None or answer.days is None else f"回答まで{answer.days}日"
    subject = row.person.name if row.person else row.case.label
    return Line(timezone.localtime(row.sent_at).date(), row.from_agency.name, subject,
                f"{row.to_agency.name}へ（{row.get_status_display()}・{days}）",
                reverse("cases:referral_detail", args=[row.pk]))


def _organizations(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return Organization.objects.filter(pk__in=qs.values("service__organization_id")).order_by("name", "pk")


def _places(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return (CommunityPlace.objects.filter(pk__in=qs.values("activity__place_id")).select_related("service")
            .order_by("service__name", "pk"))


def _agencies(qs: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
    return Agency.objects.filter(pk__in=qs.values("agency_id")).order_by("kana", "name", "pk")


def _organization_line(row: Organization) -> Line:
    return Line(None, "", row.name, "", "")


def _place_line(row: CommunityPlace) -> Line:
    return Line(None, "", row.service.name, "", reverse("resources:community_place", args=[row.pk]))


def _activity_month_line(row: ActivityMonth) -> Line:
    return Line(row.month, row.activity.agency.name, f"{row.activity.name}（{row.activity.place.service.name}）",
                f"{row.participants}人", reverse("resources:community_place", args=[row.activity.place_id]))


def _agency_line(row: Agency) -> Line:
    return Line(None, "", row.name, "", "")


KINDS: dict[str, Kind] = {
    "consultation": Kind(_own, _policy, _consultation_line),
    "household": Kind(_households, _policy, _household_line),
    "plan": Kind(_own, _policy, _plan_line),
    "sitting": Kind(_own, _sittings, _sitting_line, logged=False),
    "referral": Kind(_own, _policy, _referral_line),
    "person": Kind(_persons, _policy, _person_line),  # `visible` replaced per cell: see `_kind`
    # 協力事業者 and 地域づくり name no one: every row is shown, nothing logged
    "organization": Kind(_organizations, _own, _organization_line, logged=False),
    "place": Kind(_places, _own, _place_line, logged=False),
    "activity_month": Kind(_own, _own, _activity_month_line, logged=False),
    "agency": Kind(_agencies, _own, _agency_line, logged=False),
}
RELATED = {
    Consultation: ["agency", "person", "household"], SupportPlan: ["agency", "case"],
    Sitting: ["meeting__convened_by"], Referral: ["from_agency", "to_agency", "person", "case"],
    ActivityMonth: ["activity__agency", "activity__place__service"],
}
COLUMNS = {  # the workbook's and the page's column heads, by kind
    "consultation": ("受付日", "受付機関", "本人・世帯", "主訴"),
    "household": ("", "", "世帯", ""),
    "plan": ("作成日", "作成した機関", "ケース", "版"),
    "sitting": ("開催日", "主催機関", "会議", "回"),
    "referral": ("依頼日", "依頼元", "対象", "依頼先・状況"),
    "person": ("", "", "本人", ""),
    "organization": ("", "", "協力事業者（運営団体）", ""),
    "place": ("", "", "拠点", ""),
    "activity_month": ("月", "運営する機関", "活動（拠点）", "参加者数（延べ）"),
    "agency": ("", "", "参加機関", ""),
}


@dataclass
class RowList:
    """A figure's rows in one cell (an agency or all, a month or the year): those shown and how many are not."""

    figure: Figure
    fiscal_year: int
    agency_id: int | None
    month: date | None
    total: int  # every row the figure counts: for a count, the figure itself
    shown: int  # the rows the reader has a basis for
    lines: list[Line] = field(default_factory=list)
    page: Page[Any] | None = None
    median: Value | None = None  # a median of every answered row (hidden ones too), or a sum (延べ人数)

    @property
    def value(self) -> Value | None:
        """The figure of this cell, as the 集計 shows it."""
        return self.median if self.median is not None or self.figure.median else self.total

    @property
    def hidden(self) -> int:
        """「閲覧の根拠がない N 件」: counted, never shown."""
        return self.total - self.shown

    @property
    def columns(self) -> tuple[str, str, str, str]:
        return COLUMNS[self.figure.rows]


def cell_rows(source: Source, *, agency_id: int | None, month: date | None) -> QuerySet[Any]:
    """The source's rows of one agency (None: all) and one month (None: the whole year)."""
    qs = source.rows
    if agency_id is not None:
        qs = qs.filter(**{source.agency: agency_id})
    if month is not None:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        start: date | datetime = month
        end: date | datetime = following
        if isinstance(_field(qs.model, source.when), DateTimeField):
            tz = timezone.get_current_timezone()
            start, end = datetime.combine(month, time.min, tz), datetime.combine(following, time.min, tz)
        qs = qs.filter(**{f"{source.when}__gte": start, f"{source.when}__lt": end})
    return qs


def _field(model: type[Model], path: str) -> Any:
    """The model field at the end of a lookup path (`activity_month__month`)."""
    *through, last = path.split("__")
    for name in through:
        related = model._meta.get_field(name).related_model
        if not isinstance(related, type):
            raise LookupError(path)
        model = related
    return model._meta.get_field(last)


def definition(key: str, fiscal_year: int) -> Figure:
    """The figure's definition in force in the 年度; KeyError for a figure the year does not have."""
    for figure in figures_of(fiscal_year):
        if figure.key == key:
            return figure
    raise KeyError(key)


def _kind(figure: Figure, cell: QuerySet[Any]) -> Kind:
    kind = KINDS[figure.rows]
    if figure.rows == "person":
        return Kind(kind.subjects, _participants(cell), kind.line, kind.logged)
    return kind


@dataclass(frozen=True)
class _Prepared:
    figure: Figure
    kind: Kind
    source: Source
    total: int
    subjects: QuerySet[Any]  # every row the figure counts
    shown: QuerySet[Any]  # of those, the rows the reader has a basis for, in the list's order
    median: Value | None


def _prepared(actor: Actor, key: str, fiscal_year: int, agency_id: int | None, month: date | None) -> _Prepared:
    figure = definition(key, fiscal_year)
    source = sources(fiscal_year, agency_id=agency_id)[figure.source_key]
    cell = cell_rows(source, agency_id=agency_id, month=month)
    median: Value | None = None
    if figure.median:
        median = referral_answer_days(referral_answers(cell)).median
    elif source.summed:  # 延べ人数: the rows' numbers added up
        median = cell.aggregate(n=Coalesce(Sum(source.summed), 0))["n"]
    kind = _kind(figure, cell)
    subjects = kind.subjects(cell, actor)
    total = _total(figure, source, subjects, fiscal_year, agency_id, month)
    shown = kind.visible(subjects, actor)
    model = shown.model
    if model in RELATED:
        shown = shown.select_related(*RELATED[model]).order_by(source.when, "pk")
    return _Prepared(figure, kind, source, total, subjects, shown, median)


def _total(figure: Figure, source: Source, subjects: QuerySet[Any], fiscal_year: int, agency_id: int | None,
           month: date | None) -> int:
    """Every row the figure counts in the cell. A count is the figure itself, as this process keeps it
    (`yearly_figures`: the same `sources`, so the two cannot differ); a median's or a sum's rows are counted."""
    if figure.median or source.summed:
        return subjects.count()
    return int(yearly_figures(fiscal_year, agency_id=agency_id).value(figure.key, agency_id, month) or 0)


# "agency:day:figure:年度:cell's agency:month:sharing token" -> how many of the cell's rows the agency may see, while
# the `figures` token is unchanged (every write to a counted row) and the `sharing` token is the one in the key (every
# write to a basis, cases included); ten minutes at most, as the figures. Counted by one process and read by all
# (`versions.Shared`: a number, nothing personal): six workers each counting each cell cold cost a 政令市 six times
# 150–500 ms per cell.
_shown = versions.Shared(versions.FIGURES, size=2000, max_age=600.0)


def forget_shown() -> None:
    """Drops the counts this process keeps (tests); those in the database stay, for their token."""
    _shown.forget()


def _shown_count(found: _Prepared, actor: Actor, key: str, fiscal_year: int, agency_id: int | None,
                 month: date | None) -> int:
    """How many of the cell's rows the reader has a basis for — her agency's, on this day: every reader of an
    agency asks the same, so the count is shared (`_shown`) while neither the counted rows nor a basis is written."""
    reader = policy.acting_agency(actor)
    if reader is None:  # no basis at all
        return 0
    today = timezone.localdate()
    kept = ":".join(map(str, (reader, today, key, fiscal_year, agency_id, month, versions.current(versions.SHARING))))
    return int(_shown.get(kept, lambda token: _counted(found, reader, agency_id)))


def _counted(found: _Prepared, reader: int, cell_agency: int | None) -> int:
    """The rows her agency recorded are hers by the policy's first rule (`policy.recorded`): counted on their own
    columns, by index (an agency's own consultations of a year are tens of thousands on a 政令市, each of which the
    policy's query joins to its case and person); the policy is asked about the others only, in the query built once
    for the page (`found.shown`: building it costs as much as running it)."""
    recorded = policy.recorded(found.subjects.model)
    if recorded is None:
        return found.shown.count()
    own_cell = cell_agency is not None and found.source.agency == recorded.agency
    if own_cell and cell_agency != reader:  # another agency's rows: none recorded by hers
        return found.shown.count()
    mine = recorded.mine(found.subjects.model, reader)
    count = found.subjects.filter(mine).count()
    if not own_cell:
        return count + found.shown.exclude(mine).count()
    # her own agency's cell: the others are those recorded under the compartment (or archived), if any can be
    return count + (found.shown.exclude(recorded.outside).count() if recorded.outside is not None else 0)


def _page(rows: QuerySet[Any], number: object, count: int) -> Page[Any]:
    """One page of the rows, as `Paginator.get_page` gives it (a bad number: the first page, one past the end: the
    last), its count already known: the page is read with LIMIT and OFFSET alone, so it costs its hundred rows and
    those before it, not a count of all of them."""
    paginator = Paginator(rows, PER_PAGE)
    paginator.count = count  # the cached_property, set from the count already made
    return paginator.get_page(number if isinstance(number, int | str) else None)


def row_list(actor: Actor, key: str, fiscal_year: int, *, agency_id: int | None = None, month: date | None = None,
             page: object = 1, path: str = "") -> RowList:
    """One page of the figure's rows the actor may see, logged as 一覧, with the count of those she may not."""
    found = _prepared(actor, key, fiscal_year, agency_id, month)
    shown = _shown_count(found, actor, key, fiscal_year, agency_id, month)
    one_page = _page(found.shown, page, shown)
    rows = list(one_page.object_list)
    if found.kind.logged:
        policy.log_reads(actor, rows, action=AccessAction.LIST, path=path)
    # a row written between the kept figure and the count is counted, not left as a negative hidden count
    return RowList(found.figure, fiscal_year, agency_id, month, max(found.total, shown), shown,
                   [found.kind.line(r) for r in rows], one_page, found.median)


def row_export(actor: Actor, key: str, fiscal_year: int, *, agency_id: int | None = None, month: date | None = None,
               path: str = "") -> RowList:
    """Every row of the figure the actor may see, for the workbook, logged as 出力."""
    found = _prepared(actor, key, fiscal_year, agency_id, month)
    rows = list(found.shown)
    if found.kind.logged:
        _log_in_chunks(actor, rows, path)
    return RowList(found.figure, fiscal_year, agency_id, month, max(found.total, len(rows)), len(rows),
                   [found.kind.line(r) for r in rows], median=found.median)


def _log_in_chunks(actor: Actor, rows: list[Model], path: str, size: int = 500) -> None:
    """`log_reads` asks the bases of the rows it is given in one IN list: kept short for a year's export."""
    for start in range(0, len(rows), size):
        policy.log_reads(actor, rows[start:start + size], action=AccessAction.EXPORT, path=path)

