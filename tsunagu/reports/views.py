"""集計: the yearly figures (J12). The planner (tsunagu.agencies.permissions.is_planner) sees every agency and each one
alone; everyone else sees her own agency's figures. The figures are counts: no person is shown, nothing is logged.
A figure's row list (`reports.rows`) shows the rows the reader has a basis for, through sharing.policy, logged."""

import uuid
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.actor import ActorRequest
from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import is_planner, planner_required, staff_required
from tsunagu.core.fiscal import EARLIEST_YEAR, fiscal_year, fiscal_year_label, month_starts
from tsunagu.core.forms import EditOutcome, conflict_rows, save_or_conflict
from tsunagu.core.pdf import pdf_response, render_pdf

from . import excel, published, rows, services, targets
from . import filebook as file_book
from .chart import chart
from .figures import BY_KEY, Table, agency_in_scope, figures_of
from .forms import PublicationStyleForm, TargetForm
from .models import Target

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    table, publication, corrections = published.shown(year, agency_id=agency.pk if agency else None)
    this_year = fiscal_year(timezone.localdate())
    # the figure tables' HTML is kept (the `cache` tag) for the published snapshot or the state of the data counted
    state = f"published:{publication.pk}:{agency.pk if agency else ''}" if publication else table.state
    return render(request, "reports/index.html", {
        "tables_key": f"{state}:{timezone.localdate().isoformat()}" if state else uuid.uuid4().hex,
        "table": table, "year": year, "agency": agency, "message": message, "planner": planner, "figures": table.figures,
        "publication": publication, "corrections": corrections,
        # every figure's cells link to its rows: the address is built once, not reversed for each of hundreds of cells
        "rows_prefix": reverse("reports:rows", args=["x"]).removesuffix("x/"),
        "may_publish": planner and agency is None and year < this_year and request.actor.agency is not None,
        "choices": Agency.objects.order_by("kana", "name", "pk") if planner else [],
        # callables: the template calls them only when the tables' HTML is not kept already
        "by_month": lambda: _with_months(table), "by_agency": (lambda: _with_figures(table)) if agency is None else [],
        "earliest_year": EARLIEST_YEAR, "this_year": fiscal_year(timezone.localdate()),
        "progress": [(p, chart(p)) for p in _progress(table)] if agency is None else [],
    })


def _progress(table: Table) -> list[targets.Progress]:
    """The 実施計画's targets against every agency's figures (a target is the municipality's)."""
    return targets.progress(table, list(targets.year_targets(table.fiscal_year)))


def _with_months(table: Table) -> list[dict[str, object]]:
    """Each figure's row with its cells paired with their month (YYYY-MM), for the links to the row lists."""
    months = [m.strftime("%Y-%m") for m in table.months]
    return [{**row, "cells": list(zip(months, row["months"], strict=True))} for row in table.rows_by_month()]


def _with_figures(table: Table) -> list[dict[str, object]]:
    return [{**row, "cells": list(zip(table.figures, row["values"], strict=True))} for row in table.rows_by_agency()]


@staff_required
def export(request: ActorRequest) -> HttpResponse:
    year, agency, _ = _choice(request)
    table, publication, corrections = published.shown(year, agency_id=agency.pk if agency else None)
    content = excel.workbook(table, agency.name if agency else excel.ALL_AGENCIES,
                             progress=_progress(table) if agency is None else [], publication=publication,
                             corrections=corrections)
    response = HttpResponse(content, content_type=XLSX)
    suffix = f"-{agency.pk}" if agency else ""
    response["Content-Disposition"] = f'attachment; filename="figures-{year}{suffix}.xlsx"'
    return response


def _month(request: ActorRequest, year: int) -> tuple[date | None, str]:
    """The month asked for (YYYY-MM, one of the 年度's), or None for the whole year with a message for bad input."""
    wanted = request.GET.get("month") or ""
    if not wanted:
        return None, ""
    for month in month_starts(year):
        if wanted == month.strftime("%Y-%m"):
            return month, ""
    return None, "月はその年度の「2025-04」の形で指定してください。年度全体を表示しています。"


def _row_choice(request: ActorRequest, key: str) -> tuple[str, int, Agency | None, date | None, str]:
    year, agency, message = _choice(request)
    if key not in {f.key for f in figures_of(year)}:
        raise Http404
    month, month_message = _month(request, year)
    return key, year, agency, month, message or month_message


@staff_required
def figure_rows(request: ActorRequest, key: str) -> HttpResponse:
    """The rows behind one figure of one cell, the reader's own through the policy, the others counted."""
    key, year, agency, month, message = _row_choice(request, key)
    found = rows.row_list(request.actor, key, year, agency_id=agency.pk if agency else None, month=month,
                          page=request.GET.get("page"), path=request.path)
    planner = is_planner(request.actor)
    publication = published.latest(year)
    published_value = published.published_table(publication, agency_id=agency.pk if agency else None).value(
        key, agency.pk if agency else None, month) if publication else None
    query = {"year": year, **({"agency": agency.pk} if agency and planner else {}),
             **({"month": month.strftime("%Y-%m")} if month else {})}
    return render(request, "reports/rows.html", {
        "rows": found, "year": year, "agency": agency, "month": month, "message": message, "planner": planner,
        "label": fiscal_year_label(year), "query": urlencode(query), "publication": publication,
        "published_value": published_value,
    })


@staff_required
def figure_rows_export(request: ActorRequest, key: str) -> HttpResponse:
    key, year, agency, month, _ = _row_choice(request, key)
    found = rows.row_export(request.actor, key, year, agency_id=agency.pk if agency else None, month=month,
                            path=request.path)
    content = excel.row_workbook(found, agency.name if agency else excel.ALL_AGENCIES)
    response = HttpResponse(content, content_type=XLSX)
    when = month.strftime("%Y-%m") if month else str(year)
    response["Content-Disposition"] = f'attachment; filename="rows-{key}-{when}{f"-{agency.pk}" if agency else ""}.xlsx"'
    return response


def _target_year(request: ActorRequest) -> int:
    try:
        return services.year_allowed(request.GET.get("year") or fiscal_year(timezone.localdate()))
    except ValidationError:  # a bad year in the address shows this year's targets
        return fiscal_year(timezone.localdate())


@planner_required
def target_list(request: ActorRequest) -> HttpResponse:
    """実施計画の事業目標・評価指標 of one 年度: the guideline's examples (set or not) and the planner's own."""
    year = _target_year(request)
    set_targets = list(targets.year_targets(year))
    by_example = {t.guideline: t for t in set_targets if t.guideline}
    return render(request, "reports/targets.html", {
        "year": year, "label": fiscal_year_label(year),
        "examples": [(e, by_example.get(e.key), BY_KEY[e.figure]) for e in targets.examples()],
        "own": [(t, BY_KEY.get(t.figure)) for t in set_targets if not t.guideline],
        "earliest_year": EARLIEST_YEAR, "this_year": fiscal_year(timezone.localdate()),
    })


@planner_required
def target_form(request: ActorRequest, pk: int | None = None) -> HttpResponse:
    """A target set or edited. An edit states the version it began from: one saved meanwhile is shown beside it."""
    target = get_object_or_404(Target, pk=pk) if pk is not None else None
    example = next((e for e in targets.GUIDELINE if e.key == request.GET.get("guideline")), None)
    initial: dict[str, object] = {"fiscal_year": request.GET.get("year") or fiscal_year(timezone.localdate())}
    if target is not None:
        initial = {"fiscal_year": target.fiscal_year, "title": target.title, "figure": target.figure,
                   "value": targets.as_number(target.value), "guideline": target.guideline, "version": target.version}
    elif example is not None:
        initial.update(title=example.title, figure=example.figure, guideline=example.key)
    form = TargetForm(request.POST or None, initial=initial)
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = save_or_conflict(lambda: services.target_save(
            actor=request.actor, target=target, expected_version=version, **data), form)
        if outcome.saved:
            messages.success(request, f"「{outcome.value.title}」の目標を保存しました。")
            return redirect(f"{reverse('reports:targets')}?year={outcome.value.fiscal_year}")
    return render(request, "reports/target_form.html", {
        "form": form, "target": target, "conflict": outcome.conflict,
        "conflict_rows": conflict_rows(outcome.conflict, form, ["fiscal_year", "title", "figure", "value"]),
        "year": initial["fiscal_year"],
    })


@planner_required
@require_POST
def publish(request: ActorRequest) -> HttpResponse:
    """公表: the planner keeps a finished year's figures as published; later changes show as corrections."""
    try:
        publication = services.publication_create(actor=request.actor, fiscal_year=request.POST.get("year"),
                                                  note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('reports:index')}?year={request.POST.get('year', '')}")
    messages.success(request, f"{fiscal_year_label(publication.fiscal_year)}の集計を公表値として確定しました。")
    return redirect(f"{reverse('reports:index')}?year={publication.fiscal_year}")


@planner_required
def public(request: ActorRequest) -> HttpResponse:
    """公表用: the year's figures with small cells hidden, and the municipality's 秘匿の記号 (set here)."""
    year = _target_year(request)
    style = services.publication_style()
    form = PublicationStyleForm(request.POST or None, initial={"symbol": style.symbol, "version": style.version})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: services.publication_style_save(
            actor=request.actor, symbol=form.cleaned_data["symbol"], expected_version=form.cleaned_data["version"]),
            form, conflict_on_form=True)
        if outcome.saved:
            messages.success(request, f"秘匿の記号を「{outcome.value.symbol}」にしました。")
            return redirect(f"{reverse('reports:public')}?year={year}")
    return render(request, "reports/public.html", {
        "form": form, "year": year, "label": fiscal_year_label(year), "style": style,
        "publication": published.latest(year), "conflict": outcome.conflict,
    })


@planner_required
def public_export(request: ActorRequest) -> HttpResponse:
    year = _target_year(request)
    table, publication, _ = published.shown(year)
    content = excel.public_workbook(table, services.publication_style().symbol, publication)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="figures-{year}-public.xlsx"'
    return response


@staff_required
def filebook(request: ActorRequest) -> HttpResponse:
    """個人情報ファイル簿: the page, and the same as Excel (?format=xlsx) or PDF (?format=pdf). It names no one."""
    entries = file_book.entries()
    wanted = request.GET.get("format")
    if wanted == "xlsx":
        response = HttpResponse(excel.filebook_workbook(entries), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="personal-information-files.xlsx"'
        return response
    if wanted == "pdf":
        document = render_pdf(request, "reports/filebook_pdf.html", {"entries": entries}, personal=False)
        return pdf_response(document, "personal-information-files.pdf")
    return render(request, "reports/filebook.html", {"entries": entries})
