"""Demo consultations over five years, cases, assessments, plans, notes and referrals.

Sizes: town ≈ 2,000 consultations / 30,000 notes; city = 60,000 consultations, 600,000 notes (the benchmark
dataset); metro = 600,000 consultations, 6,000,000 notes. Everything is bulk-created in chunks, the notes streamed
with COPY on PostgreSQL (core.bulk), so the metro is generated in minutes and memory stays flat.
The referrals' consents are added by sharing.demo (sharing sits above cases).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from tsunagu.agencies.models import Membership
from tsunagu.core.bulk import foreign_keys_checked_after, insert_rows, insert_values
from tsunagu.core.demo import DemoContext
from tsunagu.people.models import Household, Person
from tsunagu.rules.household import concern_fields

from .models import (
    Case,
    CaseNote,
    CaseStatus,
    Concern,
    Consultation,
    Consulter,
    Outcome,
    PlanStatus,
    Referral,
    ReferralStatus,
    Route,
    SupportPlan,
    SupportPlanAction,
    Urgency,
)

TZ = ZoneInfo("Asia/Tokyo")
SIZES = {"town": (2_000, 15), "city": (60_000, 50), "metro": (600_000, 50)}  # consultations, mean notes per case
CASE_SHARE = 0.2
SHAPE_CONCERNS = {
    "8050": ["care", "dementia", "withdrawal", "income", "hoarding", "family"],
    "elderly_single": ["care", "dementia", "health_disability", "community", "hoarding"],
    "elderly_couple": ["care", "dementia", "health_disability", "family"],
    "single_parent": ["childcare", "income", "job_search", "rent_loan", "abuse", "food"],
    "family": ["childcare", "family", "withdrawal", "debt"],
    "single_adult": ["job_search", "income", "debt", "health_disability", "arrears", "housing"],
    "seed": ["dementia", "care", "withdrawal", "job_search", "childcare", "abuse"],
}
COMPLAINTS = {
    "care": "介護の負担が大きく、どこに相談すればよいかわからない", "dementia": "物忘れが増え、火の不始末がある",
    "withdrawal": "家族が長く家から出ていない", "income": "収入が減り生活費が足りない", "hoarding": "家の周りにごみが溜まっている",
    "family": "家族の関係がうまくいかない", "childcare": "子育てがつらい、相談相手がいない", "job_search": "仕事が見つからない",
    "rent_loan": "家賃を滞納している", "abuse": "子どもの世話が十分にできていないようだ", "food": "食べるものがない",
    "debt": "借金の返済に困っている", "health_disability": "体調が悪く通院が続かない", "community": "近所づきあいがなく孤立している",
    "arrears": "税金や公共料金を滞納している", "housing": "住む場所を失いそう",
}
NOTE_TEXTS = [
    "電話で近況を確認。大きな変化なし。", "自宅を訪問。本人と面談し、困りごとを聞き取った。", "関係機関と情報共有。次回の訪問日を調整。",
    "同行支援で窓口へ。手続きを一緒に行った。", "家族から相談の電話。状況を聞き取り、助言した。", "モニタリング訪問。プランの進み具合を確認。",
    "本人が来所。就労体験について説明した。", "地域の見守りから連絡あり。状況確認のため訪問予定。",
]
STATUSES = [CaseStatus.CLOSED] * 5 + [CaseStatus.WATCHING] * 2 + [CaseStatus.SUPPORT] * 3 + [
    CaseStatus.MONITORING, CaseStatus.PLANNING, CaseStatus.ASSESSMENT, CaseStatus.INTAKE]


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=TZ)


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("cases")
    staff_by_agency = defaultdict(list)
    for agency_id, staff_id in Membership.objects.filter(role__in=["worker", "manager"]).values_list("agency_id", "staff_id"):
        staff_by_agency[agency_id].append(staff_id)
    agencies = list(ctx.data["agencies"].values())
    count, notes_per_case = SIZES[ctx.profile]
    households = ctx.data["households"]
    consultations, case_specs = _consultations(ctx, rng, households, staff_by_agency, count)
    cases = _cases(ctx, rng, case_specs)
    insert_rows(Consultation, consultations)  # after the cases: each opening consultation carries its case's id
    n_notes = _notes(ctx, rng, cases, staff_by_agency, notes_per_case)
    n_plans = _plans(ctx, rng, cases, staff_by_agency, agencies)
    referrals = _referrals(ctx, rng, cases, staff_by_agency, agencies)
    ctx.data["referral_consents"] = [(r.person_id, r.to_agency_id, r.from_agency_id, r.from_staff_id, r.sent_at.date())
                                     for r in referrals if r.person_id]
    ctx.say(f"相談受付 {len(consultations):,}、支援ケース {len(cases):,}、経過記録 {n_notes:,}、プラン {n_plans:,}、つなぎ {len(referrals):,}")


def _consultations(ctx, rng, households, staff_by_agency, count):
    rows, specs = [], []
    seed = households[-1]
    for i in range(count):
        hh_id, agency_id, shape, person_ids = seed if i == count - 1 else rng.choice(households)
        concerns = rng.sample(SHAPE_CONCERNS[shape], k=min(len(SHAPE_CONCERNS[shape]), rng.randint(1, 3)))
        day = ctx.today - timedelta(days=0 if i == count - 1 else rng.randint(0, 5 * 365))
        outcome = Outcome.CONTINUE if rng.random() < CASE_SHARE or i == count - 1 else Outcome.INFO_ONLY
        c = Consultation(agency_id=agency_id, staff_id=rng.choice(staff_by_agency[agency_id]), received_on=day,
                         route=rng.choice(Route.values), consulter=rng.choice(Consulter.values),
                         person_id=rng.choice(person_ids), household_id=hh_id if shape in ("8050", "seed") else None,
                         main_complaint=COMPLAINTS.get(concerns[0], "生活全般の相談"), concerns=concerns,
                         primary_concern=concerns[0], urgency=rng.choice(Urgency.values), outcome=outcome,
                         first_response="話を聞き、利用できる制度を説明した。", created_at=_at(day))
        rows.append(c)
        if outcome == Outcome.CONTINUE:
            specs.append(c)
    return rows, specs


def _cases(ctx, rng, specs):
    cases = []
    for c in specs:
        status = CaseStatus.ASSESSMENT if c is specs[-1] else rng.choice(STATUSES)
        age = (ctx.today - c.received_on).days
        if age < 60 and status in (CaseStatus.CLOSED, CaseStatus.WATCHING):
            status = CaseStatus.SUPPORT
        closed = c.received_on + timedelta(days=rng.randint(30, max(31, age))) if status == CaseStatus.CLOSED else None
        by_household = c.household_id is not None
        # a consultation's person or household is the taking agency's own record (cases.services.consultation_record)
        cases.append(Case(agency_id=c.agency_id, lead_agency_id=c.agency_id, subject_agency_id=c.agency_id,
                          person_id=None if by_household else c.person_id,
                          household_id=c.household_id, title=c.main_complaint[:40], status=status, opened_on=c.received_on,
                          closed_on=closed, worker_id=c.staff_id, created_at=_at(c.received_on),
                          updated_at=_at(closed or min(ctx.today, c.received_on + timedelta(days=rng.randint(0, 120))))))
    Case.objects.bulk_create(cases, batch_size=5000)
    _name_cases()
    for c, case in zip(specs, cases, strict=True):
        c.case_id = case.pk
    return cases


def _name_cases() -> None:
    """Each case's 呼び名, as case_open gives it: the household's name or the person's (one UPDATE per kind)."""
    households = Household.objects.filter(pk=OuterRef("household_id")).values("name")[:1]
    persons = Person.objects.filter(pk=OuterRef("person_id")).values("name")[:1]
    Case.objects.filter(household__isnull=False, name="").update(name=Substr(Subquery(households), 1, 60))
    Case.objects.filter(person__isnull=False, name="").update(name=Substr(Subquery(persons), 1, 60))


def _notes(ctx, rng, cases, staff_by_agency, mean):
    kinds = ["電話", "訪問", "来所面談", "関係機関連絡"]

    def rows():
        for case in cases:
            end = case.closed_on or ctx.today
            span = max(1, (end - case.opened_on).days)
            staff = staff_by_agency[case.lead_agency_id]
            for _ in range(rng.randint(1, 2 * mean - 1)):
                day = case.opened_on + timedelta(days=rng.randint(0, span))
                yield (case.pk, case.lead_agency_id, rng.choice(staff), day, rng.choice(kinds), rng.choice(NOTE_TEXTS),
                       "", _at(day, 15), 1)
    with foreign_keys_checked_after(CaseNote):
        return insert_values(CaseNote, NOTE_COLUMNS, rows())


NOTE_COLUMNS = ("case_id", "agency_id", "staff_id", "written_on", "kind", "body", "compartment", "created_at", "version")


def _plans(ctx, rng, cases, staff_by_agency, agencies):
    planned = [c for c in cases if c.status not in (CaseStatus.INTAKE, CaseStatus.ASSESSMENT)]
    plans = [SupportPlan(case_id=c.pk, agency_id=c.lead_agency_id, staff_id=c.worker_id, goals="安心して地域で暮らし続ける",
                         person_wishes="できるだけ今の家で暮らしたい", review_on=c.opened_on + timedelta(days=180),
                         status=PlanStatus.DRAFT if c.status == CaseStatus.PLANNING else PlanStatus.AGREED,
                         agreed_by="" if c.status == CaseStatus.PLANNING else "本人",
                         agreed_on=None if c.status == CaseStatus.PLANNING else c.opened_on + timedelta(days=30),
                         created_at=_at(c.opened_on + timedelta(days=20))) for c in planned]
    SupportPlan.objects.bulk_create(plans, batch_size=5000)
    actions = [SupportPlanAction(plan_id=p.pk, description=d, agency=rng.choice(agencies), due_on=p.review_on)
               for p in plans for d in rng.sample(["見守り訪問", "家計の相談", "通院の同行", "就労体験の調整", "サロンへの参加"], 2)]
    SupportPlanAction.objects.bulk_create(actions, batch_size=5000)
    return len(plans)


def _referrals(ctx, rng, cases, staff_by_agency, agencies):
    fields_of = {a.pk: set(a.fields) for a in agencies}
    rows = []
    for case in cases:
        if rng.random() > 0.5:
            continue
        wanted = set(concern_fields([rng.choice(Concern.values)])) or {"community"}
        targets = [a for a in agencies if a.pk != case.lead_agency_id and fields_of[a.pk] & wanted] or agencies
        to = rng.choice(targets)
        sent = case.opened_on + timedelta(days=rng.randint(0, 30))
        status = rng.choice([ReferralStatus.COMPLETED] * 5 + [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS,
                                                                ReferralStatus.DECLINED, ReferralStatus.REQUESTED])
        answered = _at(sent + timedelta(days=rng.randint(1, 10))) if status != ReferralStatus.REQUESTED else None
        rows.append(Referral(case_id=case.pk, person_id=case.person_id, from_agency_id=case.lead_agency_id, to_agency=to,
                             from_staff_id=case.worker_id, reason="複数の課題があり専門的な支援が必要", request="支援の検討をお願いします",
                             due_on=sent + timedelta(days=14), status=status, sent_at=_at(sent), answered_at=answered,
                             decline_reason="対象外のため" if status == ReferralStatus.DECLINED else "",
                             outcome="支援につながった" if status == ReferralStatus.COMPLETED else "",
                             closed_at=answered if status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED) else None))
    Referral.objects.bulk_create(rows, batch_size=5000)
    return rows
