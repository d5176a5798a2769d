"""Demo ecomap ties (agencies, social resources and people, strong / weak / stressful) on the seed household's
case and a sample of open cases, and the seed family's divorced mother of the grandson on the genogram."""

from datetime import timedelta

from tsunagu.cases.models import OPEN_STATUSES, Case
from tsunagu.core.demo import DemoContext
from tsunagu.people.models import HouseholdMember

from .models import EcomapTie, GenogramFigure, TieFlow, TieKind, TieStrength, UnionStatus

INFORMAL = [("民生委員", TieStrength.STRONG), ("近所の友人", TieStrength.WEAK), ("別居の長女", TieStrength.STRESSFUL),
            ("町内会長", TieStrength.WEAK), ("かかりつけ医", TieStrength.STRONG)]
RESOURCES = [("見守り隊", TieStrength.WEAK), ("歌声サロン", TieStrength.STRONG), ("地域食堂", TieStrength.WEAK),
             ("通院送迎ボランティア", TieStrength.STRONG), ("体操教室", TieStrength.WEAK)]
SIZES = {"town": 80, "city": 2000, "metro": 20_000}


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("ecomap")
    cases = list(Case.objects.filter(status__in=OPEN_STATUSES).exclude(worker__isnull=True).order_by("pk")
                 .values_list("pk", "lead_agency_id", "worker_id")[: SIZES[ctx.profile]])
    agencies = list(ctx.data.get("agencies", {}).values())
    ties = []
    for case_id, lead, worker in cases:
        for label, strength in rng.sample(INFORMAL, 2):
            ties.append(EcomapTie(case_id=case_id, kind=TieKind.INFORMAL, label=label, strength=strength, flow=TieFlow.TO_CASE,
                                  recorded_by_id=lead, created_by_id=worker, started_on=ctx.today - timedelta(days=rng.randint(10, 300))))
        label, strength = rng.choice(RESOURCES)
        ties.append(EcomapTie(case_id=case_id, kind=TieKind.RESOURCE, label=label, strength=strength, recorded_by_id=lead,
                              created_by_id=worker, started_on=ctx.today - timedelta(days=rng.randint(10, 300))))
        others = [a for a in agencies if a.pk != lead]
        if others and rng.random() < 0.5:
            ties.append(EcomapTie(case_id=case_id, kind=TieKind.AGENCY, agency=rng.choice(others),
                                  strength=rng.choice([TieStrength.WEAK, TieStrength.STRONG, TieStrength.STRESSFUL]),
                                  flow=TieFlow.TO_CASE, recorded_by_id=lead, created_by_id=worker))
    EcomapTie.objects.bulk_create(ties, batch_size=5000)
    seed_ties = _seed(ctx)
    ctx.say(f"エコマップのつながり {len(ties) + seed_ties:,}")


def _seed(ctx) -> int:
    """The seed household: its case's ties as a worker would draw them, and the grandson's mother (divorced)."""
    household = ctx.data.get("seed_household")
    agencies = ctx.data.get("agencies", {})
    case = Case.objects.filter(household=household).exclude(worker__isnull=True).first() if household is not None else None
    if case is None or case.worker_id is None:  # the worker drew the ties
        return 0
    rows = [(TieKind.AGENCY, agencies.get("shougai"), "", TieStrength.WEAK, "息子の相談支援（本人の同意待ち）"),
            (TieKind.AGENCY, agencies.get("child_support"), "", TieStrength.STRESSFUL, "孫のネグレクトについて。息子は関わりを拒んでいる"),
            (TieKind.AGENCY, agencies.get("konkyu"), "", TieStrength.WEAK, "家計の相談"),
            (TieKind.INFORMAL, None, "民生委員", TieStrength.STRONG, "週1回の見守り"),
            (TieKind.INFORMAL, None, "小学校の担任", TieStrength.WEAK, "孫の不登校"),
            (TieKind.RESOURCE, None, "見守り隊", TieStrength.WEAK, "")]
    ties = [EcomapTie(case=case, kind=kind, agency=agency, label=label, strength=strength, note=note, flow=TieFlow.TO_CASE,
                      recorded_by_id=case.lead_agency_id, created_by_id=case.worker_id)
            for kind, agency, label, strength, note in rows if agency is not None or label]
    EcomapTie.objects.bulk_create(ties)
    members = {m.relation_to_head: m.person for m in HouseholdMember.objects.filter(household=household).select_related("person")}
    son, grandson = members.get("child"), members.get("grandchild")
    if son and grandson:
        mother = GenogramFigure.objects.create(household=household, label="孫の母（元妻）", sex="F", birth_year=1984, partner_of=son,
                                               union_status=UnionStatus.DIVORCED, recorded_by_id=case.lead_agency_id)
        mother.parent_of.set([grandson])
    return len(ties)
