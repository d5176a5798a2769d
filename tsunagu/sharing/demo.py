"""Demo consents: every demo referral about a person rests on that person's consent to the receiving agency
(a referral cannot be sent without a basis). A few have been withdrawn since."""

from datetime import timedelta

from tsunagu.core.demo import DemoContext

from . import policy
from .models import Consent


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
    # bulk writes send no signals: the demo's cases, households, meetings and consents are new to every Scope
    policy.sharing_changed()
