"""体制整備 pages. Views parse, call and render; rules live in services, queries and permissions."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.models import Agency, JobRole
from tsunagu.agencies.permissions import is_planner, planner_required, staff_required
from tsunagu.core import cells
from tsunagu.core.fiscal import FISCAL_MONTHS, fiscal_year, fiscal_year_label
from tsunagu.core.forms import EditOutcome, add_validation_errors, save_or_conflict

from . import charts, queries, services
from .excel import SheetError, read_inventory_sheet, write_inventory_sheet
from .forms import (
    DesignItemForm,
    InventoryUploadForm,
    MeetingInventoryForm,
    ProgramForm,
    RoadmapActivityForm,
    TaskInterviewForm,
    ThemeForm,
    TimeUseForm,
    TrialCodeForm,
    TrialObservationForm,
    WorksheetTemplateForm,
    WorkshopForm,
    answers_from,
    response_form_class,
)
from .models import (
    TIME_ACTIVITIES,
    DesignItem,
    DesignSection,
    GrandDesign,
    InvitationReply,
    MeetingInventory,
    RoadmapActivity,
    Step,
    TaskInventory,
    TaskInventoryUpload,
    TaskInventoryVersion,
    Theme,
    TrialCode,
    TrialObservation,
    WorksheetTemplate,
    Workshop,
)
from .permissions import check, inventory_editable, inventory_visible, keeps_inventories


def current_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or current_fiscal_year())
    except ValueError:
        return current_fiscal_year()


def _saved_or_shown(request, outcome: EditOutcome, done_url, template, context):
    """After an edit: on to `done_url` once saved; else the form again — with the version stored meanwhile beside
    the user's (409), or with the service's refusal on it."""
    if outcome.saved:
        messages.success(request, "保存しました。")
        return redirect(done_url)
    return render(request, template, {**context, "conflict": outcome.conflict},
                  status=409 if outcome.conflict is not None else 200)


# ---- index -------------------------------------------------------------------------------------------------


@staff_required
def index(request):
    actor = request.actor
    year = _year(request)
    inventories = TaskInventory.objects.select_related("agency")
    if not is_planner(actor):
        inventories = inventories.filter(agency_id=actor.agency_id)
    return render(request, "workspace/index.html", {
        "year": year, "year_label": fiscal_year_label(year), "planner": is_planner(actor),
        "steps": Step.choices, "activities": RoadmapActivity.objects.filter(fiscal_year=year).count(),
        "workshops": queries.workshops_by_date(year),
        "inventories": inventories[:20], "meeting_rows": MeetingInventory.objects.filter(fiscal_year=year).count(),
        "observations": TrialObservation.objects.count(),
    })


# ---- roadmap -----------------------------------------------------------------------------------------------


@staff_required
def roadmap(request):
    year = _year(request)
    activities = list(RoadmapActivity.objects.filter(fiscal_year=year).select_related("workshop", "task_inventory__agency"))
    grid = []
    for value, label in Step.choices:
        rows = [(a, [a.covers(m) for m in FISCAL_MONTHS]) for a in activities if a.step == value]
        grid.append({"step": label, "rows": rows})
    return render(request, "workspace/roadmap.html", {
        "year": year, "year_label": fiscal_year_label(year), "months": FISCAL_MONTHS, "grid": grid, "planner": is_planner(request.actor),
    })


@planner_required
def roadmap_edit(request, pk=None):
    activity = get_object_or_404(RoadmapActivity, pk=pk) if pk else RoadmapActivity(fiscal_year=_year(request))
    form = RoadmapActivityForm(request.POST or None, instance=activity)
    context = {"form": form, "activity": activity}
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: services.roadmap_activity_save(
            actor=request.actor, activity=form.instance, data=form.cleaned_data,
            expected_version=form.cleaned_data.get("expected_version")), form)
        url = f"{_url('workspace:roadmap')}?year={form.instance.fiscal_year}"
        return _saved_or_shown(request, outcome, url, "workspace/roadmap_form.html", context)
    return render(request, "workspace/roadmap_form.html", context)


def _url(name, *args):
    return reverse(name, args=args)


# ---- workshops ---------------------------------------------------------------------------------------------


@planner_required
def workshop_list(request):
    return render(request, "workspace/workshop_list.html", {"workshops": queries.workshops_by_date()})


@planner_required
def workshop_edit(request, pk=None):
    services.worksheet_templates_ensure_builtins()
    workshop = get_object_or_404(Workshop, pk=pk) if pk else Workshop(fiscal_year=current_fiscal_year())
    form = WorkshopForm(request.POST or None, instance=workshop,
                        initial={"invited": [i.agency_id for i in workshop.invitations.all()]} if pk else None)
    program = ProgramForm(request.POST or None, initial={"program": _program_text(workshop)} if pk else None)
    context = {"form": form, "program_form": program, "workshop": workshop}
    if request.method == "POST" and form.is_valid() and program.is_valid():
        outcome = save_or_conflict(lambda: services.workshop_save(
            actor=request.actor, workshop=form.instance, data=form.cleaned_data, invited=list(form.cleaned_data["invited"]),
            program=program.cleaned_data["program"], expected_version=form.cleaned_data.get("expected_version")), form)
        url = _url("workspace:workshop_detail", form.instance.pk) if outcome.saved else ""
        return _saved_or_shown(request, outcome, url, "workspace/workshop_form.html", context)
    return render(request, "workspace/workshop_form.html", context)


def _program_text(workshop) -> str:
    return "\n".join(
        f"{p.starts_at:%H:%M} {p.minutes or ''} {p.title}{' / ' + p.detail if p.detail else ''}".replace("  ", " ")
        for p in workshop.program.all()
    )


@planner_required
def workshop_detail(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    invitations = workshop.invitations.select_related("agency").order_by("agency__kana")
    groups: dict[str, list] = {}
    for inv in invitations:
        groups.setdefault(inv.agency.group, []).append(inv)
    counts = dict(workshop.responses.values_list("template_id").annotate(n=Count("pk")))
    templates = [(t, counts.get(t.pk, 0)) for t in workshop.templates.all()]
    link = request.build_absolute_uri(_url("workspace:respond_public", workshop.response_token))
    return render(request, "workspace/workshop_detail.html", {
        "workshop": workshop, "groups": groups, "templates": templates, "program": workshop.program.all(), "link": link,
    })


@planner_required
def workshop_invitation_reply(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    if request.method == "POST":
        services.workshop_replies_set(actor=request.actor, workshop=workshop, replies=_replies(request.POST))
        messages.success(request, "出欠を保存しました。")
    return redirect("workspace:workshop_detail", pk)


def _replies(post: QueryDict) -> dict[int, tuple[str, int]]:
    """`reply-<invitation>` and `attendees-<invitation>` pairs; a pair that is not a reply and a count is left out."""
    replies = {}
    for key, reply in post.items():
        pk = key.removeprefix("reply-")
        attendees = post.get(f"attendees-{pk}", "0")
        if key.startswith("reply-") and pk.isdigit() and reply in InvitationReply.values and attendees.isdigit():
            replies[int(pk)] = (reply, int(attendees))
    return replies


def _response_form(request, workshop, template, *, public):
    form_class = response_form_class(template)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.worksheet_response_record(
                workshop=workshop, template=template, answers=answers_from(template, data),
                respondent_name=data.get("respondent_name", ""), respondent_affiliation=data.get("respondent_affiliation", ""),
                channel="link" if public else "staff",
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return None
    return form


@planner_required
def respond_staff(request, pk, template_pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    template = get_object_or_404(workshop.templates, pk=template_pk)
    form = _response_form(request, workshop, template, public=False)
    if form is None:
        messages.success(request, "回答を登録しました。続けて入力できます。")
        return redirect("workspace:respond_staff", pk, template_pk)
    return render(request, "workspace/respond.html", {"workshop": workshop, "template": template, "form": form, "public": False})


def respond_public(request, token, template_pk=None):
    """The per-workshop link: no login. It shows only the worksheet, never anyone's answers."""
    workshop = get_object_or_404(Workshop, response_token=token, accepting_responses=True)
    if template_pk is None:
        return render(request, "workspace/respond_choose.html", {"workshop": workshop, "templates": workshop.templates.all()})
    template = get_object_or_404(workshop.templates, pk=template_pk)
    form = _response_form(request, workshop, template, public=True)
    if form is None:
        return render(request, "workspace/respond_thanks.html", {"workshop": workshop})
    return render(request, "workspace/respond.html", {"workshop": workshop, "template": template, "form": form, "public": True})


@planner_required
def workshop_summary(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    answers = queries.workshop_answers(workshop)
    frequencies = queries.term_frequencies(answers, limit=15)
    chart = charts.stacked_bars("よく出てくることば（回答数）", [(t, [n]) for t, n in frequencies], [("回答数", "chart__bar--a")], unit="件")
    themes = list(workshop.themes.all())
    return render(request, "workspace/workshop_summary.html", {
        "workshop": workshop, "sections": queries.workshop_summary(workshop), "chart": chart, "frequencies": frequencies,
        "themes": themes, "areas": [(a, [t for t in themes if t.area == a]) for a in ("consultation", "participation")],
    })


@planner_required
def workshop_summary_csv(request, pk):
    """Answers only: never a name or affiliation (they are not even selected). Answers come from the public link,
    so every cell is written as text (tsunagu.core.cells), never as a formula."""
    workshop = get_object_or_404(Workshop, pk=pk)
    out = io.StringIO()
    out.write("\ufeff")
    writer = cells.csv_writer(out)
    writer.writerow(["ワークシート", "設問", "回答"])
    for section in queries.workshop_summary(workshop):
        for q in section["questions"]:
            for answer in q["answers"]:
                value = answer if isinstance(answer, str) else " / ".join(f"{k}: {v}" for k, v in answer.items() if v)
                writer.writerow([section["template"].name, q["question"]["label"], value])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}-answers.csv"'
    return response


@planner_required
def workshop_themes(request, pk):
    workshop = get_object_or_404(Workshop, pk=pk)
    answers = queries.workshop_answers(workshop)
    proposals = queries.text.propose_themes(answers)
    if request.method == "POST":
        index = int(request.POST.get("proposal", "-1"))
        if 0 <= index < len(proposals):
            p = proposals[index]
            quotes = [{"response": a.response_id, "key": a.key, "text": a.text} for a in p.answers[:20]]
            area = request.POST.get("area") if request.POST.get("area") in {"consultation", "participation"} else p.area
            services.theme_adopt(workshop=workshop, title=request.POST.get("title", ""), area=area, terms=p.terms,
                                 quotes=quotes)
            messages.success(request, "テーマとして採用しました。")
        return redirect("workspace:workshop_themes", pk)
    adopted = {tuple(t.terms) for t in workshop.themes.all()}
    return render(request, "workspace/workshop_themes.html", {
        "workshop": workshop, "proposals": [(i, p, tuple(p.terms) in adopted) for i, p in enumerate(proposals)],
        "answer_count": len(answers),
    })


@planner_required
def theme_edit(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    if request.method == "POST" and request.POST.get("delete"):
        services.theme_remove(actor=request.actor, theme=theme)
        messages.success(request, "テーマを外しました（回答そのものは残っています）。")
        return redirect("workspace:workshop_summary", theme.workshop_id)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        keep = {int(i) for i in request.POST.getlist("keep") if i.isdigit()}
        services.theme_update(actor=request.actor, theme=theme, title=form.cleaned_data["title"],
                              area=form.cleaned_data["area"], keep=keep)
        messages.success(request, "保存しました。")
        return redirect("workspace:workshop_summary", theme.workshop_id)
    return render(request, "workspace/theme_form.html", {"form": form, "theme": theme})


@planner_required
def template_list(request):
    services.worksheet_templates_ensure_builtins()
    return render(request, "workspace/template_list.html", {"templates": WorksheetTemplate.objects.all()})


@planner_required
def template_edit(request, pk=None):
    template = get_object_or_404(WorksheetTemplate, pk=pk) if pk else WorksheetTemplate()
    form = WorksheetTemplateForm(request.POST or None, instance=template)
    context = {"form": form, "template_obj": template}
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: services.worksheet_template_save(
            actor=request.actor, template=form.instance, questions_text=form.cleaned_data["questions_text"],
            expected_version=form.cleaned_data.get("expected_version")), form)
        return _saved_or_shown(request, outcome, _url("workspace:templates"), "workspace/template_form.html", context)
    return render(request, "workspace/template_form.html", context)


# ---- 業務棚卸 ----------------------------------------------------------------------------------------------


@staff_required
def inventory_list(request):
    actor = request.actor
    inventories = TaskInventory.objects.select_related("agency").annotate(n_rows=Count("rows", distinct=True))
    if not is_planner(actor):
        inventories = inventories.filter(agency_id=actor.agency_id)
    return render(request, "workspace/inventory_list.html", {
        "inventories": inventories, "can_upload": keeps_inventories(actor),
    })


@staff_required
def inventory_upload(request):
    actor = request.actor
    check(keeps_inventories(actor))
    form = InventoryUploadForm(request.POST or None, request.FILES or None,
                               initial={"agency": actor.agency_id, "fiscal_year": current_fiscal_year()})
    if not is_planner(actor):
        form.fields["agency"].queryset = Agency.objects.filter(pk=actor.agency_id)
    if request.method == "POST" and form.is_valid():
        agency, year, sheet = form.cleaned_data["agency"], form.cleaned_data["fiscal_year"], form.cleaned_data["sheet"]
        check(inventory_editable(actor, agency.pk))
        try:
            parsed = read_inventory_sheet(sheet.read())
            inventory = services.task_inventory_import(agency=agency, fiscal_year=year, parsed=parsed, by=request.user)
        except SheetError as exc:
            form.add_error("sheet", f"{exc} 何も保存していません。直してからもう一度アップロードしてください。")
        except services.ReplaceNotConfirmed:
            try:
                upload = services.task_inventory_upload_hold(agency=agency, fiscal_year=year, parsed=parsed,
                                                             by=request.user, file_name=sheet.name or "")
            except SheetError as exc:
                form.add_error("sheet", f"{exc} 何も保存していません。直してからもう一度アップロードしてください。")
            else:
                return redirect("workspace:inventory_upload_confirm", upload.pk)
        else:
            messages.success(request, f"{len(parsed.rows)}件の業務を取り込みました。")
            return redirect("workspace:inventory_detail", inventory.pk)
    return render(request, "workspace/inventory_upload.html", {"form": form})


@staff_required
def inventory_upload_confirm(request, pk):
    """The second step of a re-upload: what the sheet replaces, and the replacement once she confirms it."""
    upload = get_object_or_404(TaskInventoryUpload.objects.select_related("agency"), pk=pk, uploaded_by=request.user)
    check(inventory_editable(request.actor, upload.agency_id))
    current = get_object_or_404(TaskInventory, agency_id=upload.agency_id, fiscal_year=upload.fiscal_year)
    if request.method == "POST":
        if "cancel" in request.POST:
            upload.delete()
            messages.info(request, "取り込みを取りやめました。業務棚卸表は変わっていません。")
            return redirect("workspace:inventory_detail", current.pk)
        inventory = services.task_inventory_upload_confirm(upload=upload, by=request.user)
        messages.success(request, f"{len(upload.sheet['rows'])}件の業務で置き換えました。置き換える前の表は「履歴」から戻せます。")
        return redirect("workspace:inventory_detail", inventory.pk)
    return render(request, "workspace/inventory_upload_confirm.html", {
        "upload": upload, "current": current, "current_rows": current.rows.count(),
        "new_rows": len(upload.sheet["rows"]), "headings": upload.sheet["headings"],
    })


@staff_required
def inventory_versions(request, pk):
    inventory = _inventory_for(request, pk)
    return render(request, "workspace/inventory_versions.html", {
        "inventory": inventory, "versions": inventory.versions.select_related("replaced_by"),
        "editable": inventory_editable(request.actor, inventory.agency_id),
    })


@staff_required
@require_POST
def inventory_version_restore(request, pk, version_pk):
    inventory = _inventory_for(request, pk)
    check(inventory_editable(request.actor, inventory.agency_id))
    version = get_object_or_404(TaskInventoryVersion, pk=version_pk, inventory=inventory)
    services.task_inventory_restore(version=version, by=request.user)
    messages.success(request, f"版 {version.version} の業務棚卸表に戻しました。戻す前の表も履歴に残っています。")
    return redirect("workspace:inventory_detail", inventory.pk)


def _inventory_for(request, pk) -> TaskInventory:
    inventory = get_object_or_404(TaskInventory.objects.select_related("agency"), pk=pk)
    check(inventory_visible(request.actor, inventory))
    return inventory


def _inventory_charts(analysis) -> dict:
    marks = charts.stacked_bars(
        "職種ごとの印の数（◎ 職種の業務で実施・○ 誰でもできる業務・× 取り組めていない）",
        [(s.column.heading, [s.own_done, s.anyone, s.own_not_done]) for s in analysis.stats],
        [("◎", "chart__bar--a"), ("○", "chart__bar--b"), ("×", "chart__bar--x")], unit="件",
    )
    series = [(a, f"chart__bar--t{i}") for i, a in enumerate(TIME_ACTIVITIES)]
    time = charts.stacked_bars(
        "職員ごとの1日の動き（時間）",
        [(f"{t.label}（{t.job_role.name}）", [float(t.hours.get(a, 0)) for a in TIME_ACTIVITIES]) for t in analysis.time_uses],
        series, unit="h",
    ) if analysis.time_uses else ""
    return {"marks_chart": marks, "time_chart": time}


@staff_required
def inventory_detail(request, pk):
    inventory = _inventory_for(request, pk)
    analysis = queries.inventory_analysis(inventory)
    return render(request, "workspace/inventory_detail.html", {
        "inventory": inventory, "a": analysis, "activities": TIME_ACTIVITIES, **_inventory_charts(analysis),
        "editable": inventory_editable(request.actor, inventory.agency_id), "print": request.GET.get("print") == "1",
        "interviews": inventory.interviews.select_related("job_role"),
    })


@staff_required
def inventory_export(request, pk):
    inventory = _inventory_for(request, pk)
    columns, rows = queries.inventory_load(inventory)
    data = write_inventory_sheet(inventory, columns, rows)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="task-inventory-{inventory.agency_id}-{inventory.fiscal_year}.xlsx"'
    return response


@staff_required
def time_use_add(request, pk):
    inventory = _inventory_for(request, pk)
    check(inventory_editable(request.actor, inventory.agency_id))
    roles = JobRole.objects.filter(pk__in=inventory.columns.values("job_role"))
    form = TimeUseForm(request.POST or None, roles=roles if roles.exists() else JobRole.objects.all())
    if request.method == "POST" and form.is_valid():
        services.time_use_add(actor=request.actor, inventory=inventory, job_role=form.cleaned_data["job_role"],
                              label=form.cleaned_data["label"], hours=form.cleaned_data["hours"])
        messages.success(request, "1日の動きを登録しました。")
        return redirect("workspace:inventory_detail", pk)
    return render(request, "workspace/simple_form.html", {"form": form, "title": "1日の動きを追加", "back": _url("workspace:inventory_detail", pk)})


@staff_required
def interview_add(request, pk):
    inventory = _inventory_for(request, pk)
    check(inventory_editable(request.actor, inventory.agency_id))
    form = TaskInterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.task_interview_add(actor=request.actor, inventory=inventory, interview=form.instance)
        messages.success(request, "業務ヒアリングを登録しました。")
        return redirect("workspace:inventory_detail", pk)
    return render(request, "workspace/simple_form.html", {"form": form, "title": "業務ヒアリングを追加", "back": _url("workspace:inventory_detail", pk)})


# ---- 会議・研修一覧 ----------------------------------------------------------------------------------------


@staff_required
def meeting_inventory(request):
    actor = request.actor
    check(keeps_inventories(actor))
    year = _year(request)
    rows = MeetingInventory.objects.filter(fiscal_year=year).select_related("host", "reported_by").prefetch_related("attending")
    if not is_planner(actor):
        rows = rows.filter(reported_by_id=actor.agency_id)
    return render(request, "workspace/meeting_inventory.html", {
        "rows": rows, "year": year, "year_label": fiscal_year_label(year), "planner": is_planner(actor),
    })


@staff_required
def meeting_inventory_edit(request, pk=None):
    actor = request.actor
    check(keeps_inventories(actor))
    entry = get_object_or_404(MeetingInventory, pk=pk) if pk else MeetingInventory(
        fiscal_year=current_fiscal_year(), reported_by_id=actor.agency_id, host_id=actor.agency_id)
    check(is_planner(actor) or entry.reported_by_id == actor.agency_id)
    form = MeetingInventoryForm(request.POST or None, instance=entry)
    context = {"form": form, "entry": entry}
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: services.meeting_inventory_save(
            actor=actor, entry=form.instance, data=form.cleaned_data,
            expected_version=form.cleaned_data.get("expected_version")), form)
        url = f"{_url('workspace:meeting_inventory')}?year={form.instance.fiscal_year}"
        return _saved_or_shown(request, outcome, url, "workspace/meeting_inventory_form.html", context)
    return render(request, "workspace/meeting_inventory_form.html", context)


@planner_required
def meeting_proposals(request):
    year = _year(request)
    proposals = queries.consolidation_proposals(year)
    return render(request, "workspace/meeting_proposals.html", {
        "proposals": proposals, "year": year, "year_label": fiscal_year_label(year),
        "total": round(sum(p.hours_saved for p in proposals), 1), "travel": queries.TRAVEL_HOURS, "prep": queries.PREP_HOURS,
    })


# ---- グランドデザイン --------------------------------------------------------------------------------------


@staff_required
def design(request):
    year = _year(request)
    plan = GrandDesign.objects.filter(fiscal_year=year).first()
    items = list(plan.items.select_related("owner")) if plan else []
    sections = [(label, [i for i in items if i.section == value]) for value, label in DesignSection.choices]
    return render(request, "workspace/design.html", {
        "year": year, "year_label": fiscal_year_label(year), "plan": plan, "sections": sections, "planner": is_planner(request.actor),
    })


@planner_required
def design_item_edit(request, pk=None):
    year = _year(request)
    item = get_object_or_404(DesignItem, pk=pk) if pk else DesignItem()
    form = DesignItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = services.design_item_save(actor=request.actor, item=form.instance, fiscal_year=year)
        messages.success(request, "保存しました。")
        return redirect(f"{_url('workspace:design')}?year={item.design.fiscal_year}")
    return render(request, "workspace/simple_form.html", {"form": form, "title": "グランドデザインの項目", "back": _url("workspace:design")})


@staff_required
def network_page(request):
    """The network's graph (drawn from network_json) and its table: the busiest referral pairs, every pair with
    ?pairs=all."""
    year = _year(request)
    everything = request.GET.get("pairs") == "all"
    pairs = queries.referral_pairs(year, busiest=None if everything else queries.BUSIEST_PAIRS)
    return render(request, "workspace/network.html", {
        "year": year, "year_label": fiscal_year_label(year), "pairs": pairs, "everything": everything, "busiest": queries.BUSIEST_PAIRS,
    })


@staff_required
def network_json(request):
    return JsonResponse(queries.network(_year(request), busiest=queries.BUSIEST_PAIRS))


# ---- 試行検証 ----------------------------------------------------------------------------------------------


@planner_required
def trial(request):
    services.trial_codes_ensure_defaults()
    observations = TrialObservation.objects.prefetch_related("codes")
    codes = TrialCode.objects.prefetch_related("observations")
    form = TrialObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.trial_observation_save(actor=request.actor, observation=form.instance, data=form.cleaned_data)
        messages.success(request, "記録しました。")
        return redirect("workspace:trial")
    return render(request, "workspace/trial.html", {"observations": observations, "codes": codes, "form": form})


@planner_required
def trial_edit(request, pk):
    observation = get_object_or_404(TrialObservation, pk=pk)
    form = TrialObservationForm(request.POST or None, instance=observation)
    context = {"form": form, "title": "試行検証記録の修正", "back": _url("workspace:trial")}
    if request.method == "POST" and form.is_valid():
        outcome = save_or_conflict(lambda: services.trial_observation_save(
            actor=request.actor, observation=form.instance, data=form.cleaned_data,
            expected_version=form.cleaned_data.get("expected_version")), form)
        return _saved_or_shown(request, outcome, _url("workspace:trial"), "workspace/simple_form.html", context)
    return render(request, "workspace/simple_form.html", context)


@planner_required
def trial_code_edit(request, pk=None):
    code = get_object_or_404(TrialCode, pk=pk) if pk else TrialCode()
    form = TrialCodeForm(request.POST or None, instance=code)
    if request.method == "POST" and form.is_valid():
        services.trial_code_save(actor=request.actor, code=form.instance)
        messages.success(request, "コードを保存しました。")
        return redirect("workspace:trial")
    return render(request, "workspace/simple_form.html", {"form": form, "title": "コード（所見）", "back": _url("workspace:trial")})
