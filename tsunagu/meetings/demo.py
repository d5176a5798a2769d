"""Demo meetings of every kind: members with their pledges (one former member) and the history of it, agendas (and
one proposal waiting for the 支援会議's convener), sittings with minutes,
decisions and action items (some overdue), and — as in the seed's 「とうべつ会議」 — a monthly case-sharing meeting
for a year with its standing sections. The city adds a 地域ケア会議 per district and more cases on the agendas.

Tolerates a missing part of the data (no cases yet, an agency key the profile lacks): it makes what it can.
The consents behind the 重層的支援会議's agenda are written here, because that agenda may hold no case without them.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tsunagu.agencies.models import Membership
from tsunagu.audit.models import SharingBasis
from tsunagu.cases.models import OPEN_STATUSES, Case, CaseNote, Compartment
from tsunagu.core.demo import DemoContext
from tsunagu.people.models import HouseholdMember

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaProposal,
    ConfidentialityPledge,
    Decision,
    Meeting,
    MeetingEvent,
    MeetingEventKind,
    MeetingKind,
    MeetingMember,
    MeetingProfile,
    Recurrence,
    Sitting,
    SittingItem,
    SittingStatus,
)
from .services import add_months

K = MeetingKind
TZ = ZoneInfo("Asia/Tokyo")
MINUTES = [
    "各機関から世帯の近況を報告。介護と子どもの課題が重なっており、役割分担を確認した。",
    "前回の役割分担の進み具合を確認。訪問の頻度を上げることで合意した。",
    "本人の意向を確認できた。次回までに関係機関と日程を調整する。",
    "家計の状況が厳しく、生活福祉資金の相談につなぐ方針とした。",
]
DECISIONS = ["主担当機関は地域包括支援センターとする", "次回は1か月後に状況を確認する", "学校と連携し、登校の状況を共有する",
             "本人に同意をお願いし、重層的支援会議での検討に移る"]
ACTIONS = ["家計の状況を確認する", "自宅を訪問し本人と面談する", "学校と登校状況を共有する", "介護保険の申請を支援する",
           "就労体験の受け入れ先を調整する", "民生委員に見守りを依頼する"]
EVENTS = ["認知症サポーター養成講座（公民館）", "障がい福祉の制度説明会", "生活困窮の家計相談研修", "地域ケア会議（事例検討）",
          "子育てサロンの見学会", "ひきこもり家族会"]
TOPICS = ["8050世帯への訪問体制をどう組むか", "制度の狭間のケースのアウトリーチを誰がするか", "つながり続ける支援の仕組み",
          "会議の整理と共催の検討", "住民同士のケアの文化をどう育てるか"]


class Demo:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng_for("meetings")
        self.agencies = ctx.data.get("agencies", {})
        self.staff = defaultdict(list)
        for agency_id, staff_id in Membership.objects.filter(role__in=["worker", "manager", "coordinator"]).values_list("agency_id", "staff_id"):
            self.staff[agency_id].append(staff_id)
        self.counts: defaultdict[str, int] = defaultdict(int)

    def pick(self, *keys):
        return [self.agencies[k] for k in keys if k in self.agencies]

    def meeting(self, kind, title, convener_key, member_keys, recurrence="", purpose="", former_keys=()):
        convener = self.agencies.get(convener_key)
        if convener is None:
            return None
        meeting = Meeting.objects.create(kind=kind, title=title, convened_by=convener,
                                         created_at=self._at(self.ctx.today - timedelta(days=400)))
        MeetingProfile.objects.create(meeting=meeting, recurrence=recurrence, purpose=purpose, usual_place="役場 2階 会議室")
        joined = self.ctx.today - timedelta(days=380)
        members = [MeetingMember(meeting=meeting, agency=a, joined_on=joined, confidentiality_pledged_on=joined)
                   for a in {convener, *self.pick(*member_keys)}]
        members += [MeetingMember(meeting=meeting, agency=a, joined_on=joined, confidentiality_pledged_on=joined,
                                  left_on=self.ctx.today - timedelta(days=90)) for a in self.pick(*former_keys)]
        MeetingMember.objects.bulk_create(members)
        self._pledges(members, joined)
        self._history(meeting, members, joined)
        self.counts["meetings"] += 1
        return meeting

    def _history(self, meeting, members, joined):
        """The meeting's history as its convener would have left it: created, each member added and pledged."""
        staff_id = (self.staff.get(meeting.convened_by_id) or [None])[0]
        if staff_id is None:
            return
        at = self._at(joined)
        events = [MeetingEvent(meeting=meeting, kind=MeetingEventKind.CREATED, at=at, staff_id=staff_id,
                               agency_id=meeting.convened_by_id)]
        for m in members:
            events.append(MeetingEvent(meeting=meeting, kind=MeetingEventKind.MEMBER_ADDED, at=at, staff_id=staff_id,
                                       agency_id=meeting.convened_by_id, member=m, note=f"加入日 {m.joined_on:%Y-%m-%d}"))
            events.append(MeetingEvent(meeting=meeting, kind=MeetingEventKind.PLEDGE_RECORDED, at=at, staff_id=staff_id,
                                       agency_id=meeting.convened_by_id, member=m))
            if m.left_on is not None:
                events.append(MeetingEvent(meeting=meeting, kind=MeetingEventKind.MEMBER_LEFT, at=self._at(m.left_on),
                                           staff_id=staff_id, agency_id=meeting.convened_by_id, member=m))
        MeetingEvent.objects.bulk_create(events)

    def proposal(self, meeting, proposer_key, exclude_cases):
        """One proposal waiting for the convener: an open case the proposing member leads, not on the agenda."""
        proposer = self.agencies.get(proposer_key)
        staff = self.staff.get(proposer.pk) if proposer is not None else None
        if meeting is None or not staff:
            return
        case = (Case.objects.filter(lead_agency=proposer, status__in=OPEN_STATUSES, compartment="")
                .exclude(pk__in=exclude_cases).order_by("pk").first())
        if case is None:
            return
        AgendaProposal.objects.create(meeting=meeting, case=case, proposed_by_agency=proposer, proposed_by_id=staff[0],
                                      proposer_basis=SharingBasis.OWN_AGENCY,
                                      reason="家族全体の状況が複雑で、関係機関で方針を共有したい。")

    def _pledges(self, members, on):
        pledges = []
        for m in members:
            for staff_id in self.staff.get(m.agency_id, [])[:2]:
                pledges.append(ConfidentialityPledge(member=m, staff_id=staff_id, pledged_on=on, recorded_by_id=staff_id))
        ConfidentialityPledge.objects.bulk_create(pledges)

    def _at(self, day):
        return datetime.combine(day, time(10), tzinfo=TZ)

    def agenda(self, meeting, cases=(), households=(), days_ago=150):
        if meeting is None:
            return []
        items = [AgendaItem(meeting=meeting, case_id=c, added_on=self.ctx.today - timedelta(days=self.rng.randint(30, days_ago)))
                 for c in cases]
        items += [AgendaItem(meeting=meeting, household_id=h, added_on=self.ctx.today - timedelta(days=days_ago)) for h in households]
        if items and len(items) > 3:
            items[-1].removed_on = self.ctx.today - timedelta(days=10)  # one item already taken off the agenda
        AgendaItem.objects.bulk_create(items)
        self.counts["agenda"] += len(items)
        return items

    def sittings(self, meeting, months: int, count_past: int, count_future: int = 1, with_sections=False):
        if meeting is None:
            return []
        first = add_months(self.ctx.today, -months * count_past)
        members = list(meeting.members.filter(left_on__isnull=True).values_list("agency_id", flat=True))
        items = list(meeting.agenda_items.all())
        rows = []
        for i in range(count_past + count_future):
            day = add_months(first, months * i) if months else self.ctx.today - timedelta(days=20 * (count_past - i))
            held = day < self.ctx.today
            rows.append(Sitting(meeting=meeting, number=i + 1, held_on=day, starts_at=time(14), place="役場 2階 会議室",
                                status=SittingStatus.HELD if held else SittingStatus.PLANNED, items_chosen=held,
                                minutes=self.rng.choice(MINUTES) if held else "",
                                events="\n".join(self.rng.sample(EVENTS, 2)) if with_sections and held else "",
                                topics=self.rng.choice(TOPICS) if with_sections and held else "",
                                minutes_by_id=next(iter(self.staff.get(meeting.convened_by_id, [])), None) if held else None))
        Sitting.objects.bulk_create(rows)
        through = Sitting.attendees.through
        through.objects.bulk_create([through(sitting_id=s.pk, agency_id=a) for s in rows if s.status == SittingStatus.HELD
                                     for a in members])
        # an action item goes to an agency that may read its agenda item: in the kinds that open the agenda to every
        # member; elsewhere it is about the meeting as a whole
        opens = meeting.kind in (K.SUPPORT_MEETING, K.CHILD_PROTECTION_COUNCIL, K.MULTI_AGENCY_MEETING)
        self._record(rows, items, members, opens)
        self.counts["sittings"] += len(rows)
        return rows

    def _record(self, sittings, items, members, opens):
        talks, decisions, actions = [], [], []
        for s in (s for s in sittings if s.status == SittingStatus.HELD):
            for item in self.rng.sample(items, min(len(items), 3)):
                talks.append(SittingItem(sitting=s, agenda_item=item, discussion=self.rng.choice(MINUTES)))
                decisions.append(Decision(sitting=s, agenda_item=item, text=self.rng.choice(DECISIONS)))
            for _ in range(self.rng.randint(1, 3)):
                owner = self.rng.choice(members)
                due = s.held_on + timedelta(days=self.rng.randint(14, 45))
                done = due < self.ctx.today and self.rng.random() < 0.8
                actions.append(ActionItem(sitting=s, agenda_item=self.rng.choice(items) if items and opens else None,
                                          description=self.rng.choice(ACTIONS), owner_agency_id=owner,
                                          owner_staff_id=self.rng.choice(self.staff[owner]) if self.staff.get(owner) else None,
                                          due_on=due, status=ActionStatus.DONE if done else ActionStatus.OPEN,
                                          done_on=due - timedelta(days=2) if done else None, result="対応済み" if done else ""))
        SittingItem.objects.bulk_create(talks)
        Decision.objects.bulk_create(decisions)
        ActionItem.objects.bulk_create(actions)
        self.counts["actions"] += len(actions)


def generate(ctx: DemoContext) -> None:
    demo = Demo(ctx)
    town = ctx.data["municipality"].name if "municipality" in ctx.data else "デモ町"
    seed = ctx.data.get("seed_household")
    seed_case = Case.objects.filter(household=seed).order_by("-opened_on", "-pk").first() if seed is not None else None
    multi = list(Case.objects.filter(household__multi_issue=True, status__in=OPEN_STATUSES).order_by("pk")
                 .values_list("pk", flat=True)[: 24 if ctx.is_city else 6])
    child = list(Case.objects.filter(household__isnull=False, status__in=OPEN_STATUSES, agency=demo.agencies.get("child_support"))
                 .order_by("pk").values_list("pk", flat=True)[: 12 if ctx.is_city else 3])

    support = demo.meeting(K.SUPPORT_MEETING, f"{town}支援会議", "welfare",
                           ["houkatsu", "shougai", "konkyu", "child_support", "shakyo"], Recurrence.MONTHLY,
                           "社会福祉法106条の6に基づく支援会議。本人の同意が得られていない世帯についても情報を共有し、支援の方針を話し合う。",
                           former_keys=["hub"])
    demo.agenda(support, cases=([seed_case.pk] if seed_case else []) + multi)
    demo.sittings(support, 1, 6, 1)
    demo.proposal(support, "houkatsu", ([seed_case.pk] if seed_case else []) + multi)

    multi_agency = demo.meeting(K.MULTI_AGENCY_MEETING, f"{town}重層的支援会議", "welfare", ["houkatsu", "shougai", "konkyu"],
                                Recurrence.MONTHLY, "本人の同意にもとづき、支援プランと役割分担を決める。")
    consented = _consented_cases(demo, multi_agency, multi[: len(multi) // 2])
    demo.agenda(multi_agency, cases=consented)
    demo.sittings(multi_agency, 1, 4, 1)

    council = demo.meeting(K.CHILD_PROTECTION_COUNCIL, f"{town}要保護児童対策地域協議会 個別ケース検討会議", "child_support",
                           ["welfare", "hub_kosodate1", "education", "houkatsu"], Recurrence.QUARTERLY,
                           "児童福祉法に基づく協議会。ここで共有したことは協議会の外に出さない。")
    demo.agenda(council, cases=([seed_case.pk] if seed_case else []) + child)
    demo.sittings(council, 3, 3, 1)
    if council is not None and seed_case is not None:
        staff_id = next(iter(demo.staff.get(council.convened_by_id, [])), None)
        if staff_id:
            CaseNote.objects.create(case=seed_case, agency=council.convened_by, staff_id=staff_id, kind="会議",
                                    body="要対協の個別ケース検討会議で、孫の登校と生活の状況を確認した。",
                                    compartment=Compartment.CHILD_PROTECTION_COUNCIL, written_on=ctx.today - timedelta(days=20))

    sharing = demo.meeting(K.CASE_SHARING, "つながる会議（定例の情報共有会議）", "houkatsu", ["shougai", "konkyu", "child_support", "shakyo"],
                           Recurrence.MONTHLY, "① 世帯支援の視点を要するケースの共有（8050問題など） ② 各機関の会議・研修の共有と協働の検討 "
                           "③ 重層的支援体制整備に向けた課題のディスカッション")
    demo.sittings(sharing, 1, 12, 2, with_sections=True)

    demo.meeting(K.SELF_RELIANCE_COUNCIL, f"{town}自立支援協議会", "care_office", ["shougai", "hub", "welfare"], Recurrence.QUARTERLY)
    for m in Meeting.objects.filter(kind=K.SELF_RELIANCE_COUNCIL):
        demo.sittings(m, 3, 4, 1)
    districts = [k for k in demo.agencies if k.startswith("houkatsu") and k != "houkatsu_mgr"] if ctx.is_city else ["houkatsu"]
    for key in districts:
        care = demo.meeting(K.COMMUNITY_CARE, f"地域ケア会議（{demo.agencies[key].name}）", key,
                            ["shakyo", "health", "caremane", "caremane1", "care_office"], Recurrence.QUARTERLY)
        demo.sittings(care, 3, 4, 1)
    conference = demo.meeting(K.CASE_CONFERENCE, "ケース会議（高橋さん世帯）", "houkatsu", ["shougai", "konkyu"])
    demo.agenda(conference, cases=[seed_case.pk] if seed_case else [])
    demo.sittings(conference, 0, 2, 1)
    c = demo.counts
    ctx.say(f"会議 {c['meetings']}、開催 {c['sittings']:,}、検討事項 {c['agenda']:,}、役割分担 {c['actions']:,}")


def _consented_cases(demo: Demo, meeting, case_ids) -> list[int]:
    """Records the consents a 重層的支援会議 needs (the member agencies), for persons of the given cases."""
    if meeting is None or not case_ids:
        return []
    # demo only: the agenda below must rest on consent, and sharing sits above meetings (an exception in ARCHITECTURE)
    from tsunagu.sharing.models import Consent  # noqa: PLC0415 — the demo's one upward import, kept beside its use

    agencies = list(meeting.members.values_list("agency_id", flat=True))
    through = Consent.agencies.through
    taken = []
    for case in Case.objects.filter(pk__in=case_ids).select_related("household"):
        member = HouseholdMember.objects.filter(household_id=case.household_id).order_by("pk").first() if case.household_id else None
        person_id = case.person_id or (member.person_id if member else None)
        staff = demo.staff.get(case.lead_agency_id)
        if person_id is None or not staff:
            continue
        consent = Consent.objects.create(person_id=person_id, recorded_by_id=case.lead_agency_id, taken_by_id=staff[0],
                                         given_on=demo.ctx.today - timedelta(days=120))
        through.objects.bulk_create([through(consent_id=consent.pk, agency_id=a) for a in agencies])
        taken.append(case.pk)
    return taken
