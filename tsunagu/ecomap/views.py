"""ジェノグラム・エコマップ pages and SVGs. Households, persons and cases are read through sharing.policy (404
without a basis; every read logged). The SVGs are drawn on the server: nothing is fetched from outside."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from tsunagu.audit.models import AccessAction
from tsunagu.cases.models import Case
from tsunagu.people.models import Household
from tsunagu.sharing import policy

from . import genogram, queries, services
from .forms import FigureForm, TieForm
from .models import EcomapTie


def _focus(request) -> int | None:
    try:
        return int(request.GET["focus"])
    except (KeyError, ValueError):
        return None


def _household(request, pk: int) -> Household:
    """The household if the actor has a basis for it (carrying the basis), else 404. The caller logs the read,
    together with the members and cases it shows: one write to the access log per request."""
    household = policy.checked(Household, request.actor, pk)
    if household is None:
        raise Http404
    return household


def _picture(request, pk: int, action: str = AccessAction.VIEW, *, also_cases: bool = False):
    """The household, its genogram (members through the policy) and, with `also_cases`, its ecomap and cases.
    Every row shown is logged, in one write."""
    household = _household(request, pk)
    picture = queries.household_picture(household, request.actor, index_person_id=_focus(request))
    ecomap, cases = queries.household_ecomap(household, request.actor, picture.members) if also_cases else ("", [])
    policy.log_reads(request.actor, [household, *picture.persons, *cases], action=action, path=request.path)
    return household, picture, ecomap, cases


def _svg(markup: str) -> HttpResponse:
    response = HttpResponse(markup, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def household(request, pk: int):
    household, picture, ecomap, cases = _picture(request, pk, also_cases=True)
    return render(request, "ecomap/household.html", {
        "household": household, "genogram": mark_safe(genogram.render(picture.figure)),  # noqa: S308 -- built with escape()
        "ecomap": mark_safe(ecomap), "members": picture.members, "cases": cases,  # noqa: S308
        "figures": picture.figures, "may_edit": policy.may_edit(household, request.actor),
        "figure_form": FigureForm(members=picture.members)})


@login_required
def genogram_svg(request, pk: int):
    _, picture, _, _ = _picture(request, pk)
    return _svg(genogram.render(picture.figure))


@login_required
def household_ecomap_svg(request, pk: int):
    _, _, markup, _ = _picture(request, pk, also_cases=True)
    return _svg(markup)


def _diagrams(context: dict) -> HttpResponse:
    """The card's fragment. It needs nothing of the request (no navigation, no form), so the page's context
    processors are not run for it."""
    return HttpResponse(render_to_string("ecomap/_diagrams.html", context))


@login_required
def household_diagrams(request, pk: int):
    """The household page's card: the genogram and the household's ecomap drawn into one answer (one request, one
    write to the access log). The page loads it with htmx."""
    household, picture, ecomap, _ = _picture(request, pk, also_cases=True)
    return _diagrams({
        "household": household, "genogram": mark_safe(genogram.render(picture.figure)),  # noqa: S308 -- built with escape()
        "ecomap": mark_safe(ecomap), "open_url": reverse("ecomap:household", args=[household.pk])})  # noqa: S308


@login_required
@require_POST
def figure_add(request, pk: int):
    household, picture, _, _ = _picture(request, pk, AccessAction.EDIT)
    if not policy.may_edit(household, request.actor):
        raise PermissionDenied
    form = FigureForm(request.POST, members=picture.members)
    try:
        if not form.is_valid():
            raise ValidationError("入力内容を確かめてください。" + " ".join(str(e) for errs in form.errors.values() for e in errs))
        d = form.cleaned_data
        by_id = {m.person_id: m.person for m in picture.members}
        services.figure_add(actor=request.actor, household=household, label=d["label"], sex=d["sex"],
                            birth_year=d["birth_year"], deceased=d["deceased"], partner_of=by_id.get(d["partner_of"]),
                            union_status=d["union_status"], parent_of=[by_id[i] for i in d["parent_of"] if i in by_id])
        messages.success(request, "ジェノグラムに加えました。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ecomap:household", household.pk)


_CASE_ROWS = Case.objects.select_related("lead_agency", "person", "household")


def _case(request, pk: int, action: str = AccessAction.VIEW) -> Case:
    return policy.get_or_404(Case, request.actor, pk, action=action, path=request.path,
                             queryset=queries.with_member_count(_CASE_ROWS))


@login_required
def case(request, pk: int):
    case = _case(request, pk)
    markup, nodes = queries.case_ecomap(case, request.actor)
    ties = list(case.ecomap_ties.select_related("agency", "recorded_by").order_by("ended_on", "kind", "pk"))
    return render(request, "ecomap/case.html", {"case": case, "ecomap": mark_safe(markup), "nodes": nodes,  # noqa: S308
                                                "ties": ties, "form": TieForm()})


@login_required
def case_svg(request, pk: int):
    case = _case(request, pk)
    markup, _ = queries.case_ecomap(case, request.actor)
    return _svg(markup)


@login_required
def case_diagrams(request, pk: int):
    """The case page's card: the genogram of the case's household (the person's current one for a person's case,
    the person doubled) and the case's ecomap, drawn into one answer: one request, one write to the access log for
    the case, the household and every member drawn. Without a basis for the household only the ecomap is drawn.
    The household comes with the case (or with the person's membership) and is checked by the policy in Python."""
    case = policy.checked(Case, request.actor, pk, queryset=_CASE_ROWS)
    if case is None:
        raise Http404
    household = case.household if case.household_id else queries.current_household(case.person_id)
    household = next(iter(policy.checked_rows(request.actor, [household] if household else [])), None)
    picture = queries.household_picture(household, request.actor, index_person_id=case.person_id) if household else None
    ecomap, _ = queries.case_ecomap(case, request.actor, member_count=picture.member_count if picture else None)
    policy.log_reads(request.actor, [case, *([household, *picture.persons] if picture else [])], path=request.path)
    return _diagrams({
        "case": case, "household": household, "ecomap": mark_safe(ecomap),  # noqa: S308 -- built with escape()
        "genogram": mark_safe(genogram.render(picture.figure)) if picture else "",  # noqa: S308
        "open_url": reverse("ecomap:case", args=[case.pk])})


@login_required
@require_POST
def tie_add(request, pk: int):
    case = _case(request, pk, AccessAction.EDIT)
    form = TieForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("入力内容を確かめてください。")
        d = form.cleaned_data
        services.tie_add(actor=request.actor, case=case, kind=d["kind"], strength=d["strength"], agency=d["agency"],
                         label=d["label"], flow=d["flow"], note=d["note"])
        messages.success(request, "つながりを記録しました。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("ecomap:case", case.pk)


@login_required
@require_POST
def tie_end(request, pk: int):
    tie = EcomapTie.objects.filter(pk=pk).select_related("case").first()
    if tie is None:
        raise Http404
    _case(request, tie.case_id, AccessAction.EDIT)
    try:
        services.tie_end(actor=request.actor, tie=tie)
        messages.success(request, "つながりを終了として記録しました（記録は残ります）。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("ecomap:case", tie.case_id)


