import pytest
from django.core.management import CommandError, call_command

from tsunagu.agencies.models import Agency, Membership, Staff

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _fingerprint() -> list:
    return [
        sorted(Agency.objects.values_list("name", "kind", "operation", "phone")),
        sorted(Staff.objects.values_list("login_id", "name", "kana")),
        sorted(Membership.objects.values_list("staff__login_id", "agency__name", "role")),
    ]


@pytest.mark.django_db(transaction=True)  # flush (TRUNCATE) cannot run inside the test's transaction on PostgreSQL
def test_the_town_is_the_same_every_time_for_the_same_seed():
    call_command("demo", profile="town", seed=7)
    first = _fingerprint()
    call_command("demo", profile="town", seed=7, flush=True)
    assert _fingerprint() == first
    call_command("demo", profile="town", seed=8, flush=True)
    assert _fingerprint() != first


def test_the_town_has_the_seed_shape():
    call_command("demo", profile="town")
    kinds = list(Agency.objects.values_list("kind", flat=True))
    assert kinds.count("community_general_support") == 1
    assert kinds.count("disability_consultation") == 1
    assert kinds.count("self_reliance") == 1
    assert Agency.objects.get(kind="community_general_support").operation == "contracted"
    assert Staff.objects.filter(login_id__in=["admin", "houkatsu", "coordinator"]).count() == 3


def test_demo_refuses_to_overwrite_data_without_flush(own_agency):
    with pytest.raises(CommandError, match="--flush"):
        call_command("demo", profile="town")
    assert Agency.objects.count() == 1


def test_if_empty_leaves_existing_data_alone(own_agency):
    call_command("demo", profile="town", if_empty=True)
    assert list(Agency.objects.all()) == [own_agency]


def test_the_city_has_the_seed_shape_and_about_400_staff():
    import random
    from datetime import date

    from tsunagu.agencies import demo as agencies_demo
    from tsunagu.core.demo import DemoContext

    ctx = DemoContext(profile="city", seed=2026, today=date(2026, 11, 1), rng=random.Random(2026))
    agencies_demo.generate(ctx)
    kinds = list(Agency.objects.values_list("kind", "operation"))
    assert kinds.count(("community_general_support", "contracted")) == 7
    assert kinds.count(("disability_core", "direct")) == 1
    assert kinds.count(("disability_consultation", "contracted")) == 3
    assert kinds.count(("self_reliance", "direct")) == 1
    assert kinds.count(("childcare_hub", "contracted")) == 4
    assert 350 <= Staff.objects.count() <= 450
