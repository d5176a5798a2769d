"""A small constructed world for tests/sharing/test_endpoint_writes.py: one recording agency, one persona agency per
temporary sharing basis, a twin that never holds a basis, an outsider that writes may try to give access to, and the
city hall whose coordinator convenes the meetings.

The recording agency (記録機関) records the 高橋 household — father, mother, son, grandson — with a household case, a
case about the son and a case about the grandson, with notes (one recorded under the 要保護児童対策地域協議会) and a
plan. It sits on both meetings and brought the household and the grandson's case to them. Each persona sees part of
it through one basis only:

- consent: the son consented to it (his case, his household and its cases);
- support_meeting: a current, pledged member of the 支援会議 that has the household on its agenda;
- child_protection_council: a current, pledged member of the 要対協 that has the grandson's case on its agenda (with a
  note recorded under the council);
- vital_interest: an emergency disclosure about the mother (valid 14 days);
- convener: the city hall, whose coordinator convened both meetings and sits on them (pledged).

Everything is built through the services, as the screens would. `end_basis` takes a persona's basis away again.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import Agency, Staff
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseNote, Compartment, Consultation, Referral, SupportPlan
from tsunagu.ecomap import services as ecomap
from tsunagu.ecomap.models import EcomapTie
from tsunagu.followups import services as followups
from tsunagu.followups.models import FollowUp, Outreach
from tsunagu.meetings import services as meetings
from tsunagu.meetings.models import ActionItem, Meeting, MeetingKind, MeetingMember, Sitting
from tsunagu.participation import services as placements
from tsunagu.participation.models import Placement
from tsunagu.people import services as people
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.resources import services as resources
from tsunagu.resources.models import Service
from tsunagu.sharing import policy
from tsunagu.sharing.models import Consent, Inquiry, VitalInterestDisclosure
from tsunagu.sharing.services import consent_record, consent_withdraw, inquiry_send, vital_interest_disclose

PERSONAS = ["consent", "support_meeting", "child_protection_council", "vital_interest", "convener"]


@dataclass
class Persona:
    """An agency acting through one temporary basis, and the objects it sees through that basis only (what its
    writes aim at). `meeting`/`member` are its own meeting and membership, or — for a persona that sits on no
    meeting — the 支援会議's, so that its writes there are tried too."""

    key: str
    agency: Agency
    worker: Staff
    manager: Staff
    person: Person
    case: Case
    household: Household
    meeting: Meeting
    member: MeetingMember
    sitting: Sitting
    action: ActionItem
    referral: Referral  # sent to it by the recording agency, under its basis


@dataclass
class WritesWorld:
    recorder: Agency
    recorder_worker: Staff
    father: Person
    mother: Person
    son: Person
    grandson: Person
    household: Household
    household_case: Case
    son_case: Case
    council_case: Case  # the grandson's, on the 要対協's agenda
    council_note: CaseNote  # recorded under the 要対協 (its compartment)
    note: CaseNote
    plan: SupportPlan
    consent: Consent
    disclosure: VitalInterestDisclosure
    support_meeting: Meeting
    council: Meeting
    followup: FollowUp
    outreach: Outreach
    tie: EcomapTie
    service: Service
    placement: Placement
    consultation: Consultation
    inquiry: Inquiry
    twin: Agency
    twin_worker: Staff
    outsider: Agency
    outsider_worker: Staff
    city_hall: Agency
    coordinator: Staff
    personas: dict[str, Persona] = field(default_factory=dict)

    def staff_of(self, agency: Agency) -> Staff:
        return next(staff for a, staff in self.agencies().values() if a.pk == agency.pk)

    def agencies(self) -> dict[str, tuple[Agency, Staff]]:
        """Every agency of the world with a staff member to act as it (for the visibility snapshots)."""
        found = {"recorder": (self.recorder, self.recorder_worker), "twin": (self.twin, self.twin_worker),
                 "outsider": (self.outsider, self.outsider_worker)}
        found.update({key: (p.agency, p.worker) for key, p in self.personas.items()})
        return found


def _agency(name: str, kind: str, **extra) -> Agency:
    return factories.agency(name, kind=kind, **extra)


def _staff_pair(agency: Agency, login: str, *, worker_role: str = "worker") -> tuple[Staff, Staff]:
    worker = factories.staff(agency, role=worker_role, login_id=f"{login}_worker", name=f"{agency.name[:6]} 相談員")
    manager = factories.staff(agency, role="manager", login_id=f"{login}_manager", name=f"{agency.name[:6]} 管理者")
    return worker, manager


def build() -> WritesWorld:
    today = timezone.localdate()
    recorder = _agency("記録 地域包括支援センター", "community_general_support")
    rec_worker, rec_manager = _staff_pair(recorder, "recorder")
    city_hall = _agency("市 福祉総合相談課", "municipal_office", operation="direct", fields=["community"])
    coordinator, city_manager = _staff_pair(city_hall, "city", worker_role="coordinator")
    consenting = _agency("同意 障害者相談支援事業所", "disability_consultation", fields=["disability"])
    seated = _agency("会議 生活困窮者自立相談支援機関", "self_reliance", fields=["poverty"])
    council_seat = _agency("要対協 こども家庭センター", "child_family_center", fields=["children"])
    disclosed_to = _agency("緊急 居宅介護支援事業所", "care_management")
    twin = _agency("双子 社会福祉協議会", "social_welfare_council", fields=["community"])
    outsider = _agency("部外 NPO法人", "npo", fields=["community"])
    staff = {key: _staff_pair(agency, key) for key, agency in [
        ("consent", consenting), ("support_meeting", seated), ("child_protection_council", council_seat),
        ("vital_interest", disclosed_to), ("twin", twin), ("outsider", outsider)]}

    a = actor_for(rec_worker)
    father = people.person_create(actor=a, name="髙橋 清", kana="たかはし きよし", birth_date=date(1942, 5, 1), sex="M",
                                  address="さくら野町旭町1丁目2番3号")
    mother = people.person_create(actor=a, name="高橋 ヨシ子", kana="たかはし よしこ", birth_date=date(1944, 8, 9), sex="F")
    son = people.person_create(actor=a, name="高橋 健一", kana="たかはし けんいち", birth_date=date(1975, 2, 3), sex="M")
    grandson = people.person_create(actor=a, name="高橋 蓮", kana="たかはし れん", birth_date=date(2013, 6, 1), sex="M")
    household = people.household_create(actor=a, name="高橋さん世帯", address="さくら野町旭町1丁目2番3号", members=[
        (father, "", True), (mother, "wife", False), (son, "child", False), (grandson, "grandchild", False)])
    household_case = cases.case_open(actor=a, household=household, title="高橋さん世帯（8050・子どもの不登校）")
    son_case = cases.case_open(actor=a, person=son, title="健一さんの就労と生活")
    council_case = cases.case_open(actor=a, person=grandson, title="蓮さんの見守り（要対協）")
    note = cases.note_add(actor=a, case=household_case, body="訪問。祖父母が孫の世話を続けるのが難しくなっている。")
    cases.note_add(actor=a, case=son_case, body="ハローワークに同行。")
    plan = cases.plan_create(actor=a, case=household_case, goals="孫が安心して暮らせる", actions=[{"description": "見守り訪問"}])

    consent = consent_record(actor=a, person=son, agencies=[consenting])
    disclosure = vital_interest_disclose(actor=a, person=mother, to_agency=disclosed_to, ground="life",
                                         reason="意識がもうろうとしており、服薬状況の確認が急ぎ必要なため。")

    # The coordinator convenes both meetings; the recording agency sits on them too and brings the household (the
    # grandson's case) to them, as a proposal the coordinator accepts. Every member's pledge is recorded.
    c = actor_for(coordinator)
    support_meeting = meetings.meeting_create(actor=c, kind=MeetingKind.SUPPORT_MEETING, title="さくら野町支援会議",
                                              member_agencies=[seated, recorder], recurrence="monthly")
    council = meetings.meeting_create(actor=c, kind=MeetingKind.CHILD_PROTECTION_COUNCIL, title="さくら野町要対協",
                                      member_agencies=[council_seat, recorder], recurrence="monthly")
    sitters = {city_hall.pk: coordinator, recorder.pk: rec_worker, seated.pk: staff["support_meeting"][0],
               council_seat.pk: staff["child_protection_council"][0]}
    for row in MeetingMember.objects.filter(meeting__in=[support_meeting, council]):
        meetings.pledge_record(actor=c, member=row, staff=sitters[row.agency_id])
    for meeting, subject in [(support_meeting, {"household": household}), (council, {"case": council_case})]:
        proposal = meetings.agenda_propose(actor=a, meeting=meeting, reason="関係機関で支援方針を検討したい", **subject)
        meetings.proposal_accept(actor=c, proposal=proposal)
    council_note = cases.note_add(actor=a, case=council_case, body="要対協の個別ケース検討会議で共有。",
                                  compartment=Compartment.CHILD_PROTECTION_COUNCIL)
    sittings = {m.pk: meetings.sitting_schedule(actor=c, meeting=m, held_on=today)[0] for m in (support_meeting, council)}
    actions = {m.pk: meetings.action_add(actor=c, sitting=sittings[m.pk], description="家庭訪問の日程調整", owner_agency=owner,
                                         due_on=today + timedelta(days=14))
               for m, owner in [(support_meeting, seated), (council, council_seat)]}

    followup = followups.schedule_create(actor=a, case=household_case, starts_on=today, occurrences=1).followups.get()
    outreach = followups.outreach_record(actor=a, target="高橋さん宅の孫", signs="平日の昼間に家にいる", noticed_by="neighbour",
                                         household=household)
    tie = ecomap.tie_add(actor=a, case=household_case, kind="informal", label="近所の田中さん", strength="strong")
    service = resources.service_create(data={"name": "旭町ふれあいサロン", "kind": "informal", "visibility": "public",
                                             "fields": ["community"], "targets": [], "days": []}, maintainer=recorder)
    placement = placements.placement_create(actor=a, case=household_case, person=mother, service=service,
                                            data={"purpose": "place"})
    consultation = cases.consultation_record(actor=a, route="phone", consulter="neighbour", household=household,
                                             main_complaint="孫が学校に行っていないようだ", outcome="info_only")
    inquiry = inquiry_send(actor=a, query="高橋 健一", message="他機関で把握されているか", holder_agency_ids=[recorder.pk])

    def referral(to, case, person=None):
        return cases.referral_send(actor=a, case=case, person=person, to_agency=to, reason="生活の立て直し",
                                   request="支援の検討", due_on=today + timedelta(days=7),
                                   receiver_access=policy.agency_may_see(to, person or case))

    world = WritesWorld(
        recorder=recorder, recorder_worker=rec_worker, father=father, mother=mother, son=son, grandson=grandson,
        household=household, household_case=household_case, son_case=son_case, council_case=council_case, note=note,
        council_note=council_note, plan=plan, consent=consent, disclosure=disclosure, support_meeting=support_meeting,
        council=council, followup=followup, outreach=outreach, tie=tie, service=service, placement=placement,
        consultation=consultation, inquiry=inquiry, twin=twin, twin_worker=staff["twin"][0], outsider=outsider,
        outsider_worker=staff["outsider"][0], city_hall=city_hall, coordinator=coordinator)

    def persona(key, agency, pair, person, case, meeting):
        own_row = meeting.members.filter(agency=agency).first()
        return Persona(key=key, agency=agency, worker=pair[0], manager=pair[1], person=person, case=case,
                       household=household, meeting=meeting,
                       member=own_row or meeting.members.get(agency=seated), sitting=sittings[meeting.pk],
                       action=actions[meeting.pk], referral=referral(agency, case, person))

    world.personas = {
        "consent": persona("consent", consenting, staff["consent"], son, son_case, support_meeting),
        "support_meeting": persona("support_meeting", seated, staff["support_meeting"], father, household_case,
                                   support_meeting),
        "child_protection_council": persona("child_protection_council", council_seat,
                                            staff["child_protection_council"], grandson, council_case, council),
        "vital_interest": persona("vital_interest", disclosed_to, staff["vital_interest"], mother, household_case,
                                  support_meeting),
        "convener": persona("convener", city_hall, (coordinator, city_manager), father, household_case, support_meeting),
    }
    for member_staff in Staff.objects.all():
        StaticDevice.objects.create(user=member_staff, name="test", confirmed=True)
    return world


# ------------------------------------------------------------------------------------------------------------------
# Ending a persona's basis, and what every agency sees
# ------------------------------------------------------------------------------------------------------------------


def end_basis(world: WritesWorld, key: str) -> None:
    """Takes the persona's temporary basis away, as the screens would: the consent withdrawn, the meeting membership
    ended today, the emergency disclosure expired yesterday. Saved through the models, so the sharing token moves."""
    today = timezone.localdate()
    persona = world.personas[key]
    if key == "consent":
        consent = Consent.objects.get(pk=world.consent.pk)
        if consent.withdrawn_on is None or consent.withdrawn_on > today:
            consent_withdraw(actor=actor_for(world.recorder_worker), consent=consent, note="本人が撤回")
    elif key == "vital_interest":
        disclosure = VitalInterestDisclosure.objects.get(pk=world.disclosure.pk)
        disclosure.expires_on = today - timedelta(days=1)
        disclosure.save(update_fields=["expires_on"])
    else:
        meetings_of = [world.support_meeting, world.council] if key == "convener" else [persona.meeting]
        for row in MeetingMember.objects.filter(meeting__in=meetings_of, agency=persona.agency):
            if row.left_on is None or row.left_on > today:
                row.left_on = today
                row.save(update_fields=["left_on"])


KINDS = {"persons": Person, "households": Household, "cases": Case}


def visible_ids(staff: Staff) -> dict[str, set[int]]:
    """The persons, households and cases the staff member's agency may see now. A fresh actor, and the policy's
    per-process Scope cache emptied first, so that the answer is the data's and never a remembered one."""
    policy._scopes.forget()
    actor = actor_for(Staff.objects.get(pk=staff.pk))
    return {kind: set(policy.visible(model.objects.all(), actor).values_list("pk", flat=True))
            for kind, model in KINDS.items()}


def recorded_by(agency_id: int, kind: str, ids: set[int]) -> set[int]:
    """Of `ids`, the rows the agency recorded itself (agency_id)."""
    return set(KINDS[kind].objects.filter(pk__in=ids, agency_id=agency_id).values_list("pk", flat=True))


def current_households(person_ids) -> set[int]:
    today = timezone.localdate()
    rows = HouseholdMember.objects.filter(person_id__in=person_ids, joined_on__lte=today).exclude(left_on__lte=today)
    return set(rows.values_list("household_id", flat=True))


def verified_client(staff: Staff) -> Client:
    """A signed-in test client whose session has passed the second factor (whatever the 2FA rules ask of the role)."""
    client = Client()
    client.force_login(staff)
    device = StaticDevice.objects.filter(user=staff).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
