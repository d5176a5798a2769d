"""Demo 参加支援: placements for some person cases, at informal places and work experience (fictional throughout)."""

from datetime import timedelta

from tsunagu.agencies.models import Membership
from tsunagu.cases.models import Case
from tsunagu.core.demo import DemoContext
from tsunagu.core.fakenames import SURNAMES
from tsunagu.resources.models import Service

from .models import Placement, PlacementPurpose

ARRANGEMENTS = ["週1回、午前だけから始める", "人の少ない時間帯に、職員が最初の2回は同行", "役割（受付・片付け）を決めて参加",
                "送迎ボランティアと組み合わせて通う", "本人の希望で、まずは見学から"]


def generate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("participation")
    cases = list(Case.objects.filter(person__isnull=False).order_by("id")[: 150 if ctx.is_city else 15])
    places = list(Service.objects.filter(kind="informal", is_consultation_window=False).order_by("id")
                  .values_list("id", flat=True)[:400])
    staff_of = dict(Membership.objects.filter(ended_on__isnull=True).values_list("agency_id", "staff_id").order_by("-id"))
    placements = []
    for case in cases:
        if case.person_id is None or not places or case.lead_agency_id not in staff_of or rng.random() < 0.3:
            continue
        started = ctx.today - timedelta(days=rng.randint(10, 300))
        ended = rng.random() < 0.25
        placements.append(Placement(
            case=case, person_id=case.person_id, service_id=rng.choice(places), agency_id=case.lead_agency_id,
            created_by_id=staff_of[case.lead_agency_id], purpose=rng.choice(PlacementPurpose.values),
            arrangement=rng.choice(ARRANGEMENTS), host_contact=f"{rng.choice(SURNAMES)[0]}さん（受け入れ担当）",
            started_on=started, status="ended" if ended else "active",
            ended_on=started + timedelta(days=rng.randint(7, 60)) if ended else None,
            end_reason="本人が自分で通えるようになった" if ended else ""))
    Placement.objects.bulk_create(placements)
    ctx.say(f"参加支援 {len(placements)}")
