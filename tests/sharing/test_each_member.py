"""世帯の一人ひとり: each member's consent, refusal and withdrawal, against each kind of row of a household case.

One household of four, recorded by 記録 (the seed's shape): the husband 清 (H), his wife ヨシ子 (W), their son 健一 (S) and
the grandchild 蓮 (G), with one household case (HC). Its rows name no one, one member, or several:
notes (N_none, N_S, N_SW, N_G), plan rows (A_none, A_S, A_G), each member's concerns (C_S, C_G), consultations
taken on the case about the household (Q_H) and about the son (Q_S), referrals about the son (F_S) and the grandchild
(F_G), and a 重層的支援会議 agenda item naming the grandparents with an action item about the grandchild.

The receiving agency (受け手) is given one member's consent, refusal or withdrawal at a time, and `EXPECTED` is what it
sees of every kind of row: the member, the household (listing her alone), and the rows naming her or no one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import Agency, Role, Staff
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseNote, Consultation, PersonConcern, Referral, SupportPlanAction
from tsunagu.meetings import queries as meeting_queries
from tsunagu.meetings import services as meeting_services
from tsunagu.meetings.models import ActionItem, AgendaItem, Meeting, MeetingKind, MeetingMember, Sitting
from tsunagu.people import services as people
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.models import ConsentDecision
from tsunagu.sharing.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@dataclass
class World:
    recorder: Agency
    receiver: Agency
    other: Agency
    recorder_staff: Staff
    receiver_staff: Staff
    household: Household
    case: Case
    persons: dict[str, Person]
    rows: dict[str, dict[str, Model]] = field(default_factory=dict)

    def decide(self, who: str, decision: str = ConsentDecision.GIVEN, *, days_ago: int = 5, to: Agency | None = None):
        return consent_record(actor=actor_for(self.recorder_staff), person=self.persons[who], agencies=[to or self.receiver],
                              given_on=TODAY() - timedelta(days=days_ago), decision=decision)


def seat(meeting: Meeting, agency: Agency) -> MeetingMember:
    joined = TODAY() - timedelta(days=30)
    return MeetingMember.objects.create(meeting=meeting, agency=agency, joined_on=joined, confidentiality_pledged_on=joined)


@pytest.fixture
def w() -> World:
    recorder = factories.agency("記録 地域包括支援センター")
    receiver = factories.agency("受け手 生活困窮者自立相談支援機関", kind="poverty_consultation", fields=["poverty"])
    other = factories.agency("他 こども家庭センター", kind="child_family_center", fields=["children"])
    r_staff, x_staff = factories.staff(recorder), factories.staff(receiver)
    r = actor_for(r_staff)
    persons = {
        "H": people.person_create(actor=r, name="十河 清", kana="そごう きよし", birth_date=date(1942, 5, 1), sex="M"),
        "W": people.person_create(actor=r, name="十河 ヨシ子", kana="そごう よしこ", birth_date=date(1944, 8, 9), sex="F"),
        "S": people.person_create(actor=r, name="十河 健一", kana="そごう けんいち", birth_date=date(1975, 2, 3), sex="M"),
        "G": people.person_create(actor=r, name="十河 蓮", kana="そごう れん", birth_date=date(2014, 6, 1), sex="M"),
    }
    household = people.household_create(actor=r, name="十河さん世帯", members=[
        (persons["H"], "", True), (persons["W"], "wife", False), (persons["S"], "child", False),
        (persons["G"], "grandchild", False)])
    hc = cases.case_open(actor=r, household=household, title="認知症の夫婦と、息子・孫の世帯")
    world = World(recorder, receiver, other, r_staff, x_staff, household, hc, persons)

    def note(*who: str) -> CaseNote:
        return cases.note_add(actor=r, case=hc, body="訪問した。", members=[persons[p] for p in who])

    plan = cases.plan_create(actor=r, case=hc, goals="家族それぞれが支援につながる", actions=[
        {"description": "世帯の見守り"}, {"description": "就労の相談", "members": [persons["S"]]},
        {"description": "登校の支援", "members": [persons["G"]]}])
    actions = {a.description: a for a in plan.actions.all()}
    intake = cases.consultation_record(actor=r, route="phone", consulter="neighbour", main_complaint="様子が心配",
                                       household=household, outcome="info_only",
                                       member_concerns={persons["S"]: ["job_search"], persons["G"]: ["withdrawal"]})
    concerns = {c.person_id: c for c in PersonConcern.objects.filter(consultation=intake)}
    Consultation.objects.filter(pk=intake.pk).update(case=hc)
    PersonConcern.objects.filter(consultation=intake).update(case=hc)
    q_s = Consultation.objects.create(agency=recorder, staff=r_staff, route="phone", consulter="self",
                                      main_complaint="仕事がない", person=persons["S"], household=household, case=hc)

    def referral(who: str) -> Referral:
        return Referral.objects.create(case=hc, person=persons[who], from_agency=recorder, to_agency=receiver,
                                       from_staff=r_staff, reason="r", request="q", due_on=TODAY() + timedelta(days=7))

    multi = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="重層的支援会議", convened_by=recorder)
    seat(multi, recorder)
    seat(multi, receiver)
    item = AgendaItem.objects.create(meeting=multi, case=hc, added_on=TODAY() - timedelta(days=3))
    item.members.set([persons["H"], persons["W"]])
    sitting = Sitting.objects.create(meeting=multi, held_on=TODAY())
    action = ActionItem.objects.create(sitting=sitting, agenda_item=None, description="登校の様子を聞く",
                                       owner_agency=receiver, due_on=TODAY() + timedelta(days=7))
    action.members.set([persons["G"]])
    world.rows = {
        "person": dict(persons),
        "household": {"HH": household},
        "case": {"HC": hc},
        "note": {"N_none": note(), "N_S": note("S"), "N_SW": note("S", "W"), "N_G": note("G")},
        "plan_row": {"A_none": actions["世帯の見守り"], "A_S": actions["就労の相談"], "A_G": actions["登校の支援"]},
        "concern": {"C_S": concerns[persons["S"].pk], "C_G": concerns[persons["G"].pk]},
        "consultation": {"Q_H": intake, "Q_S": q_s},
        "referral": {"F_S": referral("S"), "F_G": referral("G")},
        "agenda": {"I_HW": item},
        "action": {"X_G": action},
    }
    return world


def seen(w: World, staff: Staff) -> dict[str, set[str]]:
    """Every row of the world the staff member's agency may see, by kind, as labels."""
    actor = actor_for(staff)
    found: dict[str, set[str]] = {}
    for kind, rows in w.rows.items():
        by_pk = {row.pk: label for label, row in rows.items()}
        model = type(next(iter(rows.values())))
        if kind == "plan_row":
            plans = policy.visible(w.case.plans.all(), actor)
            pks = policy.named_rows(SupportPlanAction.objects.filter(plan__in=plans), actor,
                                    recorded_by="plan__agency_id").values_list("pk", flat=True)
        elif kind == "agenda":
            pks = AgendaItem.objects.filter(pk__in=by_pk).filter(meeting_queries.readable(actor)).values_list("pk", flat=True)
        elif kind == "action":
            pks = meeting_queries.on_readable_items(ActionItem.objects.filter(pk__in=by_pk), actor).values_list("pk", flat=True)
        else:
            pks = policy.visible(model._default_manager.filter(pk__in=by_pk), actor).values_list("pk", flat=True)
        found[kind] = {by_pk[pk] for pk in pks}
    return found


NOTHING = {"person": set(), "household": set(), "case": set(), "note": set(), "plan_row": set(), "concern": set(),
           "consultation": set(), "referral": set(), "agenda": set(), "action": set()}


def only(member: str) -> dict[str, set[str]]:
    """What one member's consent opens to the receiving agency: her, the household (listing her), the case, and the
    rows naming her or no one — and the household-wide consultation; the 重層 item names the grandparents."""
    rows = {
        "S": {"note": {"N_none", "N_S"}, "plan_row": {"A_none", "A_S"}, "concern": {"C_S"}, "consultation": {"Q_H", "Q_S"},
              "referral": {"F_S"}, "agenda": set(), "action": set()},
        "G": {"note": {"N_none", "N_G"}, "plan_row": {"A_none", "A_G"}, "concern": {"C_G"}, "consultation": {"Q_H"},
              "referral": {"F_G"}, "agenda": set(), "action": {"X_G"}},
        "W": {"note": {"N_none"}, "plan_row": {"A_none"}, "concern": set(), "consultation": {"Q_H"},
              "referral": set(), "agenda": set(), "action": set()},
    }[member]
    return {"person": {member}, "household": {"HH"}, "case": {"HC"}, **rows}


def test_each_members_consent_opens_her_and_the_rows_naming_her_or_no_one(w):
    for member in ("S", "G", "W"):
        consent = w.decide(member)
        assert seen(w, w.receiver_staff) == only(member), member
        consent_withdraw(actor=actor_for(w.recorder_staff), consent=consent)
        assert seen(w, w.receiver_staff) == NOTHING, f"{member}: withdrawn"


def test_the_grandparents_consent_opens_the_agenda_item_naming_both_and_the_note_naming_the_son_stays_shut(w):
    w.decide("H")
    w.decide("W")
    shown = seen(w, w.receiver_staff)
    assert shown["person"] == {"H", "W"}
    assert shown["agenda"] == {"I_HW"}
    assert shown["note"] == {"N_none"}  # N_SW names the son too: it needs a basis for each member it names


def test_a_refusal_outweighs_the_earlier_consent_and_a_later_consent_outweighs_the_refusal(w):
    w.decide("S", days_ago=10)
    w.decide("S", ConsentDecision.REFUSED, days_ago=4)
    assert seen(w, w.receiver_staff) == NOTHING
    w.decide("S", days_ago=1)
    assert seen(w, w.receiver_staff) == only("S")


def test_a_refusal_blocks_consent_for_the_agencies_it_names_only(w):
    w.decide("S", days_ago=10)
    w.decide("S", ConsentDecision.REFUSED, days_ago=4, to=w.other)
    assert seen(w, w.receiver_staff) == only("S")


def test_a_refusal_leaves_the_support_meeting_basis_untouched(w):
    w.decide("S", ConsentDecision.REFUSED)
    support = Meeting.objects.create(kind=MeetingKind.SUPPORT_MEETING, title="支援会議", convened_by=w.recorder)
    seat(support, w.receiver)
    AgendaItem.objects.create(meeting=support, household=w.household, added_on=TODAY() - timedelta(days=1))
    shown = seen(w, w.receiver_staff)
    assert shown["person"] == {"H", "W", "S", "G"}
    assert shown["note"] == {"N_none", "N_S", "N_SW", "N_G"}
    assert shown["concern"] == {"C_S", "C_G"}


def test_the_recording_agency_sees_every_row_it_recorded(w):
    shown = seen(w, w.recorder_staff)
    assert shown["note"] == {"N_none", "N_S", "N_SW", "N_G"} and shown["plan_row"] == {"A_none", "A_S", "A_G"}
    assert shown["concern"] == {"C_S", "C_G"} and shown["consultation"] == {"Q_H", "Q_S"}


def test_the_household_page_lists_only_the_members_the_consent_covers(w, client):
    w.decide("G")
    client.force_login(w.receiver_staff)
    page = client.get(f"/people/households/{w.household.pk}/").content.decode()
    assert "十河 蓮" in page
    assert not any(name in page for name in ("十河 清", "十河 ヨシ子", "十河 健一"))


def test_a_consent_dated_ahead_is_refused_and_one_recorded_so_shows_as_not_yet_in_force(w):
    with pytest.raises(ValidationError, match="未来"):
        w.decide("S", days_ago=-3)
    assert seen(w, w.receiver_staff) == NOTHING


def test_a_refusal_cannot_be_withdrawn_as_if_it_were_a_consent(w):
    refusal = w.decide("S", ConsentDecision.REFUSED)
    with pytest.raises(ValidationError):
        consent_withdraw(actor=actor_for(w.recorder_staff), consent=refusal)


# ---- 重層的支援会議 on a household: only the members whose consent covers every member agency ----


def convener(w: World):
    return actor_for(factories.staff(w.recorder, role=Role.MANAGER))


def test_multi_agency_meeting_on_the_household_shares_only_the_consenting_members_and_says_who_is_left_out(w):
    w.decide("S", ConsentDecision.REFUSED)
    w.decide("H")
    w.decide("W")
    meeting = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="第2回", convened_by=w.recorder)
    seat(meeting, w.recorder)
    seat(meeting, w.receiver)
    item = meeting_services.agenda_add(actor=convener(w), meeting=meeting, case=w.case)
    assert set(item.members.values_list("name", flat=True)) == {"十河 清", "十河 ヨシ子"}
    assert item.left_out == "世帯員2名（不同意1名、同意の記録なし1名）は、本人同意がないため共有していません。"
    assert "十河" not in item.left_out  # every member of the meeting reads it: counts, never names
    coverage = policy.consent_coverage(w.case, [w.recorder.pk, w.receiver.pk])
    assert coverage.left_out == {w.persons["S"].pk: "不同意", w.persons["G"].pk: "同意の記録なし"}


def test_multi_agency_meeting_refuses_a_household_no_member_of_which_has_consented(w):
    w.decide("S", ConsentDecision.REFUSED)
    meeting = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="第2回", convened_by=w.recorder)
    seat(meeting, w.recorder)
    seat(meeting, w.receiver)
    with pytest.raises(ValidationError, match="どの世帯員についても"):
        meeting_services.agenda_add(actor=convener(w), meeting=meeting, case=w.case)
    assert not meeting.agenda_items.exists()


# ---- a referral names exactly one member ----


def test_a_household_referral_must_name_one_of_its_members(w):
    r = actor_for(w.recorder_staff)
    access = policy.Access("consent")
    due = TODAY() + timedelta(days=7)
    with pytest.raises(ValidationError, match="どの世帯員"):
        cases.referral_send(actor=r, case=w.case, to_agency=w.receiver, reason="r", request="q", due_on=due,
                            receiver_access=access)
    stranger = people.person_create(actor=r, name="他人 一郎", kana="たにん いちろう")
    with pytest.raises(ValidationError, match="世帯員ではありません"):
        cases.referral_send(actor=r, case=w.case, to_agency=w.receiver, reason="r", request="q", due_on=due,
                            receiver_access=access, person=stranger)
    sent = cases.referral_send(actor=r, case=w.case, to_agency=w.receiver, reason="r", request="q", due_on=due,
                               receiver_access=access, person=w.persons["G"])
    assert sent.person == w.persons["G"]


def test_intake_member_concerns_make_the_household_multi_issue_from_who_has_which_need(w):
    r = actor_for(w.recorder_staff)
    household = people.household_create(actor=r, name="別の世帯", members=[(w.persons["H"], "", True)])
    cases.consultation_record(actor=r, route="phone", consulter="self", main_complaint="介護のこと", household=household,
                              member_concerns={w.persons["H"]: ["care"]})
    household.refresh_from_db()
    assert not household.multi_issue  # one 分野
    cases.consultation_record(actor=r, route="phone", consulter="self", main_complaint="お金のこと", household=household,
                              member_concerns={w.persons["H"]: ["debt"]})
    household.refresh_from_db()
    assert household.multi_issue and {"elderly", "poverty"} <= set(household.multi_issue_fields)
    with pytest.raises(ValidationError, match="世帯員ではありません"):
        cases.consultation_record(actor=r, route="phone", consulter="self", main_complaint="x", household=household,
                                  member_concerns={w.persons["G"]: ["withdrawal"]})


# ---- through the pages and the API ----


def test_the_plan_print_leaves_out_a_row_naming_a_member_the_reader_has_no_basis_for(w, client_for):
    w.decide("S")
    plan = w.case.plans.get()
    page = client_for(w.receiver_staff).get(f"/cases/plans/{plan.pk}/print/").content.decode()
    assert "就労の相談" in page and "世帯の見守り" in page
    assert "登校の支援" not in page and "十河 蓮" not in page
    own = client_for(w.recorder_staff).get(f"/cases/plans/{plan.pk}/print/").content.decode()
    assert "登校の支援（対象: 十河 蓮）" in own


def test_the_api_writes_a_note_naming_a_member_and_shows_it_only_to_a_reader_with_a_basis_for_her(w, client_for):
    w.decide("S")
    grandchild = w.persons["G"]
    response = client_for(w.recorder_staff).post(f"/api/cases/{w.case.pk}/notes",
                                                 {"body": "孫の登校を確認", "member_ids": [grandchild.pk]},
                                                 content_type="application/json")
    assert response.status_code == 201 and response.json()["member_ids"] == [grandchild.pk]
    bodies = [n["body"] for n in client_for(w.receiver_staff).get(f"/api/cases/{w.case.pk}/notes").json()]
    assert "孫の登校を確認" not in bodies and len(bodies) == 2  # N_none and N_S
    stranger = people.person_create(actor=actor_for(w.recorder_staff), name="他人 花子", kana="たにん はなこ")
    refused = client_for(w.recorder_staff).post(f"/api/cases/{w.case.pk}/notes",
                                                {"body": "x", "member_ids": [stranger.pk]}, content_type="application/json")
    assert refused.status_code == 422 and "世帯員ではありません" in refused.json()["detail"]


def test_a_refusal_shows_on_the_case_with_the_support_meeting_route_offered_once(w, client_for):
    w.decide("S", ConsentDecision.REFUSED)
    owner = client_for(w.recorder_staff)
    page = owner.get(f"/cases/{w.case.pk}/").content.decode()
    assert "十河 健一さん</strong>は共有に同意していません" in page
    assert page.count("支援会議での検討を推進員に依頼") == 1
    owner.post(f"/people/households/{w.household.pk}/propose-meeting/")
    page = owner.get(f"/cases/{w.case.pk}/").content.decode()
    assert "支援会議での検討を推進員に依頼" not in page and "推進員に検討を依頼済みです" in page
    household_page = owner.get(f"/people/households/{w.household.pk}/").content.decode()
    assert "支援会議での検討を推進員に依頼" not in household_page
