"""The seed's four-person household (J2), built for policy and view tests, with one persona per sharing basis.

own_agency (alice) recorded everything. The son consented to partner_agency (bob). A 支援会議 convened by
own_agency has the household on its agenda: meeting_agency (dave) is a current member, former_agency (erin) left
yesterday (each pledged when joining). outsider_agency (charlie), the coordinator's city hall and the admin have
no basis.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseNote, Referral, SupportPlan
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingMember
from tsunagu.people import services as people
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy
from tsunagu.sharing.services import consent_record


@dataclass
class World:
    father: Person
    mother: Person
    son: Person
    grandson: Person
    household: Household
    case: Case
    son_case: Case
    note: CaseNote
    plan: SupportPlan
    referral: Referral
    consent: object
    meeting: Meeting

    def objects(self) -> dict:
        return {"person": self.son, "household": self.household, "case": self.case, "note": self.note,
                "plan": self.plan, "referral": self.referral}


def actor(staff):
    return actor_for(staff)


def build(alice, bob, dave, erin) -> World:
    a = actor(alice)
    father = people.person_create(actor=a, name="髙橋 清", kana="たかはし きよし", birth_date=date(1942, 5, 1), sex="M",
                                  address="さくら野町旭町1丁目2番3号")
    mother = people.person_create(actor=a, name="高橋 ヨシ子", kana="タカハシ ヨシコ", birth_date=date(1944, 8, 9), sex="F")
    son = people.person_create(actor=a, name="高橋 健一", kana="たかはし けんいち", birth_date=date(1975, 2, 3), sex="M")
    grandson = people.person_create(actor=a, name="高橋 蓮", kana="たかはし れん", birth_date=date(2013, 6, 1), sex="M")
    household = people.household_create(actor=a, name="高橋さん世帯", address="さくら野町旭町1丁目2番3号", members=[
        (father, "", True), (mother, "wife", False), (son, "child", False), (grandson, "grandchild", False)])
    case = cases.case_open(actor=a, household=household, title="高橋さん世帯（8050・子どもの不登校）")
    son_case = cases.case_open(actor=a, person=son, title="健一さんの就労と生活")
    note = cases.note_add(actor=a, case=case, body="訪問。祖父母が孫の世話を続けるのが難しくなっている。")
    plan = cases.plan_create(actor=a, case=case, goals="孫が安心して暮らせる", actions=[{"description": "見守り訪問"}])
    consent = consent_record(actor=a, person=son, agencies=[bob.memberships.get().agency])
    referral = cases.referral_send(actor=a, case=son_case, person=son, to_agency=bob.memberships.get().agency,
                                   reason="失業中で生活費に困っている", request="障害福祉サービスの検討",
                                   due_on=timezone.localdate() + timedelta(days=7),
                                   receiver_access=policy.agency_may_see(bob.memberships.get().agency, son))
    meeting = Meeting.objects.create(kind=MeetingKind.SUPPORT_MEETING, title="さくら野町支援会議",
                                     convened_by=alice.memberships.get().agency)
    today = timezone.localdate()
    joined = today - timedelta(days=30)
    # members sit (see the meeting and its agenda) once their 守秘義務の誓約 is recorded; the convener is one of them
    MeetingMember.objects.create(meeting=meeting, agency=alice.memberships.get().agency, joined_on=joined,
                                 confidentiality_pledged_on=joined)
    MeetingMember.objects.create(meeting=meeting, agency=dave.memberships.get().agency, joined_on=joined,
                                 confidentiality_pledged_on=joined)
    MeetingMember.objects.create(meeting=meeting, agency=erin.memberships.get().agency, joined_on=joined,
                                 confidentiality_pledged_on=joined, left_on=today - timedelta(days=1))
    AgendaItem.objects.create(meeting=meeting, household=household, added_on=today - timedelta(days=10))
    return World(father, mother, son, grandson, household, case, son_case, note, plan, referral, consent, meeting)


def meeting_staff():
    dave = factories.staff(factories.agency("テスト生活困窮者自立相談支援機関", kind="self_reliance", fields=["poverty"]),
                           login_id="dave", name="出部 三郎")
    erin = factories.staff(factories.agency("テスト社会福祉協議会", kind="social_welfare_council", fields=["community"]),
                           login_id="erin", name="恵林 四子")
    return dave, erin
