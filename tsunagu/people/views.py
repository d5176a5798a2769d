"""本人・世帯 screens. Every read goes through sharing.policy (which logs it); views parse, call and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.agencies.models import Agency
from tsunagu.audit.models import AccessAction, SharingBasis
from tsunagu.cases.models import Case, Consultation
from tsunagu.cases.queries import suggested_agencies
from tsunagu.cases.timeline import household_timeline
from tsunagu.core.forms import add_validation_errors, conflict_rows
from tsunagu.core.locking import EditConflict
from tsunagu.core.pagination import page_of
from tsunagu.sharing import policy
from tsunagu.sharing.forms import ConsentForm, VitalInterestForm
from tsunagu.sharing.models import Consent
from tsunagu.sharing.queries import persons_with_active_consent
from tsunagu.sharing.services import consent_record, consent_withdraw, inquiry_send, vital_interest_disclose

from . import services
from .forms import HouseholdCreateForm, HouseholdForm, MemberAddForm, PersonCreateForm, PersonForm
from .models import Household, Person
from .queries import current_members

PAGE_SIZE = 25
LIST_FIELDS = ["name", "kana", "birth_date", "address", "agency__name"]  # what a row of the list shows


@login_required
def index(request):
    """Person and household search: kanji, kana or part of either; only what the policy allows."""
    query = request.GET.get("q", "").strip()[:100]
    persons = (policy.search_persons(request.actor, query, with_basis=True).select_related("agency")
               .only(*LIST_FIELDS).order_by("kana", "pk"))
    # a search: the page carries its total (one query); the whole list: count, then 25 rows
    page = (page_of(persons, request.GET.get("page"), PAGE_SIZE) if query
            else Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page")))
    households = []
    if query:
        households = list(policy.search_households(request.actor, query, with_basis=True).order_by("name", "pk")[:10])
    # one write for both lists
    policy.log_reads(request.actor, [*page, *households], action=AccessAction.SEARCH if query else AccessAction.LIST,
                     path=request.path)
    return render(request, "people/index.html", {"page": page, "query": query, "households": households,
                                                 "query_string": f"q={query}" if query else ""})


@login_required
def person_detail(request, pk: int):
    person = policy.get_or_404(Person, request.actor, pk, path=request.path)
    actor = request.actor
    context = {
        "person": person, "access": policy.access_of(person), "may_edit": policy.may_edit(person, actor),
        "households": policy.visible(Household.objects.filter(members__person=person).distinct(), actor),
        "cases": policy.visible(Case.objects.filter(person=person), actor).select_related("lead_agency"),
        "consultations": policy.visible(Consultation.objects.filter(person=person), actor)[:20],
        "consents": Consent.objects.filter(person=person).prefetch_related("agencies").select_related("recorded_by"),
        "consent_form": ConsentForm(), "vital_form": VitalInterestForm(),
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
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.person_update(actor=request.actor, person=person, expected_version=version, **data)
        except EditConflict as error:
            conflict = error.current
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "保存しました。")
            return redirect("people:person_detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person, "conflict": conflict,
                                                      "conflict_fields": conflict_rows(conflict, form)})


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
    consented = persons_with_active_consent(visible_ids)
    today = timezone.localdate()
    context = {
        "household": household, "members": members, "access": policy.access_of(household),
        "may_edit": policy.may_edit(household, actor), "member_form": MemberAddForm(),
        "timeline": household_timeline(household, actor),
        "suggested": suggested_agencies(household.multi_issue_fields, exclude=actor.agency_id) if household.multi_issue else [],
        "without_consent": [m for m in members if m.person_id not in consented and (m.person.age_on(today) or 0) >= 18],
        "cases": policy.visible(Case.objects.filter(household=household), actor).select_related("lead_agency"),
    }
    return render(request, "people/household_detail.html", context)


@login_required
def household_edit(request, pk: int):
    household = policy.get_or_404(Household, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(household, request.actor):
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, initial={"name": household.name, "address": household.address,
                                                         "notes": household.notes, "version": household.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.household_update(actor=request.actor, household=household, expected_version=version, **data)
        except EditConflict as error:
            conflict = error.current
        else:
            messages.success(request, "保存しました。")
            return redirect("people:household_detail", household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household, "conflict": conflict,
                                                         "conflict_fields": conflict_rows(conflict, form)})


@login_required
@require_POST
def household_member_add(request, pk: int):
    household = policy.get_or_404(Household, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(household, request.actor):
        raise PermissionDenied
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, "".join(error))
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


@login_required
@require_POST
def household_propose_meeting(request, pk: int):
    """J2: members have not consented, so the worker asks the coordinator to take the household to a 支援会議."""
    household = policy.get_or_404(Household, request.actor, pk, path=request.path)
    inquiry_send(actor=request.actor, query=f"世帯 #{household.pk}",
                 message="複合課題世帯です。同意のない世帯員がいるため、支援会議での検討をお願いします。")
    messages.success(request, "相談支援包括化推進員に支援会議での検討を依頼しました。")
    return redirect("people:household_detail", household.pk)


@login_required
@require_POST
def consent_add(request, pk: int):
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise PermissionDenied
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent = consent_record(actor=request.actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            for agency in consent.agencies.all():  # consent given: a disclosure to each agency it names
                policy.disclosure_log(request.actor, [person], to_agency=agency,
                                      access=policy.Access(SharingBasis.CONSENT), what="本人同意", path=request.path)
            messages.success(request, "本人同意を記録しました。")
    else:
        messages.error(request, "同意の入力内容を確かめてください: " + " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("people:person_detail", person.pk)


@login_required
@require_POST
def consent_withdraw_view(request, pk: int, consent_pk: int):
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise PermissionDenied
    consent = Consent.objects.filter(person=person, pk=consent_pk, withdrawn_on__isnull=True).first()
    if consent is not None:
        consent_withdraw(actor=request.actor, consent=consent, note=request.POST.get("note", "")[:2000])
        messages.success(request, "同意の撤回を記録しました。共有先の機関は直ちに閲覧できなくなります。")
    return redirect("people:person_detail", person.pk)


def agencies_for_forms():
    return Agency.objects.filter(active=True)


@login_required
@require_POST
def vital_interest_add(request, pk: int):
    """緊急時の情報提供 (break the glass): only an agency whose own the person is — it recorded her or leads her case —
    provides what it holds; an agency that sees her on a temporary basis cannot pass her on."""
    person = policy.get_or_404(Person, request.actor, pk, action=AccessAction.EDIT, path=request.path)
    if not policy.may_edit(person, request.actor):
        raise PermissionDenied
    form = VitalInterestForm(request.POST)
    if form.is_valid():
        try:
            disclosure = vital_interest_disclose(actor=request.actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            policy.disclosure_log(request.actor, [person], to_agency=disclosure.to_agency,
                                  access=policy.Access(SharingBasis.VITAL_INTEREST), what="緊急時の情報提供",
                                  path=request.path)
            messages.success(request, "緊急時の情報提供を記録しました。推進員の確認一覧に載ります。")
    else:
        messages.error(request, "提供先・根拠・理由を入力してください。")
    return redirect("people:person_detail", person.pk)
