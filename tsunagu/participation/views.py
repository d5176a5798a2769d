"""参加支援 screens: personal data, read through the case and sharing.policy. The addresses are under
/resources/placements/, where they were when placements lived in the directory."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.permissions import staff_required
from tsunagu.resources import queries as resources
from tsunagu.resources.models import Service

from . import queries, services
from .forms import CheckInForm, PlacementEndForm, PlacementForm
from .models import Placement


@staff_required
def placement_new(request, case_pk: int):
    case = queries.case_for(request.actor, case_pk, path=request.path)
    persons = queries.persons_for(case, request.actor)
    person = persons[0] if persons else None
    text = request.GET.get("q", "").strip()
    if text:
        found = resources.result_page(resources.active_services(), resources.Filters(query=text), 1, 15).object_list
    else:
        found = queries.suggestions(fields=queries.concern_fields(case, request.actor),
                                    age=person.age if person else None, address=person.address if person else "")
    chosen = request.POST.get("service")
    if chosen and chosen not in {s.pk for s in found}:
        found = [*found, *Service.objects.filter(pk=chosen, status="active")]
    form = PlacementForm(request.POST or None, services=found, persons=persons,
                         initial={"started_on": timezone.localdate(), "purpose": "place"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        placement = services.placement_create(
            actor=request.actor, case=case, person=next(p for p in persons if str(p.pk) == data["person"]),
            service=Service.objects.get(pk=data["service"]), data=data)
        messages.success(request, "参加支援を記録しました。ケースの経過に表示されます。")
        return redirect("participation:placement_detail", pk=placement.pk)
    return render(request, "participation/placement_new.html",
                  {"case": case, "form": form, "services": found, "query": text, "persons": persons})


def _placement_for(request, pk: int) -> Placement:
    placement = get_object_or_404(Placement.objects.select_related("service", "agency", "person"), pk=pk)
    queries.case_for(request.actor, placement.case_id, path=request.path)  # 404 without a basis; read logged
    return placement


@staff_required
def placement_detail(request, pk: int):
    placement = _placement_for(request, pk)
    today = timezone.localdate()
    return render(request, "participation/placement_detail.html", {
        "placement": placement, "check_ins": placement.check_ins.select_related("agency"),
        "check_in_form": CheckInForm(initial={"on": today}), "end_form": PlacementEndForm(initial={"ended_on": today}),
    })


@staff_required
@require_POST
def placement_check_in(request, pk: int):
    placement = _placement_for(request, pk)
    form = CheckInForm(request.POST)
    if form.is_valid():
        services.placement_check_in(actor=request.actor, placement=placement, **form.cleaned_data)
        messages.success(request, "様子を記録しました。")
    else:
        messages.error(request, "日付と様子を入力してください。")
    return redirect("participation:placement_detail", pk=pk)


@staff_required
@require_POST
def placement_end(request, pk: int):
    placement = _placement_for(request, pk)
    form = PlacementEndForm(request.POST)
    if form.is_valid():
        services.placement_end(placement=placement, ended_on=form.cleaned_data["ended_on"],
                               reason=form.cleaned_data["reason"])
        messages.success(request, "終了を記録しました。")
    else:
        messages.error(request, "終了日と理由を入力してください。")
    return redirect("participation:placement_detail", pk=pk)
