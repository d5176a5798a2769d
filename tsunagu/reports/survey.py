"""支援状況調査: the monthly figures the 生活困窮者自立相談支援機関 reports to the state (docs/NATIONAL_FORMS.md, form
`support_status_survey`), for one agency and one 年度 (April–March, `core.fiscal`), with an Excel export in the
form's order.

Counts only, like `reports.figures`: one aggregate query per figure, no person named, so neither the sharing policy
nor the access log. What each item counts:

    新規相談受付件数    consultations received (受付日) by the agency, less archived and 取消
    プラン作成件数      plans first made (第1版) by the agency (作成日)
    就労支援対象者数    cases whose plan made by the agency marks them 就労支援の対象, each once, in the month of the
                        first such plan
    就労者数 / 増収者数 cases whose plan's 評価 (by the agency) found 就労 / 増収, each once, in the month of the first
                        such review (評価日)
    他制度・他機関へのつなぎ (うち生活保護窓口)
                        consultations whose 結果 is つなぎ (and of those, marked 生活保護窓口へのつなぎ)
    相談・情報提供のみで終了
                        consultations whose 結果 is 情報提供で終了
    プラン作成者のうち自立に向けた改善が見られた者の割合
                        of the cases whose first plan was made in the month (the year: in the year), the share with a
                        評価 finding 改善 dated by the end of the 年度
    就労・増収率        cases found 就労 or 増収 (each once, in the month of the first) ÷ 就労支援対象者数 of the same
                        months

A rate is a percentage to one decimal, None (shown 「—」) when its denominator is 0. The year of a count is its rows
over the year (a case counted once), not the sum of the months where the item counts each case once.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from tsunagu.agencies.models import Agency, AgencyKind
from tsunagu.cases.models import Consultation, Outcome, PlanReview, SupportPlan
from tsunagu.core.cells import xlsx_row
from tsunagu.core.fiscal import fiscal_year_bounds, fiscal_year_label, fiscal_year_span, month_starts
from tsunagu.rules.national_forms import form

FORM = "support_status_survey"
RATES = {"improved_rate", "employed_rate"}
UNITS = {"new_consultations": "件", "plans": "件", "employment_support": "人", "employed": "人",
         "income_increased": "人", "referred": "件", "referred_to_welfare": "件", "info_only": "件",
         "improved_rate": "%", "employed_rate": "%"}

Cell = int | float | None


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    unit: str

    @property
    def rate(self) -> bool:
        return self.key in RATES


def items() -> list[Item]:
    """The survey's items in the form's order, labelled as docs/NATIONAL_FORMS.md labels them."""
    return [Item(i.key, i.label, UNITS[i.key]) for i in form(FORM).items]


@dataclass
class Survey:
    fiscal_year: int
    agency: Agency
    months: dict[str, dict[date, Cell]] = field(default_factory=lambda: defaultdict(dict))
    year: dict[str, Cell] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    @property
    def month_starts(self) -> list[date]:
        return month_starts(self.fiscal_year)

    def value(self, key: str, month: date | None = None) -> Cell:
        empty: Cell = None if key in RATES else 0
        return self.year.get(key, empty) if month is None else self.months[key].get(month, empty)

    def rows(self) -> list[tuple[Item, list[Cell], Cell]]:
        return [(item, [self.value(item.key, m) for m in self.month_starts], self.value(item.key))
                for item in items()]


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _by_month(rows: QuerySet[Any], when: str) -> tuple[dict[date, int], int]:
    """Rows counted per month of `when` (one query); the year is their sum."""
    counted = {_month(r["month"]): r["n"] for r in rows.annotate(month=TruncMonth(when)).values("month")
               .annotate(n=Count("pk")).order_by() if r["month"] is not None}
    return counted, sum(counted.values())


def _first_months(rows: QuerySet[Any], once: str, when: str) -> dict[Any, date]:
    """Each `once` (a case) with the month of its first row (one query)."""
    return {r[once]: _month(r["first"]) for r in rows.values(once).annotate(first=Min(when)).order_by()}


def _tally(firsts: dict[Any, date]) -> tuple[dict[date, int], int]:
    counted: dict[date, int] = defaultdict(int)
    for month in firsts.values():
        counted[month] += 1
    return dict(counted), len(firsts)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def support_status_survey(fiscal_year: int, agency: Agency) -> Survey:
    """The 支援状況調査 of `agency` for the 年度."""
    start, end = fiscal_year_bounds(fiscal_year)
    since, until = fiscal_year_span(fiscal_year)
    survey = Survey(fiscal_year, agency)
    consultations = Consultation.objects.filter(agency=agency, received_on__range=(start, end),
                                                archived_at__isnull=True, voided_at__isnull=True)
    counts = {
        "new_consultations": _by_month(consultations, "received_on"),
        "referred": _by_month(consultations.filter(outcome=Outcome.REFERRAL), "received_on"),
        "referred_to_welfare": _by_month(consultations.filter(outcome=Outcome.REFERRAL, referred_to_welfare=True),
                                         "received_on"),
        "info_only": _by_month(consultations.filter(outcome=Outcome.INFO_ONLY), "received_on"),
    }
    plans = SupportPlan.objects.filter(agency=agency, created_at__gte=since, created_at__lt=until)
    first_plans = _first_months(plans.filter(revision=1), "case_id", "created_at")
    counts["plans"] = _tally(first_plans)
    supported = _first_months(plans.filter(employment_support=True), "case_id", "created_at")
    counts["employment_support"] = _tally(supported)
    reviews = PlanReview.objects.filter(plan__agency=agency, reviewed_on__range=(start, end))
    counts["employed"] = _tally(_first_months(reviews.filter(employed=True), "plan__case_id", "reviewed_on"))
    counts["income_increased"] = _tally(_first_months(reviews.filter(income_increased=True), "plan__case_id",
                                                      "reviewed_on"))
    for key, (months, year) in counts.items():
        survey.months[key].update(months)
        survey.year[key] = year
    working = _first_months(reviews.filter(Q(employed=True) | Q(income_increased=True)), "plan__case_id",
                            "reviewed_on")
    _employed_rate(survey, working, supported)
    improved = set(PlanReview.objects.filter(plan__agency=agency, plan__case_id__in=list(first_plans), improved=True,
                                             reviewed_on__lte=end).values_list("plan__case_id", flat=True))
    _improved_rate(survey, first_plans, improved)
    return survey


def _employed_rate(survey: Survey, working: dict[Any, date], supported: dict[Any, date]) -> None:
    working_months, working_year = _tally(working)
    supported_months, supported_year = _tally(supported)
    for month in survey.month_starts:
        survey.months["employed_rate"][month] = _rate(working_months.get(month, 0), supported_months.get(month, 0))
    survey.year["employed_rate"] = _rate(working_year, supported_year)


def _improved_rate(survey: Survey, first_plans: dict[Any, date], improved: set[Any]) -> None:
    for month in survey.month_starts:
        cohort = [case for case, first in first_plans.items() if first == month]
        survey.months["improved_rate"][month] = _rate(sum(case in improved for case in cohort), len(cohort))
    survey.year["improved_rate"] = _rate(sum(case in improved for case in first_plans), len(first_plans))


def survey_agencies() -> QuerySet[Agency]:
    """The agencies that report the 支援状況調査: the 生活困窮者自立相談支援機関."""
    return Agency.objects.filter(kind=AgencyKind.SELF_RELIANCE).order_by("kana", "name", "pk")


def workbook(survey: Survey) -> bytes:
    """The survey as Excel: the items (rows) in the form's order by month (columns) and the year. Texts (the agency's
    name) are string cells, never formulas (`core.cells`)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "支援状況調査"
    sheet.append(xlsx_row(sheet, [f"{survey.label} 支援状況調査（{survey.agency.name}）"]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, ["項目", "単位", *[f"{m.month}月" for m in survey.month_starts], "年度計"]))
    for item, months, year in survey.rows():
        sheet.append(xlsx_row(sheet, [item.label, item.unit, *months, year]))
    sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
