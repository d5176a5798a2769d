"""Demo つながり続ける支援: follow-up schedules on recently closed and 見守り継続 cases (most done, some overdue),
closure records with reasons for older ones, outreach entries with visits, and one 部署異動 handover.
Reads the cases the cases demo made; with none, it makes only the outreach."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count

from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.demo import DEMO_LOGINS, SUCCESSOR_LOGIN
from tsunagu.agencies.models import Membership, Role, Staff
from tsunagu.cases.models import OPEN_STATUSES, Case, CaseStatus
from tsunagu.core.demo import DemoContext
from tsunagu.meetings.services import add_months

from .models import (
    CaseClosure,
    FollowUp,
    FollowUpMethod,
    FollowUpSchedule,
    FollowUpStatus,
    NoticedBy,
    Outreach,
    OutreachStatus,
    OutreachVisit,
)
from .services import handover_perform

NOTES = ["電話で近況を確認。変わりなく過ごしている。", "訪問。室内は片付いており、食事もとれている。", "本人から、サロンに通い始めたと聞いた。",
         "家族から、最近は落ち着いていると連絡があった。"]
REASONS = ["市外へ転出した", "他機関（居宅介護支援事業所）が継続して支援する", "本人がフォローアップを希望しない", "施設に入所した"]
SIGNS = [("新聞が何日分もたまっている", NoticedBy.BUSINESS), ("夜になっても電気がつかない", NoticedBy.NEIGHBOUR),
         ("ごみが家の周りに積まれている", NoticedBy.NEIGHBOUR), ("若い男性が昼間も家にいて、外に出ていない", NoticedBy.VOLUNTEER),
         ("高齢の女性が同じ服で何度も買い物に来る", NoticedBy.BUSINESS), ("子どもが夜遅くまで外にいる", NoticedBy.VOLUNTEER)]
TARGETS = ["一人暮らしの高齢男性", "80代の夫婦と50代の息子", "40代の男性（ひきこもりの可能性）", "高齢の女性", "小学生の子どもがいる世帯"]
SIZES = {"town": 20, "city": 160, "metro": 1600}  # outreach entries


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("followups")
    staff = defaultdict(list)
    for agency_id, staff_id in Membership.objects.filter(role__in=["worker", "manager"]).values_list("agency_id", "staff_id"):
        staff[agency_id].append(staff_id)
    recent = list(Case.objects.filter(status__in=[CaseStatus.CLOSED, CaseStatus.WATCHING])
                  .filter(updated_at__date__gte=ctx.today - timedelta(days=240)).order_by("pk"))
    older = list(Case.objects.filter(status=CaseStatus.CLOSED, updated_at__date__lt=ctx.today - timedelta(days=240))
                 .order_by("pk")[:3000])
    n_followups = _schedules(ctx, rng, recent, staff)
    CaseClosure.objects.bulk_create([
        CaseClosure(case=c, closed_on=c.closed_on or ctx.today, no_followup_reason=rng.choice(REASONS),
                    recorded_by_id=c.worker_id or staff[c.lead_agency_id][0], agency_id=c.lead_agency_id)
        for c in older if c.worker_id or staff.get(c.lead_agency_id)], batch_size=2000)
    n_outreach = _outreach(ctx, rng, staff)
    moved = _handover()
    ctx.say(f"フォローアップ {n_followups:,}（計画 {len(recent):,}）、終結理由 {len(older):,}、アウトリーチ {n_outreach}、"
            f"部署異動の引継ぎ（ケース {moved}件）")


def _handover() -> int:
    """J5 部署異動: the 地域包括's generated worker with the most open cases leaves; her cases, follow-ups, outreach and
    meeting actions move in one step to the demo login `successor`, done by the centre's manager — so the successor
    signs in to cases whose whole history is there. The demo logins' own cases stay with them."""
    successor = Staff.objects.filter(login_id=SUCCESSOR_LOGIN).first()
    if successor is None:
        return 0
    membership = successor.memberships.select_related("agency").get()
    manager = (Staff.objects.filter(memberships__agency=membership.agency, memberships__role=Role.MANAGER)
               .order_by("pk").first())
    leaving = (Case.objects.filter(lead_agency=membership.agency, status__in=[*OPEN_STATUSES, CaseStatus.WATCHING],
                                   archived_at__isnull=True, worker__isnull=False)
               .exclude(worker__login_id__in=[row[0] for row in DEMO_LOGINS])
               .values("worker").annotate(n=Count("pk")).order_by("-n", "worker").first())
    if manager is None or leaving is None:
        return 0
    handover = handover_perform(actor=actor_for(manager), from_staff=Staff.objects.get(pk=leaving["worker"]),
                                to_staff=successor, note="部署異動（福祉課へ）のため、担当のすべてを後任に引き継ぐ。")
    return len(handover.case_ids)


def _schedules(ctx, rng, cases, staff) -> int:
    schedules, followups = [], []
    for c in cases:
        worker = c.worker_id or (staff.get(c.lead_agency_id) or [None])[0]
        if worker is None:
            continue
        start = (c.closed_on or c.updated_at.date()) + timedelta(days=30)
        interval = 3 if c.status == CaseStatus.WATCHING else 1
        schedules.append(FollowUpSchedule(case=c, agency_id=c.lead_agency_id, staff_id=worker, interval_months=interval,
                                          occurrences=6, starts_on=start, method=FollowUpMethod.PHONE, purpose="生活の様子と困りごとの有無",
                                          created_by_id=worker))
    FollowUpSchedule.objects.bulk_create(schedules, batch_size=2000)
    for s in schedules:
        for i in range(s.occurrences):
            due = add_months(s.starts_on, s.interval_months * i)
            past = due < ctx.today
            # Most past contacts were made; about one in twelve is still open — the overdue ones of the 狭間 list.
            status = FollowUpStatus.PLANNED if not past or rng.random() < 0.08 else rng.choice(
                [FollowUpStatus.DONE] * 9 + [FollowUpStatus.NO_CONTACT])
            followups.append(FollowUp(schedule=s, case_id=s.case_id, agency_id=s.agency_id, staff_id=s.staff_id, due_on=due,
                                      method=rng.choice([FollowUpMethod.PHONE, FollowUpMethod.VISIT]), status=status,
                                      done_on=due if status != FollowUpStatus.PLANNED else None,
                                      note=rng.choice(NOTES) if status == FollowUpStatus.DONE else ""))
    FollowUp.objects.bulk_create(followups, batch_size=5000)
    return len(followups)


def _outreach(ctx, rng, staff) -> int:
    agencies = [a for k, a in ctx.data.get("agencies", {}).items() if k in ("houkatsu", "shakyo", "konkyu", "shougai", "welfare")]
    if not agencies:
        return 0
    households = ctx.data.get("households", [])
    rows = []
    for _ in range(SIZES[ctx.profile]):
        agency = rng.choice(agencies)
        signs, noticed_by = rng.choice(SIGNS)
        hh = rng.choice(households) if households and rng.random() < 0.4 else None
        status = rng.choice([OutreachStatus.OPEN, OutreachStatus.VISITING, OutreachStatus.VISITING, OutreachStatus.CONNECTED,
                             OutreachStatus.CLOSED])
        rows.append(Outreach(agency=agency, staff_id=rng.choice(staff[agency.pk]) if staff.get(agency.pk) else None,
                             household_id=hh[0] if hh and hh[1] == agency.pk else None, target=rng.choice(TARGETS), signs=signs,
                             noticed_by=noticed_by, noticed_on=ctx.today - timedelta(days=rng.randint(5, 300)), status=status,
                             closed_reason="地域包括支援センターの支援につながった" if status == OutreachStatus.CLOSED else ""))
    Outreach.objects.bulk_create(rows)
    visits = []
    for o in rows:
        if o.status == OutreachStatus.OPEN or o.staff_id is None:
            continue
        for _ in range(rng.randint(1, 3)):
            day = o.noticed_on + timedelta(days=rng.randint(3, max(4, (ctx.today - o.noticed_on).days)))
            visits.append(OutreachVisit(outreach=o, staff_id=o.staff_id, visited_on=min(day, ctx.today), met=rng.random() < 0.4,
                                        note="玄関先で声をかけた。" if rng.random() < 0.5 else "不在。手紙を置いてきた。"))
    OutreachVisit.objects.bulk_create(visits)
    return len(rows)
