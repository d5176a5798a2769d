"""Staff.date_style: she chooses 和暦 or 西暦 on her account page, and every page shows dates her way."""

import datetime as dt

from django.utils import timezone

from tests.conftest import count_queries
from tsunagu.agencies.models import Membership
from tsunagu.agencies.services import staff_set_date_style


def test_dates_are_in_wareki_until_she_chooses_seireki(alice, client_for):
    client = client_for(alice)
    Membership.objects.filter(staff=alice).update(started_on=dt.date(2026, 2, 3))
    page = client.get(f"/admin/staff/{alice.pk}/")  # admins only; her own account page shows the choice
    account = client.get("/account/").content.decode()
    assert 'name="date_style" value="wareki"' in account and "checked" in account.split('value="wareki"')[1][:40]
    assert page.status_code == 404

    response = client.post("/account/date-style/", {"date_style": "seireki"}, follow=True)
    alice.refresh_from_db()
    assert alice.date_style == "seireki"
    assert "日付を西暦で表示します。" in response.content.decode()
    assert 'data-date-style="seireki"' in client.get("/account/").content.decode()

    client.post("/account/date-style/", {"date_style": "wareki"})
    alice.refresh_from_db()
    assert alice.date_style == "wareki"


def test_a_style_outside_the_two_is_refused(alice, client_for):
    response = client_for(alice).post("/account/date-style/", {"date_style": "julian"}, follow=True)
    alice.refresh_from_db()
    assert alice.date_style == "wareki"
    assert "和暦か西暦から選んでください" in response.content.decode()
    staff_set_date_style(staff=alice, date_style="seireki")
    alice.refresh_from_db()
    assert alice.date_style == "seireki"


def test_the_style_costs_no_query_per_date(alice, client_for):
    """The account page lists her API tokens with their dates; a second token adds no query for its dates."""
    from tsunagu.agencies.tokens import api_token_issue

    client = client_for(alice)
    api_token_issue(staff=alice, name="一つ目")
    client.get("/account/")  # the first page of a session also reads what the session caches
    one = count_queries(client, "/account/")
    api_token_issue(staff=alice, name="二つ目")
    assert count_queries(client, "/account/") == one
    today = timezone.localdate()
    shown = f"R{today.year - 2018}.{today.month}.{today.day}"
    assert shown in client.get("/account/").content.decode()
