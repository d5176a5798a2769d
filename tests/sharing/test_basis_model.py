"""Each sharing basis × each kind of row: what the basis grants, exactly — and that nothing is left once it ends.

One small world (`build`). The recording agency (記録) records the 高橋 household — the son 健一 (S) and his mother
ヨシ子 (M) — and a neighbour 田中 (O), who lives alone:

- cases: the household's (HC), the son's (SC), the mother's (MC), the neighbour's (OC), one recorded under the
  要保護児童対策地域協議会 on the household (CC), and one about the son that another agency (他) recorded (YC);
- notes on HC, SC and MC, and two under the 要対協: the council's record on HC (N_council) and a note on CC (N_CC);
- plans on HC, SC and MC; referrals from 記録 to the receiving agency about the son (F_S) and about the household case
  (F_H), and one to 他 about the mother (F_M);
- consultations about the son with his case (Q_S) and without one (Q_S0), about the mother (Q_M), about the
  household (Q_H), and one taken under the 要対協 (Q_council);
- three meetings convened by 記録, each with one sitting and a decision about each agenda item: a 支援会議 and a 要対協
  with the household on their agendas (D_sm_H, D_cpc_H), and a 重層的支援会議 (read on each member's own basis) with
  the son's and the mother's cases (D_mm_SC, D_mm_MC). 記録 sits (pledged) on the 重層的支援会議 only.

Each basis is then given to one agency alone (`BASES`): 記録 itself for own agency, otherwise the receiving agency
(受け手), which also sits on the 重層的支援会議 when its basis is not a meeting of its own. `EXPECTED` is what it sees
of each kind of row; after each way the basis ends (`ENDS`) it sees nothing at all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.db.models import Model
from django.utils import timezone

from tests import factories
from tsunagu.agencies.actor import Actor, actor_for
from tsunagu.agencies.models import Agency, Staff
from tsunagu.audit.models import SharingBasis
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseNote, Compartment, Consultation, Referral, SupportPlan
from tsunagu.meetings import queries as meeting_queries
from tsunagu.meetings.models import AgendaItem, Decision, Meeting, MeetingKind, MeetingMember, Sitting
from tsunagu.people import services as people
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.models import Consent
from tsunagu.sharing.services import consent_record, consent_withdraw, vital_interest_disclose

pytestmark = pytest.mark.django_db

B = SharingBasis
COUNCIL = Compartment.CHILD_PROTECTION_COUNCIL
MODELS: dict[str, type[Model]] = {"person": Person, "household": Household, "case": Case, "note": CaseNote,
                                  "plan": SupportPlan, "referral": Referral, "consultation": Consultation}
KINDS = [*MODELS, "decision", "agenda"]  # the last two: a meeting's record about its agenda items


@dataclass
class World:
    recorder: Agency
    receiver: Agency
    other: Agency
    recorder_staff: Staff
    receiver_staff: Staff
    meetings: dict[str, Meeting]  # "support", "council", "multi"
    rows: dict[str, dict[str, Model]] = field(default_factory=dict)  # kind -> label -> row
    facts: dict[str, Model] = field(default_factory=dict)  # what giving a basis made: consent, disclosure, seat

    def row(self, kind: str, label: str) -> Model:
        return self.rows[kind][label]

    def labels(self, kind: str, pks: set[int]) -> set[str]:
        by_pk = {row.pk: label for label, row in self.rows[kind].items()}
        return {by_pk.get(pk, f"unknown {kind} {pk}") for pk in pks}


def build() -> World:
    today = timezone.localdate()
    recorder = factories.agency("記録 地域包括支援センター")
    receiver = factories.agency("受け手 障害者相談支援事業所", kind="disability_consultation", fields=["disability"])
    other = factories.agency("他 社会福祉協議会", kind="social_welfare_council", fields=["community"])
    r_staff, x_staff, y_staff = factories.staff(recorder), factories.staff(receiver), factories.staff(other)
    r = actor_for(r_staff)

    son = people.person_create(actor=r, name="高橋 健一", kana="たかはし けんいち", birth_date=date(1975, 2, 3), sex="M")
    mother = people.person_create(actor=r, name="高橋 ヨシ子", kana="たかはし よしこ", birth_date=date(1944, 8, 9), sex="F")
    neighbour = people.person_create(actor=r, name="田中 一郎", kana="たなか いちろう", birth_date=date(1950, 1, 1), sex="M")
    household = people.household_create(actor=r, name="高橋さん世帯", members=[(mother, "", True), (son, "child", False)])
    hc = cases.case_open(actor=r, household=household, title="高橋さん世帯")
    sc = cases.case_open(actor=r, person=son, title="健一さんの就労")
    mc = cases.case_open(actor=r, person=mother, title="ヨシ子さんの介護")
    oc = cases.case_open(actor=r, person=neighbour, title="田中さんの見守り")
    cc = cases.case_open(actor=r, household=household, title="要対協の個別ケース", compartment=COUNCIL)
    yc = cases.case_open(actor=actor_for(y_staff), person=son, title="他機関が記録した健一さんのケース")

    def note(case: Case, compartment: str = "") -> CaseNote:
        return cases.note_add(actor=r, case=case, body="訪問した。", compartment=compartment)

    def plan(case: Case) -> SupportPlan:
        return cases.plan_create(actor=r, case=case, goals="安心して暮らせる")

    def referral(to: Agency, case: Case, person: Person | None) -> Referral:
        return Referral.objects.create(case=case, person=person, from_agency=recorder, to_agency=to, from_staff=r_staff,
                                       reason="生活の立て直し", request="支援の検討", due_on=today + timedelta(days=7))

    def consultation(*, person: Person | None = None, household: Household | None = None, case: Case | None = None,
                     compartment: str = "") -> Consultation:
        return Consultation.objects.create(agency=recorder, staff=r_staff, route="phone", consulter="family",
                                           main_complaint="生活のこと", person=person, household=household, case=case,
                                           compartment=compartment)

    meetings = {key: Meeting.objects.create(kind=kind, title=title, convened_by=recorder) for key, kind, title in [
        ("support", MeetingKind.SUPPORT_MEETING, "支援会議"),
        ("council", MeetingKind.CHILD_PROTECTION_COUNCIL, "要対協"),
        ("multi", MeetingKind.MULTI_AGENCY_MEETING, "重層的支援会議")]}
    seat(meetings["multi"], recorder)
    decisions, agenda = {}, {}
    for key, subjects in [("support", {"H": {"household": household}}), ("council", {"H": {"household": household}}),
                          ("multi", {"SC": {"case": sc}, "MC": {"case": mc}})]:
        sitting = Sitting.objects.create(meeting=meetings[key], held_on=today)
        prefix = {"support": "sm", "council": "cpc", "multi": "mm"}[key]
        for label, subject in subjects.items():
            item = AgendaItem.objects.create(meeting=meetings[key], added_on=today - timedelta(days=10), **subject)
            agenda[f"A_{prefix}_{label}"] = item
            decisions[f"D_{prefix}_{label}"] = Decision.objects.create(sitting=sitting, agenda_item=item, text="見守りを続ける")

    world = World(recorder, receiver, other, r_staff, x_staff, meetings)
    world.rows = {
        "person": {"S": son, "M": mother, "O": neighbour},
        "household": {"H": household},
        "case": {"HC": hc, "SC": sc, "MC": mc, "OC": oc, "CC": cc, "YC": yc},
        "note": {"N_HC": note(hc), "N_SC": note(sc), "N_MC": note(mc), "N_council": note(hc, COUNCIL),
                 "N_CC": note(cc)},
        "plan": {"P_HC": plan(hc), "P_SC": plan(sc), "P_MC": plan(mc)},
        "referral": {"F_S": referral(receiver, sc, son), "F_H": referral(receiver, hc, None),
                     "F_M": referral(other, mc, mother)},
        "consultation": {"Q_S": consultation(person=son, case=sc), "Q_S0": consultation(person=son),
                         "Q_M": consultation(person=mother, case=mc), "Q_H": consultation(household=household, case=hc),
                         "Q_council": consultation(person=son, case=hc, compartment=COUNCIL)},
        "decision": decisions,
        "agenda": agenda,
    }
    return world


def seat(meeting: Meeting, agency: Agency) -> MeetingMember:
    """A member who sits: joined a month ago, her 守秘義務の誓約 recorded."""
    joined = timezone.localdate() - timedelta(days=30)
    return MeetingMember.objects.create(meeting=meeting, agency=agency, joined_on=joined,
                                        confidentiality_pledged_on=joined)


# ------------------------------------------------------------------------------------------------------------------
# The bases, given to one agency each, and the ways each ends
# ------------------------------------------------------------------------------------------------------------------


def own_agency(w: World) -> Staff:
    return w.recorder_staff


def own_agency_led(w: World) -> Staff:
    """受け手 leads the son's case, which 記録 recorded (what a 移管 leaves, once the basis it needed has ended)."""
    seat(w.meetings["multi"], w.receiver)
    case = w.row("case", "SC")
    case.lead_agency = w.receiver
    case.save()
    return w.receiver_staff


def support_meeting(w: World) -> Staff:
    w.facts["seat"] = seat(w.meetings["support"], w.receiver)
    return w.receiver_staff


def child_protection_council(w: World) -> Staff:
    w.facts["seat"] = seat(w.meetings["council"], w.receiver)
    return w.receiver_staff


def consent(w: World) -> Staff:
    seat(w.meetings["multi"], w.receiver)
    w.facts["consent"] = consent_record(actor=actor_for(w.recorder_staff), person=w.row("person", "S"),
                                        agencies=[w.receiver], given_on=timezone.localdate() - timedelta(days=10))
    return w.receiver_staff


def vital_interest(w: World) -> Staff:
    seat(w.meetings["multi"], w.receiver)
    w.facts["disclosure"] = vital_interest_disclose(actor=actor_for(w.recorder_staff), person=w.row("person", "S"),
                                                    to_agency=w.receiver, ground="life",
                                                    reason="自宅で倒れて救急搬送、服薬状況の確認が急ぎ必要なため")
    return w.receiver_staff


BASES: dict[str, tuple[str, Callable[[World], Staff]]] = {
    "own_agency": (B.OWN_AGENCY, own_agency),
    "own_agency_led": (B.OWN_AGENCY, own_agency_led),
    "support_meeting": (B.SUPPORT_MEETING, support_meeting),
    "child_protection_council": (B.CHILD_PROTECTION_COUNCIL, child_protection_council),
    "consent": (B.CONSENT, consent),
    "vital_interest": (B.VITAL_INTEREST, vital_interest),
}


def _save(row: Model, **values: object) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.save()  # through the model: the policy's signals see it


def _agenda_item(w: World) -> AgendaItem:
    seat_row = w.facts["seat"]
    assert isinstance(seat_row, MeetingMember)
    return AgendaItem.objects.get(meeting_id=seat_row.meeting_id)


ENDS: dict[str, dict[str, Callable[[World], None]]] = {
    "own_agency_led": {
        "transferred_back": lambda w: _save(w.row("case", "SC"), lead_agency=w.recorder),
    },
    "support_meeting": {
        "left": lambda w: _save(w.facts["seat"], left_on=timezone.localdate()),
        "taken_off_the_agenda": lambda w: _save(_agenda_item(w), removed_on=timezone.localdate()),
        "pledge_not_recorded": lambda w: _save(w.facts["seat"], confidentiality_pledged_on=None),
    },
    "child_protection_council": {
        "left": lambda w: _save(w.facts["seat"], left_on=timezone.localdate()),
        "taken_off_the_agenda": lambda w: _save(_agenda_item(w), removed_on=timezone.localdate()),
        "pledge_not_recorded": lambda w: _save(w.facts["seat"], confidentiality_pledged_on=None),
    },
    "consent": {
        "withdrawn": lambda w: _withdraw(w),
        "expired": lambda w: _save(w.facts["consent"], expires_on=timezone.localdate() - timedelta(days=1)),
    },
    "vital_interest": {
        "expired": lambda w: _save(w.facts["disclosure"], expires_on=timezone.localdate() - timedelta(days=1)),
    },
}


def _withdraw(w: World) -> None:
    given = w.facts["consent"]
    assert isinstance(given, Consent)
    consent_withdraw(actor=actor_for(w.recorder_staff), consent=given, note="本人が撤回")


# ------------------------------------------------------------------------------------------------------------------
# What each basis grants (labels of `build`), and nothing else
# ------------------------------------------------------------------------------------------------------------------

EXPECTED: dict[str, dict[str, set[str]]] = {
    # everything it recorded — but not what it recorded under a 要対協 it does not sit on, nor another agency's case
    "own_agency": {
        "person": {"S", "M", "O"}, "household": {"H"}, "case": {"HC", "SC", "MC", "OC"},
        "note": {"N_HC", "N_SC", "N_MC"}, "plan": {"P_HC", "P_SC", "P_MC"}, "referral": {"F_S", "F_H", "F_M"},
        "consultation": {"Q_S", "Q_S0", "Q_M", "Q_H"}, "decision": {"D_mm_SC", "D_mm_MC"},
        "agenda": {"A_mm_SC", "A_mm_MC"},
    },
    # the case it leads and its subject — never the household or the mother
    "own_agency_led": {
        "person": {"S"}, "household": set(), "case": {"SC"}, "note": {"N_SC"}, "plan": {"P_SC"},
        "referral": {"F_S"}, "consultation": {"Q_S", "Q_S0"}, "decision": {"D_mm_SC"}, "agenda": {"A_mm_SC"},
    },
    # the household on the agenda, its current members and its case — not what is under the 要対協
    "support_meeting": {
        "person": {"S", "M"}, "household": {"H"}, "case": {"HC"}, "note": {"N_HC"}, "plan": {"P_HC"},
        "referral": {"F_S", "F_H"}, "consultation": {"Q_S", "Q_S0", "Q_M", "Q_H"}, "decision": {"D_sm_H"},
        "agenda": {"A_sm_H"},
    },
    # the same, and the council's own compartment
    "child_protection_council": {
        "person": {"S", "M"}, "household": {"H"}, "case": {"HC", "CC"}, "note": {"N_HC", "N_council", "N_CC"},
        "plan": {"P_HC"}, "referral": {"F_S", "F_H"}, "consultation": {"Q_S", "Q_S0", "Q_M", "Q_H", "Q_council"},
        "decision": {"D_cpc_H"}, "agenda": {"A_cpc_H"},
    },
    # the son, his cases (another agency's too), his household and its cases — not his mother, not her case
    "consent": {
        "person": {"S"}, "household": {"H"}, "case": {"SC", "HC", "YC"}, "note": {"N_SC", "N_HC"},
        "plan": {"P_SC", "P_HC"}, "referral": {"F_S", "F_H"}, "consultation": {"Q_S", "Q_S0", "Q_H"},
        "decision": {"D_mm_SC"}, "agenda": {"A_mm_SC"},
    },
    # the son and the case the providing agency holds about him: not his household, not another agency's case, not
    # a consultation that led to no case of the provider's
    "vital_interest": {
        "person": {"S"}, "household": set(), "case": {"SC"}, "note": {"N_SC"}, "plan": {"P_SC"},
        "referral": {"F_S"}, "consultation": {"Q_S"}, "decision": {"D_mm_SC"}, "agenda": {"A_mm_SC"},
    },
}


def seen(w: World, who: Actor, kind: str) -> set[str]:
    """The labels of `kind` the actor sees in lists (SQL) — for a meeting's record, on the sitting page's terms."""
    if kind in MODELS:
        return w.labels(kind, set(policy.visible(MODELS[kind]._default_manager.all(), who).values_list("pk", flat=True)))
    meetings = policy.visible_meetings(Meeting.objects.all(), who)
    if kind == "decision":
        pks = {d.pk for s in Sitting.objects.filter(meeting__in=meetings) for d in meeting_queries.sitting_record(s, who)[0]}
        return w.labels(kind, pks)
    items = AgendaItem.objects.filter(meeting__in=meetings)
    return w.labels(kind, meeting_queries.readable_agenda_item_ids(who, items))


def seen_one_by_one(w: World, who: Actor, kind: str) -> set[str]:
    """The same, asked of each row alone, as a detail page does (`checked` for the rows checked in Python)."""
    found = set()
    for label, row in w.rows[kind].items():
        if kind in ("person", "household", "case"):
            shown = policy.checked(type(row), who, row.pk) is not None
        else:
            shown = policy.basis_for(row, who) is not None
        if shown:
            found.add(label)
    return found


def _given(basis_key: str) -> tuple[World, Actor]:
    w = build()
    return w, actor_for(BASES[basis_key][1](w))


# ------------------------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("basis_key", list(BASES))
def test_the_basis_grants_exactly_what_it_should(basis_key, kind):
    w, who = _given(basis_key)
    expected = EXPECTED[basis_key][kind]
    assert seen(w, who, kind) == expected
    if kind in MODELS:
        assert seen_one_by_one(w, who, kind) == expected
        basis = BASES[basis_key][0]
        for label in expected:
            access = policy.basis_for(w.row(kind, label), who)
            assert access is not None and access.basis == basis, label


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("basis_key", "end"), [(b, e) for b, ends in ENDS.items() for e in ends])
def test_nothing_is_left_once_the_basis_ends(basis_key, end, kind):
    w, before = _given(basis_key)
    assert seen(w, before, kind) == EXPECTED[basis_key][kind]
    ENDS[basis_key][end](w)
    assert seen(w, before, kind) == set(), "the same request, after this process wrote the end"
    who = actor_for(Staff.objects.get(pk=before.staff.pk))  # the next request
    assert seen(w, who, kind) == set()
    if kind in MODELS:
        assert seen_one_by_one(w, who, kind) == set()


@pytest.mark.parametrize("model", [Person, Household, Case], ids=["person", "household", "case"])
@pytest.mark.parametrize(("basis_key", "end"), [(b, None) for b in BASES] + [(b, e) for b, ends in ENDS.items() for e in ends])
def test_rows_checked_in_python_agree_with_the_sql(basis_key, end, model):
    """`checked_rows` (rows loaded by a plain key, checked in Python) keeps exactly what `visible` keeps, with the same
    bases, for every agency of the world — while the basis holds and after it ends."""
    w, _ = _given(basis_key)
    if end is not None:
        ENDS[basis_key][end](w)
    for staff in (w.recorder_staff, w.receiver_staff):
        who = actor_for(staff)
        in_sql = {row.pk: policy.access_of(row) for row in policy.visible(model._default_manager.all(), who, with_basis=True)}
        in_python = {row.pk: policy.access_of(row) for row in policy.checked_rows(who, list(model._default_manager.all()))}
        assert in_python == in_sql, staff
