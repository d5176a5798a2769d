import shutil
import tempfile
import zipfile
from datetime import date
from functools import wraps
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tsunagu.agencies.models import Agency
from tsunagu.agencies.permissions import staff_required
from tsunagu.core.fiscal import fiscal_year, fiscal_year_label, month_starts
from tsunagu.core.forms import EditOutcome, add_validation_errors, save_or_conflict

from . import excel, hsds_imports, queries, services
from .forms import (
    ActivityMonthForm,
    CommunityActivityForm,
    CommunityPlaceForm,
    HsdsImportForm,
    ImportForm,
    NeedForm,
    OfferForm,
    SearchForm,
    ServiceEditForm,
    ServiceForm,
    StaffSearchForm,
    VacancyForm,
)
from .hsds.tabular import HsdsImportError, export_tabular
from .middleware import mark_public
from .models import ActivityMonth, CommunityPlace, HsdsImport, Offer, OfferStatus, Service, UnmetNeed

PAGE_SIZE = 30


def _page(request, base, filters):
    page = queries.result_page(base, filters, request.GET.get("page"), PAGE_SIZE)
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return page, urlencode(params)


def public_page(view):
    """A page of the public directory: the same for every visitor without a session, so the cache middleware
    (middleware.py) may keep it. It is rendered without a CSRF token — nothing on it posts — so that a kept page
    carries nothing of the visitor it was first rendered for."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return mark_public(view(request, *args, **kwargs))

    return wrapped


def _render_public(request, template: str, context: dict):
    if not request.user.is_authenticated:
        context = {**context, "csrf_token": ""}  # no token (and so no CSRF cookie) on a page for everyone
    return render(request, template, context)


# ---------- staff directory ----------

@staff_required
def index(request):
    form = StaffSearchForm(request.GET or None, districts=queries.districts())
    filters = form.filters()
    page, query_string = _page(request, queries.active_services(), filters)
    context = {"form": form, "page": page, "query_string": query_string, "filters": filters,
               "summary": queries.directory_summary(), "stale_count": queries.stale_for(request.actor.agency).count()}
    template = "resources/_results.html" if request.headers.get("HX-Request") else "resources/index.html"
    return render(request, template, context)


@staff_required
def detail(request, pk: str):
    service = queries.service_detail(pk, public=False)
    if service is None:
        raise Http404
    context = {"service": service, "vacancy_form": VacancyForm(initial={"vacancy": service.vacancy}),
               "needs_verification": service.needs_verification(),
               "may_maintain": services.may_maintain(request.actor, service)}
    return render(request, "resources/detail.html", context)


@staff_required
def create(request):
    form = ServiceForm(request.POST or None, initial={"kind": "formal", "visibility": "staff"})
    if request.method == "POST" and form.is_valid():
        service = services.service_create(data=form.cleaned_data, maintainer=request.actor.agency)
        messages.success(request, f"「{service.name}」を登録しました。")
        return redirect("resources:detail", pk=service.pk)
    return render(request, "resources/form.html", {"form": form})


def _maintained(request, service: Service | None) -> Service:
    """The entry, if the acting agency maintains it (or she is the coordinator); 403 for anyone else."""
    if service is None:
        raise Http404
    if not services.may_maintain(request.actor, service):
        raise PermissionDenied(services.NOT_MAINTAINER)
    return service


@staff_required
def edit(request, pk: str):
    service = _maintained(request, queries.service_detail(pk, public=False))
    form = ServiceEditForm(request.POST or None, initial=ServiceForm.initial_for(service))
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(
            lambda: services.service_update(actor=request.actor, service=service, data=form.cleaned_data,
                                            expected_version=form.cleaned_data["version"]),
            form, conflict_on_form=True)
        if outcome.saved:
            messages.success(request, "保存しました。最終確認日も今日に更新しました。")
            return redirect("resources:detail", pk=service.pk)
    return render(request, "resources/form.html", {"form": form, "service": service, "conflict": outcome.conflict})


@staff_required
@require_POST
def verify(request, pk: str):
    service = _maintained(request, Service.objects.filter(pk=pk).first())
    services.service_verify(actor=request.actor, service=service)
    messages.success(request, f"「{service.name}」の内容を確認済みにしました。")
    if request.POST.get("next") == "stale":
        return redirect("resources:stale")
    return redirect("resources:detail", pk=pk)


@staff_required
@require_POST
def vacancy(request, pk: str):
    service = _maintained(request, Service.objects.filter(pk=pk).first())
    form = VacancyForm(request.POST)
    if form.is_valid():
        services.vacancy_update(actor=request.actor, service=service, vacancy=form.cleaned_data["vacancy"])
        messages.success(request, "空き状況を更新しました。")
    else:
        messages.error(request, "空きは 0 以上の数で入力してください。")
    return redirect("resources:detail", pk=pk)


@staff_required
@require_POST
def archive(request, pk: str):
    service = _maintained(request, Service.objects.filter(pk=pk).first())
    services.service_archive(actor=request.actor, service=service)
    messages.success(request, f"「{service.name}」を終了にしました（記録は残ります）。")
    return redirect("resources:index")


@staff_required
def stale(request):
    entries = queries.stale_for(request.actor.agency).select_related("organization")
    return render(request, "resources/stale.html", {"entries": entries, "today": timezone.localdate()})


# ---------- interchange ----------

@staff_required
def export_excel(request):
    data = excel.export_workbook(queries.active_services().order_by("name", "id"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="resources-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@staff_required
def import_excel(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, updated = excel.import_workbook(form.cleaned_data["file"].read(), actor=request.actor)
            messages.success(request, f"読み込みました：新規 {created} 件、更新 {updated} 件。")
            return redirect("resources:index")
        except HsdsImportError as exc:
            errors = exc.errors
    return render(request, "resources/import.html", {"form": form, "errors": errors})


def _importer(request) -> None:
    """The HSDS import pages: the coordinator's (hsds_imports.may_import); 403 for other staff, as for an entry they
    do not maintain."""
    if not hsds_imports.may_import(request.actor):
        raise PermissionDenied(hsds_imports.NOT_COORDINATOR)


@staff_required
def hsds_import(request):
    """Upload an HSDS package; the worker imports it and its page shows how far it has got."""
    _importer(request)
    form = HsdsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = hsds_imports.hsds_import_enqueue(actor=request.actor, file_name=upload.name, content=upload.read(),
                                                      visibility=form.cleaned_data["visibility"])
        except hsds_imports.ImportBusy as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("resources:hsds_import_detail", pk=record.pk)
    imports = HsdsImport.objects.defer("package").select_related("uploaded_by", "agency")[:20]
    return render(request, "resources/hsds_import.html", {"form": form, "imports": imports,
                                                          "busy": hsds_imports.busy()})


@staff_required
def hsds_import_detail(request, pk: int):
    _importer(request)
    record = get_object_or_404(HsdsImport.objects.defer("package").select_related("uploaded_by", "agency"), pk=pk)
    template = "resources/_hsds_import_state.html" if request.headers.get("HX-Request") else "resources/hsds_import_detail.html"
    return render(request, template, {"record": record})


@staff_required
def export_hsds(request):
    """The public entries as an HSDS tabular data package, zipped — what anyone may publish as open data."""
    folder = Path(tempfile.mkdtemp(prefix="hsds-"))
    try:
        export_tabular(folder, public_only=True)
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="hsds-{timezone.localdate():%Y%m%d}.zip"'
    return response


# ---------- offers and unmet needs ----------

@staff_required
def offers(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = services.offer_create(data=form.cleaned_data, recorded_by=request.actor.agency)
        messages.success(request, "登録しました。合いそうな「足りない資源」を下に示します。")
        return redirect("resources:offer_detail", pk=offer.pk)
    offer_list = queries.open_offers()
    return render(request, "resources/offers.html", {"form": form, "offers": offer_list})


@staff_required
def offer_detail(request, pk: int):
    offer = get_object_or_404(Offer.objects.select_related("recorded_by", "resulting_service"), pk=pk)
    return render(request, "resources/offer_detail.html", {"offer": offer, "matches": queries.matches_for_offer(offer),
                                                           "statuses": OfferStatus.choices})


@staff_required
@require_POST
def offer_status(request, pk: int):
    offer = get_object_or_404(Offer, pk=pk)
    status = request.POST.get("status", "")
    if status not in OfferStatus.values:
        messages.error(request, "状態を選んでください。")
    else:
        services.offer_set_status(offer=offer, status=status)
        messages.success(request, "状態を更新しました。")
    return redirect("resources:offer_detail", pk=pk)


@staff_required
def needs(request):
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.need_create(data=form.cleaned_data, recorded_by=request.actor.agency)
        messages.success(request, "足りない資源として記録しました。")
        return redirect("resources:needs")
    need_list = list(queries.open_needs())
    matches = {need.pk: queries.matches_for_need(need, limit=3) for need in need_list}
    rows = [(need, matches[need.pk]) for need in need_list]
    return render(request, "resources/needs.html", {"form": form, "rows": rows,
                                                    "by_district": queries.needs_by_district()})


@staff_required
@require_POST
def need_met(request, pk: int):
    need = get_object_or_404(UnmetNeed, pk=pk)
    services.need_mark_met(need=need, service=None)
    messages.success(request, "充足にしました。")
    return redirect("resources:needs")


# ---------- the public page (no login) ----------

@public_page
def public_index(request):
    form = SearchForm(request.GET or None, districts=queries.public_districts())
    filters = form.filters()
    page, query_string = _page(request, queries.public_services(), filters)
    return _render_public(request, "resources/public_index.html",
                          {"form": form, "page": page, "query_string": query_string, "filters": filters})


@public_page
def public_detail(request, pk: str):
    service = queries.service_detail(pk, public=True)
    if service is None:
        raise Http404
    return _render_public(request, "resources/public_detail.html", {"service": service})


GUIDE = [  # the section titles are in the visitor's language (gettext_lazy: translated when the page is drawn)
    (_("お金や仕事、暮らしのこと"), ["poverty", "employment", "housing"]),
    (_("介護や高齢のこと"), ["elderly"]),
    (_("障害のこと"), ["disability"]),
    (_("子育てや子どものこと"), ["children", "education"]),
    (_("こころやからだの健康のこと"), ["health"]),
    (_("どこに相談したらいいかわからないとき"), ["community", "advocacy"]),
]


@public_page
def public_guide(request):
    windows = list(queries.consultation_windows())
    sections = []
    for title, fields in GUIDE:
        matched = [w for w in windows if set(w.field_list) & set(fields)]
        sections.append({"title": title, "windows": matched})
    return _render_public(request, "resources/public_guide.html", {"sections": sections})


# ---------- 地域づくり: the 拠点, their activities and each month's numbers (counts only, nobody named) ----------


@staff_required
def community(request):
    """The places registered as 地域づくりの拠点, and registering one from the directory."""
    form = CommunityPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.community_place_register(actor=request.actor, service=form.cleaned_data["service"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"「{place.service.name}」を地域づくりの拠点に登録しました。")
            return redirect("resources:community_place", pk=place.pk)
    places = (CommunityPlace.objects.select_related("service", "recorded_by")
              .annotate(activity_count=Count("activities")).order_by("service__name"))
    return render(request, "resources/community.html", {"form": form, "places": places})


def _months_so_far() -> list:
    today = timezone.localdate()
    return [m for m in month_starts(fiscal_year(today)) if m <= today]


@staff_required
def community_place(request, pk: int):
    """A 拠点: its activities, and each activity's months of this 年度; the agency running an activity records them."""
    place = get_object_or_404(CommunityPlace.objects.select_related("service"), pk=pk)
    activities = list(place.activities.select_related("agency").order_by("name", "pk"))
    own = [a for a in activities if a.agency_id == request.actor.agency_id]
    months = _months_so_far()
    activity_form = CommunityActivityForm(request.POST if request.POST.get("form") == "activity" else None)
    month_form = ActivityMonthForm(request.POST if request.POST.get("form") == "month" else None, activities=own,
                                   months=months, agencies=Agency.objects.order_by("kana", "name"))
    outcome = EditOutcome()
    if request.method == "POST" and activity_form.is_bound and activity_form.is_valid():
        outcome = save_or_conflict(lambda: services.community_activity_add(
            actor=request.actor, place=place, name=activity_form.cleaned_data["name"]), activity_form)
    elif request.method == "POST" and month_form.is_bound and month_form.is_valid():
        data = month_form.cleaned_data
        outcome = save_or_conflict(lambda: services.activity_month_record(
            actor=request.actor, activity=next(a for a in own if a.pk == data["activity"]),
            month=date.fromisoformat(data["month"]), participants=data["participants"], agency_ids=data["agencies"],
            expected_version=data["version"]), month_form, conflict_on_form=True)
    if outcome.saved:
        messages.success(request, "記録しました。")
        return redirect("resources:community_place", pk=place.pk)
    recorded = {(m.activity_id, m.month): m for m in
                ActivityMonth.objects.filter(activity__place=place, month__in=months).prefetch_related("agencies")}
    table = [(a, [(m, recorded.get((a.pk, m))) for m in months]) for a in activities]
    return render(request, "resources/community_place.html", {
        "place": place, "table": table, "months": months, "own": own, "activity_form": activity_form,
        "month_form": month_form, "label": fiscal_year_label(fiscal_year(timezone.localdate())),
        "conflict": outcome.conflict,
    })
