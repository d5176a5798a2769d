"""本人・世帯 screens. Every read goes through sharing.policy (which logs it); views parse, call and render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tsunagu.audit.models import AccessAction
from tsunagu.core.forms import EditOutcome, add_validation_errors, conflict_rows, save_or_conflict
from tsunagu.core.pagination import capped_page
from tsunagu.core.sections import sections_for
from tsunagu.sharing import policy

from . import services
from .forms import HouseholdCreateForm, HouseholdForm, MemberAddForm, PersonCreateForm, PersonForm
from .models import Household, Person
from .queries import current_members

PAGE_SIZE = 25
SEARCH_CAP = 100  # a total beyond is shown as 「100件以上」 (core.pagination.capped_page)
LIST_FIELDS = ["name", "kana", "birth_date", "address", "agency__name"]  # what a row of the list shows


@login_required
def index(request):
    """Person and household search: kanji, kana or part of either; only what the policy allows."""
    query = request.GET.get("q", "").strip()[:100]
    persons = policy.search_persons(request.actor, query, with_basis=True).select_related("agency").only(*LIST_FIELDS)
    # in ふりがな order off an index (people.search_index), so the page stops after its 26 rows; the total is
    # counted up to SEARCH_CAP only when there is a next page (core.pagination.capped_page)
    page = capped_page(persons, request.GET.get("page"), PAGE_SIZE, cap=SEARCH_CAP,
                       counted=policy.search_persons_to_count(request.actor, query))
    households = []
    if query:  # the first ten in name order, off the search's index as well
        households = list(policy.search_households(request.actor, query, with_basis=True)[:10])
    # one write for both lists
    policy.log_reads(request.actor, [*page, *households], action=AccessAction.SEARCH if query else AccessAction.LIST,
                     path=request.path)
    return render(request, "people/index.html", {"page": page, "query": query, "households": households,
                                                 "query_string": urlencode({"q": query}) if query else ""})


@login_required
def person_detail(request, pk: int):
    person = policy.get_or_404(Person, request.actor, pk, path=request.path)
    actor = request.actor
    context = {
        "person": person, "access": policy.access_of(person), "may_edit": policy.may_edit(person, actor),
        "households": policy.visible(Household.objects.filter(members__person=person).distinct(), actor),
        # her cases and consultations (cases), her consents and the forms to record one (sharing): core.sections
        "sections": sections_for("person", request, person=person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_create(request):
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{person.name} さんを登録しました。")
            return redirect("people:person_detail", person.pk)
    return render(request, "people/person_form.html", {"form": form})


@login_required
def person_edit(request, pk: int):
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise PermissionDenied
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS} | {"version": person.version}
    form = PersonForm(request.POST or None, initial=initial)
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = save_or_conflict(
            lambda: services.person_update(actor=request.actor, person=person, expected_version=version, **data), form)
        if outcome.saved:
            messages.success(request, "保存しました。")
            return redirect("people:person_detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person, "conflict": outcome.conflict,
                                                      "conflict_fields": conflict_rows(outcome.conflict, form)})


@login_required
def household_create(request):
    form = HouseholdCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        household = services.household_create(actor=request.actor, **form.cleaned_data)
        messages.success(request, "世帯を登録しました。続けて世帯員を追加してください。")
        return redirect("people:household_detail", household.pk)
    return render(request, "people/household_form.html", {"form": form})


@login_required
def household_detail(request, pk: int):
    actor = request.actor
    household = policy.get_or_404(Household, actor, pk, path=request.path)
    member_rows = list(current_members(household))
    visible_ids = set(policy.visible(Person.objects.filter(pk__in=[m.person_id for m in member_rows]), actor)
                      .values_list("pk", flat=True))
    members = [m for m in member_rows if m.person_id in visible_ids]
    policy.log_reads(actor, policy.visible(Person.objects.filter(pk__in=visible_ids), actor), path=request.path)
    context = {
        "household": household, "members": members, "access": policy.access_of(household),
        "may_edit": policy.may_edit(household, actor), "member_form": MemberAddForm(),
        # its cases and timeline, the agencies that fit a 複合課題世帯 (cases), members without consent (sharing)
        "sections": sections_for("household", request, household=household, members=members),
    }
    return render(request, "people/household_detail.html", context)


@login_required
def household_edit(request, pk: int):
    household = policy.get_or_404(Household, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(household, request.actor):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, initial={"name": household.name, "address": household.address,
                                                         "notes": household.notes, "version": household.version})
    outcome = EditOutcome()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        outcome = save_or_conflict(
            lambda: services.household_update(actor=request.actor, household=household, expected_version=version, **data),
            form)
        if outcome.saved:
            messages.success(request, "保存しました。")
            return redirect("people:household_detail", household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household,
                                                         "conflict": outcome.conflict,
                                                         "conflict_fields": conflict_rows(outcome.conflict, form)})


@login_required
@require_POST
def household_member_add(request, pk: int):
    household = policy.get_or_404(Household, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(household, request.actor):
        raise PermissionDenied
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, "".join(str(message) for message in error))
        return redirect("people:household_detail", household.pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if data["person"]:
                person = policy.get_or_404(Person, request.actor, data["person"], path=request.path)
            else:
                person = services.person_create(actor=request.actor, name=data["name"], kana=data["kana"],
                                                birth_date=data["birth_date"], sex=data["sex"], address=household.address)
            services.household_member_add(actor=request.actor, household=household, person=person,
                                          relation_to_head=data["relation_to_head"], is_head=not data["relation_to_head"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{person.name} さんを世帯員に追加しました。")
    return redirect("people:household_detail", household.pk)
