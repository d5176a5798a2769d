"""地域づくり, just enough to count: 拠点 registered from the directory, activities, and each month's 延べ参加者数 and
参加機関 recorded by the agency running the activity (a month recorded again is corrected, never overwritten
unseen)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.resources.helpers import resource
from tests.sharing import world as w
from tsunagu.core.fiscal import fiscal_year, month_starts
from tsunagu.core.locking import EditConflict
from tsunagu.resources import services
from tsunagu.resources.models import ActivityMonth, CommunityPlace

pytestmark = pytest.mark.django_db


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


def test_a_place_its_activity_and_a_month_recorded_and_corrected(alice, bob):
    salon = resource("ふれあいサロン", kind="informal")
    place = services.community_place_register(actor=w.actor(alice), service=salon)
    with pytest.raises(ValidationError):
        services.community_place_register(actor=w.actor(bob), service=salon)
    activity = services.community_activity_add(actor=w.actor(alice), place=place, name="ふれあいサロン")
    month = _this_month()
    own, partner = alice.memberships.get().agency, bob.memberships.get().agency
    row = services.activity_month_record(actor=w.actor(alice), activity=activity, month=month, participants="１２",
                                         agency_ids=[own.pk, partner.pk])
    assert row.participants == 12 and set(row.agencies.all()) == {own, partner}
    with pytest.raises(EditConflict):  # a second recording of the month states the version it corrects
        services.activity_month_record(actor=w.actor(alice), activity=activity, month=month, participants=3)
    services.activity_month_record(actor=w.actor(alice), activity=activity, month=month, participants=15,
                                   agency_ids=[own.pk], expected_version=1)
    row.refresh_from_db()
    assert row.participants == 15 and list(row.agencies.all()) == [own] and row.version == 2
    with pytest.raises(ValidationError) as refused:
        services.activity_month_record(actor=w.actor(alice), activity=activity, month=month, participants="たくさん",
                                       expected_version=2)
    assert "参加者数" in refused.value.message_dict["participants"][0]
    with pytest.raises(ValidationError):  # only the agency running the activity records it
        services.activity_month_record(actor=w.actor(bob), activity=activity, month=month, participants=1)


def test_the_pages_register_a_place_and_record_a_month(alice, client_for):
    client = client_for(alice)
    salon = resource("ふれあいサロン", kind="informal")
    answer = client.post("/resources/community/", {"service": salon.pk})
    place = CommunityPlace.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/resources/community/{place.pk}/"
    client.post(f"/resources/community/{place.pk}/", {"form": "activity", "name": "こども食堂"})
    activity = place.activities.get()
    month = [m for m in month_starts(fiscal_year(timezone.localdate())) if m <= timezone.localdate()][-1]
    bad = client.post(f"/resources/community/{place.pk}/", {"form": "month", "activity": activity.pk,
                                                            "month": month.isoformat(), "participants": "-1"})
    assert "参加者数（延べ）は 0 以上の整数" in bad.content.decode() and not ActivityMonth.objects.exists()
    client.post(f"/resources/community/{place.pk}/", {"form": "month", "activity": activity.pk,
                                                      "month": month.isoformat(), "participants": "30"})
    html = client.get(f"/resources/community/{place.pk}/").content.decode()
    assert "30人（0）" in html and "こども食堂" in html
    again = client.post(f"/resources/community/{place.pk}/", {"form": "month", "activity": activity.pk,
                                                              "month": month.isoformat(), "participants": "31"})
    assert "参加者数は 30人です" in again.content.decode()
    assert ActivityMonth.objects.get().participants == 30
    assert "ふれあいサロン" in client.get("/resources/community/").content.decode()


def test_only_signed_in_staff(client):
    assert client.get("/resources/community/").status_code == 302
