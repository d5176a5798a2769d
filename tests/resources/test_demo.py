"""The town demo directory: the size and mix the issue asks for."""

import pytest
from django.utils import timezone

from tsunagu.core.demo import demo_generate
from tsunagu.participation.models import Placement
from tsunagu.resources import queries
from tsunagu.resources.models import Offer, Schedule, Service, UnmetNeed

pytestmark = pytest.mark.django_db


def test_town_demo_directory():
    demo_generate(profile="town")
    services = Service.objects.all()
    assert 140 <= services.count() <= 200
    kinds = set(services.values_list("kind", flat=True))
    visibility = set(services.values_list("visibility", flat=True))
    assert kinds == {"formal", "informal"} and visibility == {"public", "staff"}
    assert Schedule.objects.count() >= 100
    assert services.filter(vacancy__isnull=False).count() >= 50
    assert services.filter(is_consultation_window=True, visibility="public").exists()
    assert Offer.objects.exists() and UnmetNeed.objects.exists() and Placement.objects.exists()
    # Some maintainers have entries due for re-confirmation, and only entries unconfirmed for twelve months.
    maintainers = {service.maintainer for service in services.exclude(maintainer=None).select_related("maintainer")}
    due = {maintainer: list(queries.stale_for(maintainer)) for maintainer in maintainers}
    assert any(due.values())
    today = timezone.localdate()
    for maintainer, entries in due.items():
        assert all(entry.maintainer == maintainer and entry.verified_on < today - queries.VERIFY_EVERY
                   for entry in entries)
    assert [s.name for s in queries.filtered(queries.public_services(), queries.Filters(query="送迎"))]
