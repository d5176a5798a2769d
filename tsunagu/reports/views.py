"""集計: the yearly figures (J12). The planner (tsunagu.workspace.permissions) sees every agency and each one
alone; everyone else sees her own agency's figures. Counts only: no person is shown, nothing is logged."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.workspace.models import fiscal_year_of
from tsunagu.workspace.permissions import is_planner, staff_required

from . import excel
from .figures import FIGURES, yearly_figures

EARLIEST_YEAR = 2019  # 令和元年度


def _choice(request):
    """(fiscal year, agency or None for all, the agencies the actor may choose from, a message for bad input)."""
    actor = request.actor
    this_year = fiscal_year_of(timezone.localdate())
    message = ""
    try:
        year = int(request.GET.get("year") or this_year)
        if not EARLIEST_YEAR <= year <= this_year + 1:
            raise ValueError
    except ValueError:
        message = f"年度は {EARLIEST_YEAR} から {this_year + 1} までの西暦で指定してください。今年度を表示しています。"
        year = this_year
    if not is_planner(actor):
        return year, actor.agency, [actor.agency], message
    choices = list(Agency.objects.order_by("kana", "name", "pk"))
    wanted = request.GET.get("agency") or ""
    agency = next((a for a in choices if str(a.pk) == wanted), None)
    if wanted and agency is None:
        message = message or "指定された機関が見つかりません。全機関の集計を表示しています。"
    return year, agency, choices, message


@staff_required
def index(request):
    year, agency, choices, message = _choice(request)
    table = yearly_figures(year, agency_id=agency.pk if agency else None)
    return render(request, "reports/index.html", {
        "table": table, "year": year, "agency": agency, "choices": choices, "message": message,
        "planner": is_planner(request.actor), "figures": FIGURES,
        "by_month": table.rows_by_month(), "by_agency": table.rows_by_agency() if agency is None else [],
        "this_year": fiscal_year_of(timezone.localdate()),
    })


@staff_required
def export(request):
    year, agency, _, _ = _choice(request)
    table = yearly_figures(year, agency_id=agency.pk if agency else None)
    content = excel.workbook(table, agency.name if agency else excel.ALL_AGENCIES)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"-{agency.pk}" if agency else ""
    response["Content-Disposition"] = f'attachment; filename="figures-{year}{suffix}.xlsx"'
    return response
