"""Demo consents: every demo referral about a person rests on that person's consent to the receiving agency
(a referral cannot be sent without a basis). A few have been withdrawn since. And the seed's household, member by
member (世帯の一人ひとり): each member's needs, the son's refusal, the grandparents' consent, a referral for the
grandchild and one for the son, and the 重層的支援会議 item that shares only the grandparents."""

from datetime import timedelta

from django.utils import timezone

from tsunagu.agencies.models import Agency
from tsunagu.cases.models import Case, ConcernSource, PersonConcern, Referral, ReferralEvent, ReferralStatus
from tsunagu.core.demo import DemoContext
from tsunagu.meetings.models import AgendaItem, Meeting, MeetingKind
from tsunagu.people.models import Household, HouseholdMember, Person
from tsunagu.rules.household import household_fields, is_multi_issue

from . import policy
from .models import Consent, ConsentDecision

# the seed household's members by 続柄 (people.demo.SEED_FAMILY): their own needs, as a worker records them
SEED_NEEDS = {"": ["dementia", "care"], "wife": ["dementia"], "child": ["health_disability", "job_search", "income"],
              "grandchild": ["withdrawal", "abuse", "childcare"]}


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("sharing")
    rows = ctx.data.get("referral_consents", [])
    consents = [Consent(person_id=p, recorded_by_id=a, taken_by_id=s, given_on=day - timedelta(days=1),
                        expires_on=day + timedelta(days=365 * 2),
                        withdrawn_on=day + timedelta(days=200) if rng.random() < 0.03 else None)
                for p, _, a, s, day in rows]
    Consent.objects.bulk_create(consents, batch_size=5000)
    through = Consent.agencies.through
    through.objects.bulk_create([through(consent_id=c.pk, agency_id=to) for c, (_, to, _, _, _) in zip(consents, rows, strict=True)],
                                batch_size=5000)
    ctx.say(f"本人同意 {len(consents):,}")
    _seed_household(ctx)
    # bulk writes send no signals: the demo's cases, households, meetings and consents are new to every Scope
    policy.sharing_changed()


def _seed_household(ctx: DemoContext) -> None:
    household = ctx.data.get("seed_household")
    if household is None:
        return
    case = Case.objects.filter(household=household).order_by("-opened_on", "-pk").first()
    agencies = ctx.data.get("agencies", {})
    if case is None or not all(k in agencies for k in ("houkatsu", "shougai", "konkyu", "child_support")):
        return
    staff = case.worker_id
    if staff is None:
        return
    today = ctx.today
    members = {m.relation_to_head: m.person for m in HouseholdMember.objects.filter(household=household).select_related("person")}
    PersonConcern.objects.bulk_create([
        PersonConcern(person=members[rel], household=household, case=case, concern=c, source=ConcernSource.INTAKE,
                      agency_id=case.agency_id, staff_id=staff, noted_on=case.opened_on)
        for rel, concerns in SEED_NEEDS.items() if rel in members for c in concerns])
    houkatsu, shougai, konkyu, child = (agencies[k] for k in ("houkatsu", "shougai", "konkyu", "child_support"))
    welfare = agencies.get("welfare")  # city hall's 福祉課, which convenes the 重層的支援会議
    fields = household_fields([], SEED_NEEDS.values())
    Household.objects.filter(pk=household.pk).update(multi_issue=is_multi_issue(fields), multi_issue_fields=fields)

    def decide(person: Person, to: list[Agency], decision: str, days_ago: int, reason: str = "") -> None:
        row = Consent.objects.create(person=person, recorded_by=houkatsu, taken_by_id=staff, decision=decision,
                                     given_on=today - timedelta(days=days_ago), reason=reason)
        row.agencies.set(to)

    son, grandchild = members.get("child"), members.get("grandchild")
    if son is not None:  # the son agrees to the poverty agency only, and refuses the others
        decide(son, [konkyu], ConsentDecision.GIVEN, 12)
        decide(son, [shougai, child], ConsentDecision.REFUSED, 12, "「自分のことを子どもの担当に話されたくない」")
    for rel in ("", "wife"):  # the grandparents, later
        if rel in members:
            decide(members[rel], [a for a in (welfare, shougai, konkyu, child) if a is not None], ConsentDecision.GIVEN, 3)
    if grandchild is not None:  # for the grandchild, the grandparents as her carers
        decide(grandchild, [child], ConsentDecision.GIVEN, 3, "祖父母（養育者）による同意")
    for person, to, status, why in ((grandchild, child, ReferralStatus.ACCEPTED, "孫の不登校とネグレクトの疑い"),
                                    (son, konkyu, ReferralStatus.REQUESTED, "息子の失業と家計の相談")):
        if person is None:
            continue
        sent = timezone.now() - timedelta(days=2)
        referral = Referral.objects.create(case=case, person=person, from_agency=houkatsu, to_agency=to, from_staff_id=staff,
                                           reason=why, request="本人の状況を確認し、支援をお願いします。",
                                           due_on=today + timedelta(days=7), status=status, sent_at=sent,
                                           answered_at=sent + timedelta(days=1) if status == ReferralStatus.ACCEPTED else None)
        ReferralEvent.objects.create(referral=referral, staff_id=staff, agency=houkatsu, status=ReferralStatus.REQUESTED, at=sent)
    multi = Meeting.objects.filter(kind=MeetingKind.MULTI_AGENCY_MEETING).order_by("pk").first()
    if multi is not None and not multi.agenda_items.filter(case=case).exists():
        coverage = policy.consent_coverage(case, multi.members.values_list("agency_id", flat=True), today=today)
        if not coverage.missing:
            item = AgendaItem.objects.create(meeting=multi, case=case, added_on=today, left_out=coverage.left_out_summary())
            item.members.set(coverage.members)
