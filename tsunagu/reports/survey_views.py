"""支援状況調査 (reports.survey) for the 生活困窮者自立相談支援機関: the page and its Excel, at /reports/survey/. The planner
(`agencies.permissions.is_planner`) reads any such agency's; a staff member of one reads her own; anyone else gets
404. Counts only: no person is shown, nothing is logged."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import is_planner, staff_required
from tsunagu.core.fiscal import EARLIEST_YEAR, fiscal_year

from .survey import support_status_survey, survey_agencies, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choice(request: ActorRequest) -> tuple[int, Agency, str]:
    """(年度, the agency, a message for a year out of range). 404 when the reader may read no survey."""
    this_year = fiscal_year(timezone.localdate())
    message = ""
    try:
        year = int(request.GET.get("year") or this_year)
        if not EARLIEST_YEAR <= year <= this_year + 1:
            raise ValueError
    except ValueError:
        message = f"年度は {EARLIEST_YEAR} から {this_year + 1} までの西暦で指定してください。今年度を表示しています。"
        year = this_year
    agencies = survey_agencies()
    if is_planner(request.actor):
        wanted = request.GET.get("agency") or ""
        agency = agencies.filter(pk=int(wanted)).first() if wanted.isdigit() else agencies.first()
    else:
        agency = agencies.filter(pk=request.actor.agency_id).first() if request.actor.agency_id else None
    if agency is None:
        raise Http404
    return year, agency, message


@staff_required
def survey(request: ActorRequest) -> HttpResponse:
    year, agency, message = _choice(request)
    result = support_status_survey(year, agency)
    return render(request, "reports/survey.html", {
        "survey": result, "year": year, "agency": agency, "message": message, "planner": is_planner(request.actor),
        "choices": survey_agencies() if is_planner(request.actor) else [], "earliest_year": EARLIEST_YEAR,
        "this_year": fiscal_year(timezone.localdate())})


@staff_required
def survey_export(request: ActorRequest) -> HttpResponse:
    year, agency, _ = _choice(request)
    response = HttpResponse(workbook(support_status_survey(year, agency)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="support-status-survey-{year}-{agency.pk}.xlsx"'
    return response
