"""集計: the yearly figures (J12). The planner (tsunagu.agencies.permissions.is_planner) sees every agency and each one
alone; everyone else sees her own agency's figures. Counts only: no person is shown, nothing is logged."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import is_planner, staff_required
from tsunagu.core.fiscal import EARLIEST_YEAR, fiscal_year

from . import excel
from .figures import FIGURES, agency_in_scope, yearly_figures


def _choice(request: ActorRequest) -> tuple[int, Agency | None, str]:
    """(fiscal year, agency or None for all, a message for bad input)."""
    this_year = fiscal_year(timezone.localdate())
    message = ""
    try:
        year = int(request.GET.get("year") or this_year)
        if not EARLIEST_YEAR <= year <= this_year + 1:
            raise ValueError
    except ValueError:
        message = f"年度は {EARLIEST_YEAR} から {this_year + 1} までの西暦で指定してください。今年度を表示しています。"
        year = this_year
    agency, as_asked = agency_in_scope(request.actor, request.GET.get("agency"))
    if not as_asked and is_planner(request.actor):  # anyone else simply reads her own agency's
        message = message or "指定された機関が見つかりません。全機関の集計を表示しています。"
    return year, agency, message


@staff_required
def index(request: ActorRequest) -> HttpResponse:
    year, agency, message = _choice(request)
    planner = is_planner(request.actor)
    table = yearly_figures(year, agency_id=agency.pk if agency else None)
    return render(request, "reports/index.html", {
        "table": table, "year": year, "agency": agency, "message": message, "planner": planner, "figures": FIGURES,
        "choices": Agency.objects.order_by("kana", "name", "pk") if planner else [],
        "by_month": table.rows_by_month(), "by_agency": table.rows_by_agency() if agency is None else [],
        "earliest_year": EARLIEST_YEAR, "this_year": fiscal_year(timezone.localdate()),
    })


@staff_required
def export(request: ActorRequest) -> HttpResponse:
    year, agency, _ = _choice(request)
    table = yearly_figures(year, agency_id=agency.pk if agency else None)
    content = excel.workbook(table, agency.name if agency else excel.ALL_AGENCIES)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"-{agency.pk}" if agency else ""
    response["Content-Disposition"] = f'attachment; filename="figures-{year}{suffix}.xlsx"'
    return response
