"""The metro profile (政令市) is wired: its agencies and staff at full size, the rest scaled down (its full
generation takes minutes on PostgreSQL and is measured by `make bench-metro`, not here)."""

import io
import random
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from tsunagu.agencies import demo as agencies_demo
from tsunagu.agencies.models import Agency, Membership, Staff
from tsunagu.cases import demo as cases_demo
from tsunagu.cases.models import Case, CaseNote
from tsunagu.core.demo import DemoContext, demo_generate
from tsunagu.ecomap import demo as ecomap_demo
from tsunagu.followups import demo as followups_demo
from tsunagu.people import demo as people_demo
from tsunagu.people import search_index
from tsunagu.people.models import HouseholdMember, Person, PersonGram

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="metro is generated on PostgreSQL only")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_metro_is_refused_on_sqlite_with_a_message_and_writes_nothing():
    with pytest.raises(CommandError, match="metro は PostgreSQL でのみ生成できます"):
        call_command("demo", profile="metro")
    assert not Agency.objects.exists()


def test_metro_has_60_agencies_and_about_1500_staff_around_the_city():
    ctx = DemoContext(profile="metro", seed=2026, today=date(2026, 11, 1), rng=random.Random(2026))
    agencies_demo.generate(ctx)
    assert Agency.objects.count() == 60
    assert 1350 <= Membership.objects.count() <= 1650
    city = {name for _, name, *_ in agencies_demo._city_agencies("city")}
    assert city < set(Agency.objects.values_list("name", flat=True))  # the city's agencies, and more of each kind
    assert Staff.objects.filter(login_id__in=["houkatsu", "coordinator", "planner"]).count() == 3


@on_postgresql
def test_a_scaled_down_metro_is_written_with_copy_and_searchable(monkeypatch):
    monkeypatch.setitem(people_demo.SIZES, "metro", 60)
    monkeypatch.setitem(cases_demo.SIZES, "metro", (300, 4))
    monkeypatch.setitem(followups_demo.SIZES, "metro", 5)
    monkeypatch.setitem(ecomap_demo.SIZES, "metro", 10)
    out = io.StringIO()
    demo_generate(profile="metro", out=out)

    persons = Person.objects.count()
    assert HouseholdMember.objects.count() > 60  # every household's members, written by COPY
    assert PersonGram.objects.values("person_id").distinct().count() == persons  # every person's search pieces
    someone = Person.objects.order_by("pk").last()
    found = search_index.containing(Person.objects.all(), someone.search_key.split("|")[0][-3:])
    assert someone in found
    reported = int(re.search(r"経過記録 ([\d,]+)", out.getvalue()).group(1).replace(",", ""))
    generated = CaseNote.objects.filter(kind__in=["電話", "訪問", "来所面談", "関係機関連絡"])
    assert reported == generated.count() >= Case.objects.count()  # every note streamed, at least one per case
    assert generated.filter(created_at__lt=F("case__created_at")).count() == 0  # written as the generator set them
    with connection.cursor() as cursor:  # the planner's statistics, gathered once the bulk loads are done
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename IN ('cases_case', 'cases_casenote', 'people_person')")
        assert cursor.fetchone()[0] > 0
    assert "統計情報（ANALYZE）" in out.getvalue()
