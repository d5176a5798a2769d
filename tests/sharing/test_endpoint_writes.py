"""No write widens what anyone sees, except a recorded disclosure — proved for every endpoint.

The table below lists every pattern of the URL conf and every operation of /api/openapi.json, either as WRITE cases
(small builders: the requests a persona makes, aimed at what it sees only through its temporary basis) or as
READ-ONLY (a POST — or, for an API read, the operation itself — changes no row of any personal-data table). An
endpoint missing from the table fails `test_every_endpoint_is_in_the_table` by name: add it here.

For each persona of tests/sharing/writes_world.py (one per temporary basis, and the meetings' convener) and each
write case, inside its own rolled-back transaction:

(a) after the requests, no agency sees a person, household or case it did not see before — except the acting
    agency's own new rows (agency_id = the acting agency), and a disclosure that names its basis, written per write
    case below (`Allowed`): consent given, an emergency disclosure, a referral accepted under a basis, a case's lead
    agency transferred (移管) to an agency that has a basis for its subject, a member or agenda item added by the
    meeting's convener;
(b) once the persona's basis has ended (consent withdrawn, membership ended, disclosure expired), the acting agency
    sees nothing more than the twin agency (which never held a basis) apart from rows it recorded itself, and what a
    disclosure to it allows.

Narrowing (ending a basis, leaving a meeting) is always allowed: only gains are checked.

Snapshots ask `policy.visible` with fresh actors and the policy's Scope cache emptied, so they show the data, never a
remembered answer. They cost most of the run, so a write case that wrote none of the tables the policy reads
(POLICY_TABLES: seen in the SQL it ran, and in their counts) reuses the snapshots of the world without it. The
world is built once per test and every write case is rolled back.
"""

import json
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from tests import factories
from tests.sharing import writes_world as ww
from tsunagu.agencies.models import Membership
from tsunagu.cases.models import Case, CaseNote, Consultation, Referral
from tsunagu.inquiries.models import HelpRequest
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingMember
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.sharing.models import Consent, VitalInterestDisclosure

pytestmark = pytest.mark.django_db

PERSONAL_MODELS = [Person, Household, HouseholdMember, Case, Consultation, CaseNote, Referral, Consent, MeetingMember,
                   AgendaItem, VitalInterestDisclosure]
MISSING = 987654  # the id of a row that does not exist: non-personal pages have no object in this world


# ------------------------------------------------------------------------------------------------------------------
# Requests, scenes and allowed disclosures
# ------------------------------------------------------------------------------------------------------------------


@dataclass
class Req:
    method: str
    url: str
    data: dict = field(default_factory=dict)
    api: bool = False  # a JSON body

    def send(self, client):
        if self.api and self.method != "get":
            return getattr(client, self.method)(self.url, json.dumps(self.data), content_type="application/json")
        return getattr(client, self.method)(self.url, self.data)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


@dataclass
class Scene:
    """The world seen from one persona: what its writes aim at."""

    w: ww.WritesWorld
    p: ww.Persona
    facts: dict = field(default_factory=dict)  # what a write case notes down between its requests

    @property
    def today(self) -> str:
        return timezone.localdate().isoformat()

    def days(self, n: int) -> str:
        return (timezone.localdate() + timedelta(days=n)).isoformat()

    @property
    def agency(self):
        return self.p.agency

    def staff(self, role: str):
        return self.p.manager if role == "manager" else self.p.worker

    def post(self, url: str, data: dict | None = None) -> Req:
        return Req("post", url, data or {})

    def api(self, method: str, url: str, data: dict | None = None) -> Req:
        return Req(method, url, data or {}, api=True)

    def newest(self, model, **filters):
        """The newest row of `model` the acting agency recorded (agency_id), e.g. the case a consultation opened."""
        return model.objects.filter(agency_id=self.agency.pk, **filters).order_by("-pk").first()

    @property
    def note(self):
        return CaseNote.objects.filter(case=self.p.case, agency=self.w.recorder).order_by("pk").first()


# The objects a read-only entry may name to fill its route's parameters (a cluster is numbered by a person's id).
REFS = {
    "person": lambda s: s.p.person, "household": lambda s: s.p.household, "case": lambda s: s.p.case,
    "plan": lambda s: s.w.plan, "referral": lambda s: s.p.referral, "consultation": lambda s: s.w.consultation,
    "meeting": lambda s: s.p.meeting, "sitting": lambda s: s.p.sitting, "placement": lambda s: s.w.placement,
    "service": lambda s: s.w.service, "agency": lambda s: s.p.agency, "staff": lambda s: s.p.worker,
    "membership": lambda s: s.p.worker.memberships.first(), "cluster": lambda s: s.p.person,
}


@dataclass
class Allowed:
    """A disclosure that names its basis: what `agency_id` may newly see because of it."""

    agency_id: int
    basis: str
    persons: set = field(default_factory=set)
    households: set = field(default_factory=set)
    cases: set = field(default_factory=set)

    def ids(self, kind: str) -> set:
        return getattr(self, kind)


def covered_by_person(agency_id: int, basis: str, person_id: int) -> Allowed:
    """What consent or an emergency disclosure about one person covers: her, her households and their cases."""
    households = ww.current_households([person_id])
    cases = set(Case.objects.filter(compartment="").filter(person_id=person_id).values_list("pk", flat=True))
    cases |= set(Case.objects.filter(compartment="", household_id__in=households).values_list("pk", flat=True))
    return Allowed(agency_id, basis, {person_id}, households, cases)


def covered_by_meeting(meeting: Meeting) -> tuple[set, set, set]:
    """The persons, households and cases a meeting's current agenda covers."""
    today = timezone.localdate()
    items = AgendaItem.objects.filter(meeting=meeting, added_on__lte=today).exclude(removed_on__lte=today)
    case_ids = {c for c in items.values_list("case_id", flat=True) if c}
    households = {h for h in items.values_list("household_id", flat=True) if h}
    cases = Case.objects.filter(pk__in=case_ids) | Case.objects.filter(household_id__in=households)
    households |= {h for h in cases.values_list("household_id", flat=True) if h}
    persons = {p for p in cases.values_list("person_id", flat=True) if p}
    persons |= set(HouseholdMember.objects.filter(household_id__in=households, left_on__isnull=True)
                   .values_list("person_id", flat=True))
    return persons, households, set(cases.values_list("pk", flat=True))


# Builders of the allowed disclosures (`Write.allowed`): called after the requests with the scene and the
# snapshot taken before them.


def nothing(s, before) -> list[Allowed]:
    return []


def consent_to_outsider(s, before) -> list[Allowed]:
    person = s.facts.get("consented")
    return [covered_by_person(s.w.outsider.pk, "consent given", person.pk)] if person else []


def emergency_to_outsider(s, before) -> list[Allowed]:
    """An emergency disclosure passes on what the discloser itself could see of the person, her households and their
    cases — not what it could not (the recipient's gains are bounded by the discloser's own view)."""
    covered = covered_by_person(s.w.outsider.pk, "emergency disclosure", s.p.person.pk)
    own_view = before[s.p.key]
    return [Allowed(covered.agency_id, covered.basis, *(covered.ids(kind) & own_view[kind] for kind in ww.KINDS))]


def transferred(s, before) -> list[Allowed]:
    """移管 to an agency that saw the case's subject (had a basis for her) just before: it may see the case."""
    case, receiver = s.facts.get("transferred"), s.facts.get("receiver")
    if case is None or not s.facts.get("receiver_saw_subject"):
        return []
    return [Allowed(receiver.pk, "移管 to an agency with a basis", cases={case.pk})]


def referral_accepted(s, before) -> list[Allowed]:
    referral = s.p.referral
    case = Case.objects.get(pk=referral.case_id)
    return [Allowed(s.agency.pk, "referral accepted under a basis", persons={referral.person_id} - {None},
                    households={case.household_id} - {None}, cases={case.pk})]


def consented_and_transferred(s, before) -> list[Allowed]:
    return consent_to_outsider(s, before) + transferred(s, before)


def convener_added(s, before) -> list[Allowed]:
    """A member or agenda item added by the meeting's convener: every current member may see its agenda."""
    meeting = Meeting.objects.get(pk=s.facts.get("meeting", s.p.meeting).pk)
    if meeting.convened_by_id != s.agency.pk:
        return []
    persons, households, cases = covered_by_meeting(meeting)
    today = timezone.localdate()
    members = MeetingMember.objects.filter(meeting=meeting, joined_on__lte=today).exclude(left_on__lte=today)
    return [Allowed(agency_id, "added by the convener", persons, households, cases)
            for agency_id in set(members.values_list("agency_id", flat=True))]


@dataclass(frozen=True)
class Write:
    """One write case: `requests(scene)` yields the requests (each response is sent back into it)."""

    name: str
    requests: Callable[[Scene], Iterator[Req]]
    allowed: Callable[[Scene, dict], list[Allowed]] = nothing
    role: str = "worker"


@dataclass(frozen=True)
class Writes:
    cases: tuple[Write, ...]


@dataclass(frozen=True)
class ReadOnly:
    """Posting to it (an API read: calling it) changes no personal row. `args` fill the route's parameters: the name
    of an object (REFS) or a value."""

    args: dict = field(default_factory=dict)
    why: str = ""


def writes(*cases: Write) -> Writes:
    return Writes(cases)


def ro(why: str = "", **args) -> ReadOnly:
    return ReadOnly(args, why)


NON_PERSONAL = "no personal data: only the visible sets must not change"


# ------------------------------------------------------------------------------------------------------------------
# Write builders
# ------------------------------------------------------------------------------------------------------------------

HELP = {"who": "self", "topics": ["money"], "message": "家賃が払えません", "name": "山田 一郎", "contact_method": "phone",
        "contact": "090-0000-0000", "contact_time": "any", "urgency": "soon"}


def help_request_send(s):
    yield s.post("/ja/help/", HELP)


def _sent():
    return HelpRequest.objects.order_by("-pk").first()


def help_request_accept(s):
    yield s.post("/ja/help/", HELP)
    sent = _sent()
    yield s.post(f"/inquiries/{sent.pk if sent else MISSING}/accept/", {
        "received_on": s.today, "route": "email", "consulter": "self", "name": "山田 一郎",
        "main_complaint": "家賃が払えません", "urgency": "low", "outcome": "continue"})


def help_request_pass(s):
    yield s.post("/ja/help/", HELP)
    sent = _sent()
    yield s.post(f"/inquiries/{sent.pk if sent else MISSING}/pass/",
                 {"to_agency": s.w.outsider.pk, "note": "", "version": sent.version if sent else 1})


PERSON = {"name": "山田 一郎", "kana": "やまだ いちろう", "birth_date": "1980-04-01", "sex": "M",
          "address": "さくら野町本町1-1", "phone": "090-0000-0000", "notes": ""}


def intake(s: Scene, outcome: str, **subject) -> Req:
    data = {"received_on": s.today, "route": "phone", "consulter": "family", "consulter_name": "長女",
            "main_complaint": "生活費が足りない。介護も続けられない。", "concerns": ["income", "care"],
            "primary_concern": "income", "urgency": "medium", "first_response": "話を聞き、訪問を約束した。",
            "outcome": outcome, "person": "", "household": "", "name": "", "kana": "", "birth_date": "", "sex": "",
            "address": "", "phone": ""}
    return s.post("/cases/intake/", {**data, **subject})


def consultation_about_subject(outcome):
    def requests(s):
        yield intake(s, outcome, person=s.p.person.pk)
    return requests


def consultation_on_household(s):
    yield intake(s, "continue", household=s.p.household.pk)


def consultation_new_person(s):
    yield intake(s, "continue", name="新井 花子", kana="あらい はなこ", birth_date="1990-01-01", sex="F")


def inquiry(s):
    yield s.post("/cases/intake/inquiry/", {"name": s.p.person.name, "address": "さくら野町"})


def case_form(case, **changes) -> dict:
    return {"title": case.title, "summary": case.summary or "概要", "status": case.status,
            "lead_agency": case.lead_agency_id, "version": case.version, **changes}


def case_edit_lead_to_outsider(s):
    yield s.post(f"/cases/{s.p.case.pk}/edit/", case_form(s.p.case, lead_agency=s.w.outsider.pk))


def own_case_moved(receiver: str, *, via: str = "transfer", consented: bool = False):
    """The persona opens a case of its own — on its subject (a consultation, 継続), or on a person of its own who
    consented to the outsider — and moves its lead (主担当機関) to `receiver`: by 移管 (`via="transfer"`), or by
    editing the case (`via="edit"`, the old way)."""
    def requests(s):
        if consented:
            yield from consent_on_own_person(s)
            yield intake(s, "continue", person=s.facts["consented"].pk)
        else:
            yield intake(s, "continue", person=s.p.person.pk)
        case = s.newest(Case)
        to = s.w.outsider if receiver == "outsider" else s.w.recorder
        seen = ww.visible_ids(s.w.staff_of(to))
        s.facts.update(transferred=case, receiver=to, receiver_saw_subject=(
            case.person_id in seen["persons"] if case.person_id else case.household_id in seen["households"]))
        if via == "edit":
            yield s.post(f"/cases/{case.pk}/edit/", case_form(case, lead_agency=to.pk))
        else:
            yield s.post(f"/cases/{case.pk}/transfer/", {"to_agency": to.pk, "reason": "転居先で支援を続けるため",
                                                         "version": case.version})
    return requests


def person_concern_add(s):
    yield s.post(f"/cases/{s.p.case.pk}/concerns/", {"person": s.p.person.pk, "concerns": ["care", "debt"]})


def note_add(s):
    yield s.post(f"/cases/{s.p.case.pk}/notes/", {"kind": "電話", "written_on": s.today, "body": "電話で近況を確認。"})


def plan_create(s):
    yield s.post(f"/cases/{s.p.case.pk}/plans/new/", {
        "goals": "安心して暮らせる", "person_wishes": "家で暮らしたい", "review_on": s.days(90),
        "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0", "actions-0-description": "見守り訪問",
        "actions-0-agency": s.w.outsider.pk, "actions-0-resource_name": "", "actions-0-due_on": s.days(30)})


def referral_to(receiver: str):
    def requests(s):
        to = s.w.outsider if receiver == "outsider" else s.w.recorder
        yield s.post(f"/cases/{s.p.case.pk}/referrals/new/", {
            "to_agency": to.pk, "reason": "就労の相談", "request": "面談をお願いします", "due_on": s.days(7),
            "person": s.p.person.pk})
    return requests


def note_correct(s):
    note = s.note
    yield s.post(f"/cases/notes/{note.pk}/", {"body": note.body + "（訂正）", "version": note.version})


def plan_edit(s):
    plan = s.w.plan
    yield s.post(f"/cases/plans/{plan.pk}/", {"goals": "目標（改訂）", "person_wishes": "", "review_on": s.days(60),
                                              "version": plan.version})


def plan_agree(s):
    yield s.post(f"/cases/plans/{s.w.plan.pk}/agree/", {"agreed_by": "高橋 清", "agreed_on": s.today,
                                                        "version": s.w.plan.version})


def plan_review(s):
    yield s.post(f"/cases/plans/{s.w.plan.pk}/reviews/", {"reviewed_on": s.today, "employed": "1",
                                                          "income_increased": "0", "improved": "1"})


def referral_accept(s):
    referral = s.p.referral
    yield s.post(f"/cases/referrals/{referral.pk}/", {"status": "accepted", "version": referral.version,
                                                      "comment": "受理します"})


def assessment(s):
    yield s.post(f"/cases/{s.p.case.pk}/assessments/new/", {"assessed_on": s.today, "area_health": "通院が途切れている",
                                                             "summary": "生活の立て直しが必要", "person": s.p.person.pk,
                                                             "screening": "continue", "employment_support": "1"})


def consultation_void(s):
    yield s.post(f"/cases/consultations/{s.w.consultation.pk}/void/", {"reason": "別の方の相談を誤って登録した"})


def inquiry_answer(s):
    yield s.post(f"/cases/inquiries/{s.w.inquiry.pk}/answer/", {"answer": "支援会議で検討します"})


def disclosure_review(s):
    yield s.post(f"/cases/disclosures/{s.w.disclosure.pk}/review/", {"note": "やむを得ない提供と確認"})


# ---- 本人の権利 ----


def team_letter(s):
    yield s.post(f"/people/{s.p.person.pk}/team-letter/", {"requested_on": s.today, "method": "counter"})


def disclosure_request(s):
    """The coordinator receives a 開示請求 by the subject's identity and prints its bundle (others: 404)."""
    person = s.p.person
    yield s.post("/people/disclosure-requests/", {
        "receipt_number": f"R8-{s.p.key}", "received_on": s.today, "name": person.name, "kana": person.kana,
        "birth_date": person.birth_date.isoformat() if person.birth_date else s.today})
    row = apps.get_model("sharing", "DisclosureRequest").objects.filter(receipt_number=f"R8-{s.p.key}").first()
    if row is not None:
        s.facts["disclosure_request"] = row
        yield Req("get", f"/people/disclosure-requests/{row.pk}/bundle.pdf")


def disclosure_request_opened(s, before) -> list[Allowed]:
    """開示請求: a basis of the coordinator alone (DISCLOSURE_REQUEST), outside every agency's Scope — declared
    here as the disclosure it is: the persons of the request, their households and the cases about them, to the
    coordinator's agency, while the request is open."""
    row = s.facts.get("disclosure_request")
    if row is None:
        return []
    persons = set(row.persons.values_list("pk", flat=True))
    households = ww.current_households(persons)
    cases = set(Case.objects.filter(person_id__in=persons).values_list("pk", flat=True))
    cases |= set(Case.objects.filter(household_id__in=households).values_list("pk", flat=True))
    return [Allowed(row.agency_id, "開示請求 (coordinator, 30 days)", persons, households, cases)]


def move_out_subject_case(s):
    """転出 of the case the persona sees the subject through: only its lead agency may (others 403/404)."""
    yield s.post(f"/people/cases/{s.p.case.pk}/move-out/", {
        "to_municipality": "うみかぜ市", "consent_on": s.today, "consent_method": "written"})


def move_out_own_case(s):
    """The persona opens a case of its own on the subject (継続) and hands it to another municipality with the
    household members it sees ticked: the bundle leaves the installation and opens nothing inside it."""
    yield intake(s, "continue", person=s.p.person.pk)
    case = s.newest(Case)
    if case is not None:
        seen = ww.visible_ids(s.p.worker)["persons"] - {s.p.person.pk}
        yield s.post(f"/people/cases/{case.pk}/move-out/", {
            "to_municipality": "うみかぜ市", "consent_on": s.today, "consent_method": "written",
            "members": [p.pk for p in (s.w.father, s.w.mother, s.w.son, s.w.grandson) if p.pk in seen]})


# ---- 本人・世帯 ----


def own_person(s):
    yield s.post("/people/new/", PERSON)


def person_edit(s):
    person = s.p.person
    yield s.post(f"/people/{person.pk}/edit/", {"name": person.name, "kana": person.kana or "", "birth_date": "",
                                                 "sex": person.sex, "address": "さくら野町旭町9-9", "phone": "",
                                                 "notes": "", "version": person.version})


def consent_form(s) -> dict:
    return {"agencies": [s.w.outsider.pk], "given_on": s.today, "method": "written", "expires_on": ""}


def consent_for_subject(s):
    yield s.post(f"/people/{s.p.person.pk}/consents/", consent_form(s))


def refusal_for_subject(s):
    yield s.post(f"/people/{s.p.person.pk}/consents/", {**consent_form(s), "decision": "refused", "reason": "話したくない"})


def consent_dated_ahead(s):
    """Refused: a consent dated ahead would read 有効 and open nothing — or open later without anyone looking."""
    yield s.post(f"/people/{s.p.person.pk}/consents/", {**consent_form(s), "given_on": s.days(3)})


def consent_on_own_person(s):
    """The persona records its own person, who consents to sharing with the outsider (a disclosure with a basis)."""
    yield s.post("/people/new/", PERSON)
    person = s.newest(Person)
    s.facts["consented"] = person
    yield s.post(f"/people/{person.pk}/consents/", consent_form(s))


def consent_withdraw(s):
    yield s.post(f"/people/{s.w.son.pk}/consents/{s.w.consent.pk}/withdraw/", {"note": "本人の申し出"})


def emergency_disclosure(s):
    yield s.post(f"/people/{s.p.person.pk}/vital-interest/", {
        "to_agency": s.w.outsider.pk, "reason": "意識がなく、持病の情報を救急隊に伝える必要があるため。"})


def own_household(s):
    yield s.post("/people/households/new/", {"name": "山田さん世帯", "address": "さくら野町本町1-1", "notes": ""})


def household_edit(s):
    household = s.p.household
    yield s.post(f"/people/households/{household.pk}/edit/", {"name": household.name, "address": "さくら野町旭町9-9",
                                                                "notes": "", "version": household.version})


def member_form(**changes) -> dict:
    return {"person": "", "name": "", "kana": "", "birth_date": "", "sex": "", "relation_to_head": "child", **changes}


def household_member_add(s):
    yield s.post(f"/people/households/{s.p.household.pk}/members/",
                 member_form(name="高橋 花", kana="たかはし はな", birth_date="2015-05-05", sex="F"))


def own_household_with_subject(s):
    """The persona's own household record lists the subject (another agency's person), then a case on it (継続)."""
    yield s.post("/people/households/new/", {"name": "同居先の世帯", "address": "さくら野町本町2-2", "notes": ""})
    household = s.newest(Household)
    yield s.post(f"/people/households/{household.pk}/members/", member_form(name="新井 太郎", relation_to_head=""))
    yield s.post(f"/people/households/{household.pk}/members/", member_form(person=s.p.person.pk))
    yield intake(s, "continue", household=household.pk)


def propose_meeting(s):
    yield s.post(f"/people/households/{s.p.household.pk}/propose-meeting/")


# ---- 会議 ----


def meeting_create(kind: str):
    def requests(s):
        yield s.post("/meetings/new/", {"kind": kind, "title": "旭町ケース会議", "purpose": "", "recurrence": "",
                                        "usual_place": "", "member_agencies": [s.w.outsider.pk]})
    return requests


def new_support_meeting_on_household(s):
    """A 支援会議 with the outsider as a (pledged) member, and the household on its agenda."""
    yield s.post("/meetings/new/", {"kind": "support_meeting", "title": "旭町支援会議", "purpose": "", "recurrence": "",
                                    "usual_place": "", "member_agencies": [s.w.outsider.pk]})
    meeting = Meeting.objects.filter(convened_by=s.agency).order_by("-pk").first()
    if meeting is None or meeting.pk == s.p.meeting.pk or meeting.kind != "support_meeting":
        return
    s.facts["meeting"] = meeting
    row = MeetingMember.objects.filter(meeting=meeting, agency=s.w.outsider).first()
    if row is not None:
        yield s.post(f"/meetings/members/{row.pk}/pledge/", {"staff": s.w.outsider_worker.pk, "pledged_on": s.today,
                                                             "method": "written"})
    yield s.post(f"/meetings/agenda/add/?household={s.p.household.pk}",
                 {"household": s.p.household.pk, "meeting": meeting.pk})


def action_done(s):
    action = s.p.action
    yield s.post(f"/meetings/actions/{action.pk}/", {"status": "done", "result": "訪問した", "version": action.version})


def agenda_add_household(s):
    yield s.post(f"/meetings/agenda/add/?household={s.p.household.pk}",
                 {"household": s.p.household.pk, "meeting": s.p.meeting.pk})


def agenda_add_own_case(s):
    """The persona opens a case of its own (a new person) and puts it on its meeting's agenda."""
    yield intake(s, "continue", name="新井 花子", kana="あらい はなこ")
    case = s.newest(Case)
    yield s.post(f"/meetings/agenda/add/?case={case.pk}", {"case": case.pk, "meeting": s.p.meeting.pk})


def propose_household(s):
    """A member asks the convener to take up the household (「会議にかける」 → 提案する)."""
    yield s.post(f"/meetings/agenda/add/?household={s.p.household.pk}", {
        "household": s.p.household.pk, "propose": "1", "proposal-meeting": s.p.meeting.pk, "proposal-reason": "8050"})


def own_case_proposed(then: str = ""):
    """The persona proposes a case of its own to its meeting; `then` the persona itself accepts or declines it."""
    def requests(s):
        yield intake(s, "continue", name="新井 花子", kana="あらい はなこ")
        case = s.newest(Case)
        yield s.post(f"/meetings/{s.p.meeting.pk}/propose/", {"case": case.pk, "reason": "就労支援の検討"})
        proposal = apps.get_model("meetings", "AgendaProposal").objects.filter(case=case).first() if then else None
        if proposal is not None:
            yield s.post(f"/meetings/proposals/{proposal.pk}/{then}/", {"reason": "今回は見送り"})
    return requests


def member_remove(s):
    yield s.post(f"/meetings/members/{s.p.member.pk}/remove/")


def agenda_remove(s):
    item = AgendaItem.objects.filter(meeting=s.p.meeting).order_by("pk").first()
    yield s.post(f"/meetings/agenda/{item.pk}/remove/")


def member_add_outsider(s):
    """The outsider is made a member of the persona's meeting, and its pledge recorded (so that it is seated)."""
    yield s.post(f"/meetings/{s.p.meeting.pk}/members/", {"agency": s.w.outsider.pk, "joined_on": s.today,
                                                          "joined_reason": ""})
    row = MeetingMember.objects.filter(meeting=s.p.meeting, agency=s.w.outsider).first()
    if row is not None:
        yield s.post(f"/meetings/members/{row.pk}/pledge/", {"staff": s.w.outsider_worker.pk, "pledged_on": s.today,
                                                             "method": "written"})


def sitting_schedule(s):
    yield s.post(f"/meetings/{s.p.meeting.pk}/sittings/", {"held_on": s.days(30), "starts_at": "14:00",
                                                           "place": "市役所", "repeat": "1"})


def member_leave(s):
    yield s.post(f"/meetings/members/{s.p.member.pk}/leave/", {"left_on": s.today})


def pledge_manager(s):
    yield s.post(f"/meetings/members/{s.p.member.pk}/pledge/", {"staff": s.p.manager.pk, "pledged_on": s.today,
                                                                "method": "written"})


def minutes_save(s):
    sitting = s.p.sitting
    items = {f"item_{pk}": "状況を共有した" for pk in AgendaItem.objects.filter(meeting=sitting.meeting_id)
             .values_list("pk", flat=True)}
    yield s.post(f"/meetings/sittings/{sitting.pk}/", {
        "status": "held", "attendees": [s.agency.pk], "minutes": "各機関の状況を共有した。", "events": "", "topics": "",
        "version": sitting.version, **items})


def action_add_naming_member(s):
    """An action about the meeting's item that names the persona's person (a member of the item's household)."""
    item = AgendaItem.objects.filter(meeting=s.p.sitting.meeting_id).order_by("pk").first()
    yield s.post(f"/meetings/sittings/{s.p.sitting.pk}/actions/", {
        "agenda_item": item.pk, "members": [s.p.person.pk], "description": "本人に電話で様子を聞く",
        "owner_agency": s.agency.pk, "owner_staff": "", "due_on": s.days(14)})


def sitting_items_choose(s):
    """The meeting's governors choose what the sitting takes up (a record of the meeting; it opens nothing)."""
    items = list(AgendaItem.objects.filter(meeting=s.p.sitting.meeting_id).values_list("pk", flat=True))
    yield s.post(f"/meetings/sittings/{s.p.sitting.pk}/items/", {"agenda_items": items})


def decision_add(s):
    yield s.post(f"/meetings/sittings/{s.p.sitting.pk}/decisions/", {"agenda_item": "", "text": "月1回訪問する"})


def action_add(s):
    yield s.post(f"/meetings/sittings/{s.p.sitting.pk}/actions/", {
        "agenda_item": "", "description": "電話で様子を聞く", "owner_agency": s.agency.pk, "owner_staff": "",
        "due_on": s.days(14)})


# ---- フォローアップ・アウトリーチ・引継ぎ ----


def followup_schedule(s):
    yield s.post(f"/followups/cases/{s.p.case.pk}/schedule/", {"starts_on": s.days(30), "interval_months": "1",
                                                               "occurrences": "3", "method": "phone", "purpose": ""})


def case_close(s):
    case = s.p.case
    yield s.post(f"/followups/cases/{case.pk}/close/", {"version": case.version, "mode": "reason", "closed_on": s.today,
                                                        "reason": "転出した"})


def followup_record(s):
    followup = s.w.followup
    yield s.post(f"/followups/{followup.pk}/record/", {"status": "done", "done_on": s.today, "note": "元気そうだった",
                                                       "version": followup.version})


def outreach_new(s):
    yield s.post("/followups/outreach/new/", {"target": "旭町の一人暮らしの男性", "signs": "新聞がたまっている",
                                              "noticed_by": "neighbour", "noticed_on": s.today})


def outreach_visit(s):
    yield s.post(f"/followups/outreach/{s.w.outreach.pk}/", {"visited_on": s.today, "met": "on", "note": "玄関先で話せた"})


def outreach_status(s):
    yield s.post(f"/followups/outreach/{s.w.outreach.pk}/status/", {"status": "closed", "closed_reason": "つながった",
                                                                    "version": s.w.outreach.version})


def handover(s):
    yield s.post("/followups/handover/", {"from_staff": s.p.worker.pk, "to_staff": s.p.manager.pk, "note": "異動",
                                          "confirm": "1"})


def visit_plan_set(s):
    yield s.post(f"/followups/cases/{s.p.case.pk}/visits/", {"frequency": "monthly", "due_on": s.days(-1),
                                                             "checks": "服薬"})


def _own_visit_plan(s):
    from tsunagu.followups.models import VisitPlan
    return VisitPlan.objects.create(case=s.p.case, agency=s.agency, staff=s.p.worker, frequency="weekly",
                                    due_on=timezone.localdate(), created_by=s.p.worker)


def visit_move(s):
    plan = _own_visit_plan(s)
    yield s.post(f"/followups/visits/{plan.pk}/move/", {"direction": "down", "day": s.today})


def visit_record(s):
    plan = _own_visit_plan(s)
    yield s.post(f"/followups/visits/{plan.pk}/record/", {"version": plan.version, "visited_on": s.today, "met": "on",
                                                          "note": "玄関先で話せた", "next_on": ""})


# ---- エコマップ・参加支援 ----


def figure_add(s):
    yield s.post(f"/ecomap/households/{s.p.household.pk}/figures/", {
        "label": "元妻", "sex": "F", "birth_year": "1976", "deceased": "", "partner_of": s.p.person.pk,
        "union_status": "divorced", "parent_of": []})


def tie_add(s):
    yield s.post(f"/ecomap/cases/{s.p.case.pk}/ties/", {"kind": "agency", "agency": s.w.outsider.pk, "label": "",
                                                        "strength": "weak", "flow": "to_case", "note": ""})


def tie_end(s):
    yield s.post(f"/ecomap/ties/{s.w.tie.pk}/end/")


def placement_new(s):
    yield s.post(f"/resources/placements/case/{s.p.case.pk}/", {
        "service": s.w.service.pk, "person": s.p.person.pk, "purpose": "place", "arrangement": "午後だけ",
        "host_contact": "", "started_on": s.today})


def placement_check_in(s):
    yield s.post(f"/resources/placements/{s.w.placement.pk}/check-in/", {"on": s.today, "note": "楽しそう"})


def placement_end(s):
    yield s.post(f"/resources/placements/{s.w.placement.pk}/end/", {"ended_on": s.today, "reason": "体調を崩した"})


# ---- API ----


def api_person_create(s):
    yield s.api("post", "/api/people/", {k: v for k, v in PERSON.items() if k != "birth_date"})


def api_person_update(s):
    person = s.p.person
    yield s.api("patch", f"/api/people/{person.pk}", {"name": person.name, "address": "旭町9-9", "version": person.version})


def api_note(s):
    yield s.api("post", f"/api/cases/{s.p.case.pk}/notes", {"body": "電話で近況を確認。", "kind": "電話"})


def api_consultation(outcome: str):
    def requests(s):
        yield s.api("post", "/api/cases/consultations", {
            "route": "phone", "consulter": "family", "main_complaint": "生活費が足りない", "person_id": s.p.person.pk,
            "concerns": ["income"], "outcome": outcome})
    return requests


def api_referral(s):
    yield s.api("post", f"/api/cases/{s.p.case.pk}/referrals", {
        "to_agency_id": s.w.recorder.pk, "reason": "就労の相談", "request": "面談", "due_on": s.days(7),
        "person_id": s.p.person.pk})


def api_referral_accept(s):
    referral = s.p.referral
    yield s.api("post", f"/api/cases/referrals/{referral.pk}/status", {"status": "accepted", "version": referral.version})


def api_agenda_subject_case(s):
    yield s.api("post", f"/api/meetings/{s.p.meeting.pk}/agenda", {"case_id": s.p.case.pk})


def api_agenda_own_case(s):
    response = yield s.api("post", "/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": "仕事がない", "name": "新井 花子", "outcome": "continue"})
    case_id = response.json().get("case_id") if response.status_code == 201 else None
    if case_id:
        yield s.api("post", f"/api/meetings/{s.p.meeting.pk}/agenda", {"case_id": case_id})


def api_propose_own_case(s):
    response = yield s.api("post", "/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": "仕事がない", "name": "新井 花子", "outcome": "continue"})
    case_id = response.json().get("case_id") if response.status_code == 201 else None
    if case_id:
        yield s.api("post", f"/api/meetings/{s.p.meeting.pk}/proposals", {"case_id": case_id, "reason": "就労支援"})


def api_followup_record(s):
    followup = s.w.followup
    yield s.api("post", f"/api/followups/{followup.pk}/record", {"status": "done", "note": "元気", "version": followup.version})


# ------------------------------------------------------------------------------------------------------------------
# The table: every URL pattern (route string) ...
# ------------------------------------------------------------------------------------------------------------------

W = Write
TABLE: dict[str, Writes | ReadOnly] = {
    "": ro("dashboard"),
    "healthz": ro(NON_PERSONAL),  # for monitoring: checks of the database, migrations, worker and disk, no sign-in
    # sign-in, account, administration (admins only: 404 for everyone else)
    "login/": ro(NON_PERSONAL), "logout/": ro(NON_PERSONAL), "account/otp/": ro(NON_PERSONAL),
    "account/password/": ro(NON_PERSONAL), "account/2fa/setup/": ro(NON_PERSONAL), "account/": ro("API tokens"),
    "account/tokens/<int:pk>/revoke/": ro(NON_PERSONAL, pk=MISSING), "account/switch-agency/": ro(NON_PERSONAL),
    "account/date-style/": ro(NON_PERSONAL),
    "admin/": ro(NON_PERSONAL), "admin/system/": ro(NON_PERSONAL), "admin/agencies/": ro(NON_PERSONAL), "admin/agencies/new/": ro(NON_PERSONAL),
    "admin/agencies/<int:pk>/": ro(NON_PERSONAL, pk="agency"), "admin/staff/": ro(NON_PERSONAL),
    "admin/staff/new/": ro(NON_PERSONAL), "admin/staff/<int:pk>/": ro(NON_PERSONAL, pk="staff"),
    "admin/staff/<int:pk>/memberships/": ro(NON_PERSONAL, pk="staff"),
    "admin/staff/<int:pk>/unlock/": ro(NON_PERSONAL, pk="staff"), "admin/staff/<int:pk>/lock/": ro(NON_PERSONAL, pk="staff"),
    "admin/staff/<int:pk>/password/": ro(NON_PERSONAL, pk="staff"),
    "admin/staff/<int:pk>/tokens/revoke/": ro(NON_PERSONAL, pk="staff"),
    "admin/memberships/<int:pk>/role/": ro(NON_PERSONAL, pk="membership"),
    "admin/memberships/<int:pk>/end/": ro(NON_PERSONAL, pk="membership"),
    # the API's own pages (its operations are in API_TABLE)
    "api/openapi.json": ro(), "api/docs": ro(), "api/": ro(),
    "audit/": ro(), "audit/export.csv": ro(),
    # 本人・世帯
    "people/": ro(),
    "people/new/": writes(W("own person", own_person)),
    "people/<int:pk>/": ro(pk="person"),
    "people/<int:pk>/edit/": writes(W("edit the subject", person_edit)),
    "people/<int:pk>/consents/": writes(
        W("consent for the subject to the outsider", consent_for_subject),
        W("own person consents to the outsider", consent_on_own_person, allowed=consent_to_outsider),
        W("the subject refuses sharing with the outsider", refusal_for_subject),
        W("a consent dated ahead", consent_dated_ahead)),
    "people/<int:pk>/consents/<int:consent_pk>/withdraw/": writes(W("withdraw the son's consent", consent_withdraw)),
    "people/<int:pk>/consents/sheet/": ro(pk="person"), "people/<int:pk>/consents/sheet.pdf": ro(pk="person"),
    "people/<int:pk>/vital-interest/": writes(
        W("emergency disclosure of the subject to the outsider", emergency_disclosure, allowed=emergency_to_outsider)),
    "people/households/new/": writes(W("own household", own_household)),
    "people/households/<int:pk>/": ro(pk="household"),
    "people/households/<int:pk>/edit/": writes(W("edit the household", household_edit)),
    "people/households/<int:pk>/members/": writes(
        W("add a member to the household", household_member_add),
        W("own household lists the subject, then a case on it", own_household_with_subject)),
    "people/households/<int:pk>/propose-meeting/": writes(W("ask for a 支援会議", propose_meeting)),
    # 本人の権利 (sharing.rights_views): the letter and the 開示 bundle are prints; a 転出 bundle leaves the
    # installation (logged as a disclosure) and opens nothing inside it
    "people/<int:pk>/team-letter/": writes(W("支援チームのお知らせ for the subject", team_letter)),
    "people/disclosure-requests/": writes(
        W("開示請求 for the subject, and its bundle", disclosure_request, allowed=disclosure_request_opened)),
    "people/disclosure-requests/implementing-bodies/": ro(NON_PERSONAL),
    "people/disclosure-requests/<int:pk>/bundle.pdf": ro(pk=MISSING),
    "people/cases/<int:pk>/move-out/": writes(W("転出 of the subject's case", move_out_subject_case),
                                              W("転出 of an own case on the subject", move_out_own_case)),
    "people/move-ins/": ro(),
    # 相談・支援ケース・つなぎ
    "cases/": ro(), "cases/export.xlsx": ro(),
    # 白紙の帳票 (cases.prints): the national forms printed blank name no one
    "cases/forms/": ro(NON_PERSONAL), "cases/forms/<slug:key>.pdf": ro(NON_PERSONAL, key="consultation_consented"),
    "cases/intake/": writes(
        W("consultation about the subject (情報提供)", consultation_about_subject("info_only")),
        W("consultation about the subject (継続)", consultation_about_subject("continue")),
        W("consultation about the subject (つなぎ)", consultation_about_subject("referral")),
        W("consultation on the household (継続)", consultation_on_household),
        W("consultation about a new person (継続)", consultation_new_person)),
    "cases/intake/suggest/": ro(),
    "cases/intake/inquiry/": writes(W("照会 to the coordinator", inquiry)),
    "cases/<int:pk>/": ro(pk="case"),
    "cases/<int:pk>/edit/": writes(
        W("case edit: 主担当機関 to the outsider", case_edit_lead_to_outsider),
        W("own case on the subject, edited: 主担当機関 the outsider", own_case_moved("outsider", via="edit"),
          allowed=transferred)),
    "cases/<int:pk>/transfer/": writes(
        W("own case on the subject, 移管 to the outsider", own_case_moved("outsider"), allowed=transferred),
        W("own case on the subject, 移管 to the recorder", own_case_moved("recorder"), allowed=transferred),
        W("own person consents to the outsider, her case 移管 to it", own_case_moved("outsider", consented=True),
          allowed=consented_and_transferred)),
    "cases/<int:pk>/notes/": writes(W("note on the subject's case", note_add)),
    "cases/<int:pk>/concerns/": writes(W("a member's concerns on the subject's case", person_concern_add)),
    "cases/<int:pk>/plans/new/": writes(W("plan on the subject's case", plan_create)),
    "cases/<int:pk>/referrals/new/": writes(W("referral to the recorder", referral_to("recorder")),
                                            W("referral to the outsider", referral_to("outsider"))),
    "cases/notes/<int:pk>/": writes(W("correct the recorder's note", note_correct)),
    "cases/plans/<int:pk>/": writes(W("edit the plan", plan_edit)),
    "cases/plans/<int:pk>/agree/": writes(W("record agreement to the plan", plan_agree)),
    "cases/plans/<int:pk>/reviews/": writes(W("record the plan's review", plan_review)),
    "cases/plans/<int:pk>/print/": ro(pk="plan"), "cases/plans/<int:pk>/print.pdf": ro(pk="plan"),
    "cases/consultations/<int:pk>/print/": ro(pk="consultation"),
    "cases/consultations/<int:pk>/print.pdf": ro(pk="consultation"),
    "cases/consultations/<int:pk>/void/": writes(W("取消 of the recorder's consultation", consultation_void),
                                                 W("取消 as a manager", consultation_void, role="manager")),
    "cases/referrals/": ro(), "cases/referrals/overdue/": ro(),
    "cases/referrals/<int:pk>/": writes(W("accept the referral", referral_accept, allowed=referral_accepted)),
    "cases/<int:pk>/assessments/new/": writes(W("assessment of the subject's case", assessment)),
    # 記入済みの帳票 (cases.views, cases.form_views): prints and exports read through the policy, logged
    "cases/<int:pk>/members/<int:person_pk>/assessment.pdf": ro(pk="case", person_pk="person"),
    "cases/case-list.pdf": ro(), "cases/case-list.xlsx": ro(),
    "cases/<int:pk>/progress.pdf": ro(pk="case"), "cases/<int:pk>/progress.xlsx": ro(pk="case"),
    "cases/<int:pk>/multiagency/<slug:key>.pdf": ro(pk="case", key="multiagency_assessment"),
    "cases/inquiries/": ro(),
    "cases/inquiries/<int:pk>/answer/": writes(W("answer the 照会", inquiry_answer)),
    "cases/disclosures/<int:pk>/review/": writes(W("review the emergency disclosure", disclosure_review)),
    "cases/notifications/": ro(),
    # 会議
    "meetings/": ro(),
    "meetings/new/": writes(W("create a ケース会議 with the outsider", meeting_create("case_conference"), role="manager"),
                            W("create a 支援会議 with the outsider", meeting_create("support_meeting"), role="manager"),
                            W("a new 支援会議 with the outsider takes up the household", new_support_meeting_on_household,
                              allowed=convener_added, role="manager")),
    "meetings/calendar/": ro(), "meetings/actions/": ro(),
    "meetings/actions/<int:pk>/": writes(W("mark the meeting's action done", action_done)),
    "meetings/agenda/add/": writes(
        W("put the household on the persona's meeting", agenda_add_household, allowed=convener_added, role="manager"),
        W("put an own case on the persona's meeting", agenda_add_own_case, allowed=convener_added, role="manager"),
        W("propose the household to the persona's meeting", propose_household)),
    "meetings/agenda/<int:pk>/remove/": writes(W("end the meeting's agenda item", agenda_remove, role="manager")),
    "meetings/<int:pk>/": ro(pk="meeting"),
    "meetings/<int:pk>/members/": writes(W("add the outsider to the meeting (pledged)", member_add_outsider,
                                           allowed=convener_added, role="manager")),
    "meetings/<int:pk>/propose/": writes(W("propose an own case", own_case_proposed())),
    "meetings/proposals/<int:pk>/accept/": writes(W("propose an own case and accept it", own_case_proposed("accept"),
                                                    allowed=convener_added, role="manager")),
    "meetings/proposals/<int:pk>/decline/": writes(W("propose an own case and decline it", own_case_proposed("decline"),
                                                     role="manager")),
    "meetings/<int:pk>/sittings/": writes(W("schedule a sitting", sitting_schedule)),
    "meetings/members/<int:pk>/leave/": writes(W("leave the meeting", member_leave)),
    "meetings/members/<int:pk>/remove/": writes(W("remove the persona's membership", member_remove, role="manager")),
    "meetings/members/<int:pk>/pledge/": writes(W("pledge for the persona's manager", pledge_manager, role="manager")),
    "meetings/sittings/<int:pk>/": writes(W("save the minutes", minutes_save)),
    "meetings/sittings/<int:pk>/decisions/": writes(W("record a decision", decision_add)),
    "meetings/sittings/<int:pk>/actions/": writes(W("assign an action", action_add),
                                                  W("assign an action naming a household member", action_add_naming_member)),
    "meetings/sittings/<int:pk>/items/": writes(W("choose the items the sitting takes up", sitting_items_choose,
                                                  role="manager")),
    "meetings/sittings/<int:pk>/print/": ro(pk="sitting"),
    # フォローアップ・アウトリーチ・引継ぎ・制度の狭間
    "followups/": ro(), "followups/gaps/": ro(), "followups/gaps/<slug:kind>/": ro(kind="no_lead"),
    "followups/handover/": writes(W("hand the worker's cases to the manager", handover)),
    "followups/cases/<int:case_id>/schedule/": writes(W("schedule follow-ups on the subject's case", followup_schedule)),
    "followups/cases/<int:case_id>/close/": writes(W("close the subject's case", case_close)),
    "followups/<int:pk>/record/": writes(W("record the recorder's follow-up", followup_record)),
    "followups/outreach/": ro(), "followups/outreach/new/": writes(W("own outreach", outreach_new)),
    # 訪問計画: the frequency, the day's 訪問予定表 (its order, its print) and the visit record
    "followups/cases/<int:case_id>/visits/": writes(W("visit frequency on the subject's case", visit_plan_set)),
    "followups/visits/": ro(), "followups/visits/sheet/": ro(), "followups/visits/sheet.pdf": ro(),
    "followups/visits/<int:pk>/move/": writes(W("reorder the day's visits", visit_move)),
    "followups/visits/<int:pk>/record/": writes(W("record a visit to the subject's case", visit_record)),
    "followups/outreach/<int:pk>/": writes(W("visit the household's outreach", outreach_visit)),
    "followups/outreach/<int:pk>/status/": writes(W("close the household's outreach", outreach_status)),
    # ジェノグラム・エコマップ
    "ecomap/households/<int:pk>/": ro(pk="household"), "ecomap/households/<int:pk>/genogram.svg": ro(pk="household"),
    "ecomap/households/<int:pk>/ecomap.svg": ro(pk="household"),
    "ecomap/households/<int:pk>/diagrams/": ro(pk="household"),
    "ecomap/households/<int:pk>/figures/": writes(W("genogram figure on the household", figure_add)),
    "ecomap/cases/<int:pk>/": ro(pk="case"), "ecomap/cases/<int:pk>/ecomap.svg": ro(pk="case"),
    "ecomap/cases/<int:pk>/diagrams/": ro(pk="case"),
    "ecomap/cases/<int:pk>/ties/": writes(W("tie from the subject's case to the outsider", tie_add)),
    "ecomap/ties/<int:pk>/end/": writes(W("end the recorder's tie", tie_end)),
    # 名寄せ (the coordinator's; PersonLink and MergeDecision are no sharing basis)
    "linkage/review/": ro(), "linkage/review/<int:pk>/decide/": ro(pk=MISSING), "linkage/clusters/": ro(),
    "linkage/clusters/<int:cluster>/": ro(cluster="cluster"), "linkage/clusters/<int:cluster>/unmerge/": ro(cluster="cluster"),
    "linkage/clusters/<int:cluster>/rejoin/": ro(cluster="cluster"),
    "linkage/run/": ro(NON_PERSONAL),  # a run's stage and counts, polled by the review page
    # 社会資源 (the directory holds no personal data; placements do)
    "resources/": ro(NON_PERSONAL), "resources/new/": ro(NON_PERSONAL), "resources/stale/": ro(NON_PERSONAL),
    "resources/export.xlsx": ro(NON_PERSONAL), "resources/import/": ro(NON_PERSONAL),
    "resources/hsds-import/": ro(NON_PERSONAL), "resources/hsds-import/<int:pk>/": ro(NON_PERSONAL, pk=MISSING),
    "resources/hsds.zip": ro(NON_PERSONAL), "resources/offers/": ro(NON_PERSONAL),
    "resources/offers/<int:pk>/": ro(NON_PERSONAL, pk=MISSING), "resources/offers/<int:pk>/status/": ro(NON_PERSONAL, pk=MISSING),
    "resources/needs/": ro(NON_PERSONAL), "resources/needs/<int:pk>/met/": ro(NON_PERSONAL, pk=MISSING),
    "resources/community/": ro(NON_PERSONAL), "resources/community/<int:pk>/": ro(NON_PERSONAL, pk=MISSING),
    "resources/placements/case/<int:case_pk>/": writes(W("placement for the subject", placement_new)),
    "resources/placements/<int:pk>/": ro(pk="placement"),
    "resources/placements/<int:pk>/check-in/": writes(W("check in on the recorder's placement", placement_check_in)),
    "resources/placements/<int:pk>/end/": writes(W("end the recorder's placement", placement_end)),
    # 住民の入口: the public pages under their language (i18n_patterns; the table walks them in Japanese)
    "ja/resources/public/": ro(NON_PERSONAL), "ja/resources/public/guide/": ro(NON_PERSONAL),
    "ja/resources/public/<str:pk>/": ro(NON_PERSONAL, pk="service"), "resources/<str:pk>/": ro(NON_PERSONAL, pk="service"),
    "^(?P<rest>(?:help|resources/public)/.*)$": ro(NON_PERSONAL), "language/<str:code>/": ro(NON_PERSONAL, code="vi"),
    # 相談の申込み: a sending is a row owned by the coordinator's agency (inquiries.HelpRequest), which no basis
    # reads; taking it into a consultation records the acting agency's own rows; a pass opens the sending (not a
    # person, household or case) to the receiving agency
    "ja/help/": writes(W("send a 相談の申込み from the public form", help_request_send)),
    "ja/help/sent/": ro(NON_PERSONAL), "ja/help/sent/urgent/": ro(NON_PERSONAL),
    "inquiries/": ro(), "inquiries/<int:pk>/": ro(pk=MISSING),
    "inquiries/<int:pk>/accept/": writes(W("take a sending into a consultation", help_request_accept)),
    "inquiries/<int:pk>/pass/": writes(W("pass a sending to the outsider agency", help_request_pass)),
    "resources/<str:pk>/edit/": ro(NON_PERSONAL, pk="service"), "resources/<str:pk>/verify/": ro(NON_PERSONAL, pk="service"),
    "resources/<str:pk>/vacancy/": ro(NON_PERSONAL, pk="service"),
    "resources/<str:pk>/archive/": ro(NON_PERSONAL, pk="service"),
    # HSDS (public, read-only)
    "hsds/": ro(NON_PERSONAL), "hsds/openapi.json": ro(NON_PERSONAL), "hsds/services": ro(NON_PERSONAL),
    "hsds/services/<str:pk>": ro(NON_PERSONAL, pk="service"), "hsds/organizations": ro(NON_PERSONAL),
    "hsds/organizations/<str:pk>": ro(NON_PERSONAL, pk=MISSING), "hsds/taxonomies": ro(NON_PERSONAL),
    "hsds/taxonomies/<str:pk>": ro(NON_PERSONAL, pk=MISSING), "hsds/taxonomy_terms": ro(NON_PERSONAL),
    "hsds/taxonomy_terms/<str:pk>": ro(NON_PERSONAL, pk=MISSING), "hsds/service_at_locations": ro(NON_PERSONAL),
    "hsds/service_at_locations/<str:pk>": ro(NON_PERSONAL, pk=MISSING),
    # 体制整備 (planning: no personal data)
    **{route: ro(NON_PERSONAL, **{name: MISSING for name in re.findall(r"<\w+:(\w+)>", route)}) for route in [
        "workspace/", "workspace/roadmap/", "workspace/roadmap/new/", "workspace/roadmap/<int:pk>/", "workspace/workshops/",
        "workspace/workshops/new/", "workspace/workshops/<int:pk>/", "workspace/workshops/<int:pk>/edit/",
        "workspace/workshops/<int:pk>/invitations/", "workspace/workshops/<int:pk>/respond/<int:template_pk>/",
        "workspace/workshops/<int:pk>/summary/", "workspace/workshops/<int:pk>/summary.csv",
        "workspace/workshops/<int:pk>/themes/", "workspace/themes/<int:pk>/", "workspace/worksheets/",
        "workspace/worksheets/new/", "workspace/worksheets/<int:pk>/", "workspace/r/<str:token>/",
        "workspace/r/<str:token>/<int:template_pk>/", "workspace/inventories/", "workspace/inventories/upload/",
        "workspace/inventories/upload/<int:pk>/confirm/", "workspace/inventories/<int:pk>/",
        "workspace/inventories/<int:pk>/versions/", "workspace/inventories/<int:pk>/versions/<int:version_pk>/restore/",
        "workspace/inventories/<int:pk>/edit/", "workspace/inventories/<int:pk>/cell/",
        "workspace/inventories/<int:pk>/rows/new/", "workspace/inventories/<int:pk>/figures/",
        "workspace/inventories/<int:pk>/export.xlsx", "workspace/inventories/<int:pk>/time-use/",
        "workspace/inventories/<int:pk>/interviews/", "workspace/meeting-inventory/", "workspace/meeting-inventory/new/",
        "workspace/meeting-inventory/<int:pk>/", "workspace/meeting-inventory/proposals/", "workspace/design/",
        "workspace/design/items/new/", "workspace/design/items/<int:pk>/", "workspace/design/network/",
        "workspace/design/network.json", "workspace/trial/", "workspace/trial/<int:pk>/", "workspace/trial/codes/new/",
        "workspace/trial/codes/<int:pk>/"]},
    # 集計 (counts only)
    "reports/": ro(NON_PERSONAL), "reports/figures.xlsx": ro(NON_PERSONAL),
    "reports/survey/": ro(NON_PERSONAL), "reports/survey.xlsx": ro(NON_PERSONAL),  # 支援状況調査: counts only
    # a figure's rows (reads through the policy, logged)
    "reports/rows/<str:key>/": ro(key="consultations"), "reports/rows/<str:key>/export.xlsx": ro(key="referrals"),
    # 事業目標・評価指標 (the planner's targets: no personal data)
    "reports/targets/": ro(NON_PERSONAL), "reports/targets/new/": ro(NON_PERSONAL),
    "reports/publish/": ro(NON_PERSONAL),  # 公表: the year's counts kept as published
    "reports/personal-information-files/": ro(NON_PERSONAL),  # 個人情報ファイル簿: the register, naming no one
    "reports/public/": ro(NON_PERSONAL), "reports/public.xlsx": ro(NON_PERSONAL),  # 公表用, small cells hidden
    "reports/targets/<int:pk>/": ro(NON_PERSONAL, pk=MISSING),
}

# ... and every operation of /api/openapi.json (its routes under api/ are covered by their operations).
API_TABLE: dict[tuple[str, str], Writes | ReadOnly] = {
    ("GET", "/api/agencies/"): ro(NON_PERSONAL), ("GET", "/api/agencies/me"): ro(NON_PERSONAL),
    ("GET", "/api/agencies/{agency_id}"): ro(NON_PERSONAL, agency_id="agency"),
    ("GET", "/api/people/"): ro(),
    ("POST", "/api/people/"): writes(W("API: own person", api_person_create)),
    ("GET", "/api/people/{person_id}"): ro(person_id="person"),
    ("PATCH", "/api/people/{person_id}"): writes(W("API: edit the subject", api_person_update)),
    ("GET", "/api/people/households/{household_id}"): ro(household_id="household"),
    ("GET", "/api/cases/"): ro(), ("GET", "/api/cases/{case_id}"): ro(case_id="case"),
    ("GET", "/api/cases/{case_id}/notes"): ro(case_id="case"),
    ("POST", "/api/cases/{case_id}/notes"): writes(W("API: note on the subject's case", api_note)),
    ("POST", "/api/cases/consultations"): writes(
        W("API: consultation about the subject (情報提供)", api_consultation("info_only")),
        W("API: consultation about the subject (継続)", api_consultation("continue"))),
    ("GET", "/api/cases/consultations/{consultation_id}"): ro(consultation_id="consultation"),
    ("GET", "/api/cases/referrals"): ro(), ("GET", "/api/cases/referrals/{referral_id}"): ro(referral_id="referral"),
    ("POST", "/api/cases/{case_id}/referrals"): writes(W("API: referral to the recorder", api_referral)),
    ("POST", "/api/cases/referrals/{referral_id}/status"): writes(
        W("API: accept the referral", api_referral_accept, allowed=referral_accepted)),
    ("GET", "/api/meetings/"): ro(), ("GET", "/api/meetings/actions"): ro(),
    ("GET", "/api/meetings/sittings/{sitting_id}"): ro(sitting_id="sitting"),
    ("POST", "/api/meetings/{meeting_id}/agenda"): writes(
        W("API: put the subject's case on the persona's meeting", api_agenda_subject_case, allowed=convener_added,
          role="manager"),
        W("API: put an own case on the persona's meeting", api_agenda_own_case, allowed=convener_added, role="manager")),
    ("POST", "/api/meetings/{meeting_id}/proposals"): writes(W("API: propose an own case", api_propose_own_case)),
    ("GET", "/api/followups/"): ro(),
    ("POST", "/api/followups/{followup_id}/record"): writes(W("API: record the recorder's follow-up", api_followup_record)),
    ("GET", "/api/workspace/roadmap"): ro(NON_PERSONAL), ("POST", "/api/workspace/roadmap"): ro(NON_PERSONAL),
    ("PUT", "/api/workspace/roadmap/{activity_id}"): ro(NON_PERSONAL, activity_id=MISSING),
    ("GET", "/api/workspace/inventories"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/inventories/{inventory_id}"): ro(NON_PERSONAL, inventory_id=MISSING),
    ("GET", "/api/workspace/inventories/{inventory_id}/analysis"): ro(NON_PERSONAL, inventory_id=MISSING),
    ("PUT", "/api/workspace/inventories/{inventory_id}/rows/{row_id}/cells/{column_id}"): ro(
        NON_PERSONAL, inventory_id=MISSING, row_id=MISSING, column_id=MISSING),
    ("GET", "/api/workspace/meeting-inventory"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/meeting-inventory/proposals"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/network"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/trial/observations"): ro(NON_PERSONAL),
    ("POST", "/api/workspace/trial/observations"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/trial/codes"): ro(NON_PERSONAL), ("GET", "/api/workspace/workshops"): ro(NON_PERSONAL),
    ("GET", "/api/workspace/workshops/{workshop_id}/summary"): ro(NON_PERSONAL, workshop_id=MISSING),
    ("GET", "/api/reports/figures"): ro(NON_PERSONAL),
}


# ------------------------------------------------------------------------------------------------------------------
# Walking the URL conf and the OpenAPI document
# ------------------------------------------------------------------------------------------------------------------

PARAM = re.compile(r"<(?:[^>:]+:)?([^>]+)>|\{([^}]+)\}")


def walk(resolver, prefix: str = "") -> set[str]:
    routes = set()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        routes |= walk(pattern, route) if isinstance(pattern, URLResolver) else {route}
    return routes


@cache
def url_routes() -> frozenset[str]:
    """Every pattern of the URL conf as its route string, e.g. "cases/<int:pk>/notes/"."""
    return frozenset(walk(get_resolver()))


def as_openapi_path(route: str) -> str:
    return "/" + PARAM.sub(lambda m: "{" + (m[1] or m[2]) + "}", route)


def api_operations(client) -> set[tuple[str, str]]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, f"/api/openapi.json answered {response.status_code}"
    return {(method.upper(), path) for path, ops in response.json()["paths"].items() for method in ops}


def fill(template: str, s: Scene, args: dict) -> str:
    """The URL of a route or OpenAPI path, its parameters filled from the scene."""
    def value(match):
        name = match[1] or match[2]
        given = args.get(name, MISSING)
        return str(REFS[given](s).pk if given in REFS else given)
    url = PARAM.sub(value, template)
    return url if url.startswith("/") else "/" + url


def present(routes: set[str]) -> list[tuple[str, Writes | ReadOnly]]:
    """The table's entries, routes and operations alike, that the running code has."""
    entries = [(route, entry) for route, entry in TABLE.items() if route in routes]
    api_paths = {as_openapi_path(r) for r in routes}
    entries += [(f"{method} {path}", entry) for (method, path), entry in API_TABLE.items() if path in api_paths]
    return entries


# ------------------------------------------------------------------------------------------------------------------
# Snapshots and the check
# ------------------------------------------------------------------------------------------------------------------

# The tables the policy reads to decide who sees which person, household or case. A request that wrote none of them
# (no INSERT, UPDATE or DELETE ran on them, and their counts are unchanged) cannot have changed any agency's visible
# sets, so its snapshots are the ones taken without it.
POLICY_MODELS = [Person, Household, HouseholdMember, Case, Consent, Consent.agencies.through, VitalInterestDisclosure,
                 Meeting, MeetingMember, AgendaItem, Membership]
POLICY_TABLES = {m._meta.db_table for m in POLICY_MODELS}
WRITE_SQL = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE)
# cases.services._touch: a case's updated_at, which no rule reads
TOUCH_SQL = re.compile(r'^UPDATE "cases_case" SET "updated_at" = [^"]+ WHERE "cases_case"\."id" = \S+$')


def tables_written(statements: list[str], tables: set[str], *, but_touches: bool = False) -> set[str]:
    """Of `tables`, those an INSERT, UPDATE or DELETE ran on (`but_touches`: not counting a case's updated_at)."""
    found = {m[1] for sql in statements if (m := WRITE_SQL.match(sql)) and not (but_touches and TOUCH_SQL.match(sql))}
    return found & tables


def snapshot(w: ww.WritesWorld, keys=None) -> dict[str, dict[str, set[int]]]:
    agencies = w.agencies()
    return {key: ww.visible_ids(agencies[key][1]) for key in (keys or agencies)}


def ended_snapshot(s: Scene) -> dict[str, dict[str, set[int]]]:
    """The persona and the twin, once the persona's basis has ended."""
    ww.end_basis(s.w, s.p.key)
    return snapshot(s.w, [s.p.key, "twin"])


def describe(kind: str, ids) -> str:
    model = ww.KINDS[kind]
    rows = model.objects.filter(pk__in=ids).select_related("agency").order_by("pk")
    label = {"persons": "name", "households": "name", "cases": "title"}[kind]
    return ", ".join(f"{model.__name__}#{r.pk} {getattr(r, label)} (recorded by {r.agency.name})" for r in rows)


def allowed_ids(allowed: list[Allowed], agency_id: int, kind: str) -> set[int]:
    return {i for a in allowed if a.agency_id == agency_id for i in a.ids(kind)}


def perform(s: Scene, client, write: Write) -> tuple[list[str], list[str]]:
    """Sends the write case's requests: what was sent (with the answers) and the SQL it ran."""
    sent: list[str] = []
    requests = write.requests(s)
    with CaptureQueriesContext(connection) as queries:
        try:
            request = next(requests)
            while True:
                response = request.send(client)
                sent.append(f"{request} → {response.status_code}")
                request = requests.send(response)
        except StopIteration:
            pass
    return sent, [q["sql"] for q in queries.captured_queries]


@dataclass
class Baseline:
    """Per persona: what every agency sees in the world as built, and what the persona and the twin see once the
    persona's basis has ended (with no write in between)."""

    before: dict
    ended: dict
    tables: tuple  # fingerprint(POLICY_MODELS)


def widened(s: Scene, allowed: list[Allowed], before: dict, after: dict, ended: dict) -> list[str]:
    acting = s.agency.pk
    problems = []
    for key, (agency, _) in s.w.agencies().items():
        for kind in ww.KINDS:
            gained = after[key][kind] - before[key][kind] - allowed_ids(allowed, agency.pk, kind)
            if agency.pk == acting:
                gained -= ww.recorded_by(acting, kind, gained)
            if gained:
                problems.append(f"(a) {key} gained {describe(kind, gained)}")
    for kind in ww.KINDS:
        extra = ended[s.p.key][kind] - ended["twin"][kind] - allowed_ids(allowed, acting, kind)
        extra -= ww.recorded_by(acting, kind, extra)
        if extra:
            problems.append(f"(b) basis ended, {s.p.key} still sees more than the twin: {describe(kind, extra)}")
    return problems


def check(s: Scene, clients: dict, write: Write, baseline: Baseline) -> list[str]:
    """Runs one write case (inside the caller's transaction) and returns what is wrong: empty when nothing widened."""
    sent, statements = perform(s, clients[write.role], write)
    allowed = write.allowed(s, baseline.before)
    if tables_written(statements, POLICY_TABLES, but_touches=True) or fingerprint(POLICY_MODELS) != baseline.tables:
        after = snapshot(s.w)
        ended = ended_snapshot(s)
    else:
        after, ended = baseline.before, baseline.ended
    problems = widened(s, allowed, baseline.before, after, ended)
    return [f"{write.name} — " + "; ".join(sent), *problems] if problems else []


@pytest.fixture
def world(db):
    return ww.build()


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """The 403 and 404 answers the writes meet are expected: keep their log lines out of a failure's report."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def rolled_back(action):
    """Runs `action()` in its own transaction and rolls it back, returning what it returned."""
    with transaction.atomic():
        try:
            return action()
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("persona", ww.PERSONAS)
def test_no_write_widens_what_anyone_sees(world, persona):
    s = Scene(world, world.personas[persona])
    clients = {"worker": ww.verified_client(s.p.worker), "manager": ww.verified_client(s.p.manager)}
    # every write case is rolled back, so each starts from the same world
    baseline = Baseline(snapshot(world), rolled_back(lambda: ended_snapshot(s)), fingerprint(POLICY_MODELS))
    failures = [f"[{persona}] (no write)\n    " + "\n    ".join(problems)
                for problems in [widened(s, [], baseline.before, baseline.before, baseline.ended)] if problems]
    for label, entry in present(url_routes()):
        for write in entry.cases if isinstance(entry, Writes) else ():
            s.facts.clear()
            try:
                problems = rolled_back(lambda write=write: check(s, clients, write, baseline))
            except Exception:  # one broken case must not hide the others
                problems = [f"{write.name}: raised\n{traceback.format_exc(limit=8)}"]
            if problems:
                failures.append(f"[{persona}] {label}\n    " + "\n    ".join(problems))
    assert not failures, f"{len(failures)} write case(s) widened what an agency sees:\n" + "\n".join(failures)


# ------------------------------------------------------------------------------------------------------------------
# Read-only entries
# ------------------------------------------------------------------------------------------------------------------

PERSONAL_TABLES = {table for m in PERSONAL_MODELS for table in (m._meta.db_table, m.history.model._meta.db_table)} | {
    Consent.agencies.through._meta.db_table}


def fingerprint(models) -> tuple:
    """Rows and newest id of each model's table, and its history's rows, in one query."""
    quote, parts = connection.ops.quote_name, []
    for model in models:  # table and column names from the models' own metadata
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]  # noqa: S608
        if hasattr(model, "history"):
            parts.append(f"(SELECT COUNT(*) FROM {quote(model.history.model._meta.db_table)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return cursor.fetchone()


def read_only_request(label: str, entry: ReadOnly, s: Scene) -> Req:
    """An API operation is called as itself (with an empty JSON body if it takes one); a page is posted to."""
    method, _, path = label.partition(" ") if label.startswith(("GET ", "POST ", "PUT ", "PATCH ")) else ("", "", label)
    if method:
        return Req(method.lower(), fill(path, s, entry.args), {}, api=True)
    return Req("post", fill(path, s, entry.args))


# A meeting member's worker, and the coordinator (who passes the coordinator's gates): a page that writes nothing
# for them writes nothing for the other personas either, so they are not run again.
@pytest.mark.parametrize("persona", ["support_meeting", "convener"])
def test_read_only_endpoints_change_no_personal_row(world, persona):
    s = Scene(world, world.personas[persona])
    client = ww.verified_client(s.p.worker)
    changed = []
    for label, entry in present(url_routes()):
        if not isinstance(entry, ReadOnly):
            continue
        request = read_only_request(label, entry, s)

        def post(request=request, client=client):
            before = fingerprint(PERSONAL_MODELS)
            with CaptureQueriesContext(connection) as queries:
                response = request.send(client)
            return (response, before != fingerprint(PERSONAL_MODELS),
                    tables_written([q["sql"] for q in queries], PERSONAL_TABLES))

        response, counts_changed, tables = rolled_back(post)
        if counts_changed or tables:
            changed.append(f"{label}: {request} → {response.status_code} wrote {sorted(tables) or 'rows'}")
        if "_auth_user_id" not in client.session:  # the sign-out page signed it out
            client = ww.verified_client(s.p.worker)
    assert not changed, f"[{persona}] endpoints listed as read-only wrote personal data:\n" + "\n".join(changed)


def test_every_endpoint_is_in_the_table(db):
    routes = url_routes()
    operations = api_operations(ww.verified_client(factories.staff(factories.agency())))
    covered_paths = {path for _, path in API_TABLE}
    missing_routes = sorted(r for r in routes if r not in TABLE and as_openapi_path(r) not in covered_paths)
    missing_operations = sorted(f"{m} {p}" for m, p in operations - API_TABLE.keys())
    assert not missing_routes and not missing_operations, (
        "Add these endpoints to the table of tests/sharing/test_endpoint_writes.py (as write cases or read-only):\n"
        + "\n".join([*(f"  URL pattern {r!r}" for r in missing_routes),
                     *(f"  API operation {o}" for o in missing_operations)]))
