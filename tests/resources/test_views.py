"""Staff screens and the public page over real HTTP: access, writes, conflicts, and query-count guards."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tsunagu.resources import queries
from tsunagu.resources.models import Offer, Service, UnmetNeed

from .helpers import resource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()

STAFF_URLS = ["/resources/", "/resources/new/", "/resources/stale/", "/resources/offers/", "/resources/needs/",
              "/resources/import/", "/resources/export.xlsx", "/resources/hsds.zip"]


@pytest.fixture
def salon(own_agency):
    return resource("歌声サロン", maintainer=own_agency, fields=["community"], days=["TU"], phone="0123-11-2222",
                    address="緑町2丁目", place_name="緑町会館", capacity=20, vacancy=5)


@pytest.mark.parametrize("url", STAFF_URLS)
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_without_an_agency_is_denied_with_404(client_for, url):
    assert client_for(factories.staff(None)).get(url).status_code == 404


def test_detail_edit_and_actions_are_denied_to_outsiders(client, client_for, salon):
    nobody = client_for(factories.staff(None))
    for url in [f"/resources/{salon.pk}/", f"/resources/{salon.pk}/edit/"]:
        assert client.get(url).status_code == 302
        assert nobody.get(url).status_code == 404
    for url in [f"/resources/{salon.pk}/verify/", f"/resources/{salon.pk}/vacancy/", f"/resources/{salon.pk}/archive/"]:
        assert client.post(url).status_code == 302
        assert nobody.post(url).status_code == 404
    assert Service.objects.get(pk=salon.pk).status == "active"


def test_any_agency_can_add_and_edit(client_for, alice, charlie):
    response = client_for(charlie).post("/resources/new/", {
        "name": "ペットの一時預かり", "kind": "informal", "visibility": "public", "fields": ["community"],
        "organization_name": "動物好きの会", "days": ["SA"], "opens_at": "10:00", "closes_at": "12:00",
        "phone": "0123-99-8888", "address": "本町1丁目", "capacity": "3", "vacancy": "1"})
    service = Service.objects.get(name="ペットの一時預かり")
    assert response.status_code == 302 and service.maintainer == charlie.memberships.get().agency
    assert service.schedules.get().summary == "毎週 土 10:00〜12:00"
    page = client_for(alice).get(f"/resources/{service.pk}/")
    assert "動物好きの会" in page.content.decode() and "0123-99-8888" in page.content.decode()


def test_invalid_form_says_what_is_wrong(client_for, alice):
    response = client_for(alice).post("/resources/new/", {"name": "", "kind": "formal", "visibility": "public",
                                                          "capacity": "2", "vacancy": "5"})
    body = response.content.decode()
    assert response.status_code == 200 and "空きは定員以下にしてください。" in body
    assert Service.objects.count() == 0


def test_concurrent_edit_is_not_overwritten(client_for, alice, own_agency, salon):
    base = {"name": "歌声サロン（木曜に変更）", "kind": "informal", "visibility": "public", "version": salon.version}
    assert client_for(alice).post(f"/resources/{salon.pk}/edit/", base).status_code == 302
    stale = {**base, "name": "歌声サロン（古い画面から）"}
    colleague = factories.staff(own_agency)  # the same maintaining agency, from a page opened before
    response = client_for(colleague).post(f"/resources/{salon.pk}/edit/", stale)
    assert response.status_code == 200 and "他の人が保存した最新の内容" in response.content.decode()
    assert Service.objects.get(pk=salon.pk).name == "歌声サロン（木曜に変更）"


def test_verify_vacancy_and_archive(client_for, alice, salon):
    Service.objects.filter(pk=salon.pk).update(verified_on="2020-01-01")
    client = client_for(alice)
    assert "歌声サロン" in client.get("/resources/stale/").content.decode()
    assert "確認が必要な社会資源" in client.get("/").content.decode()
    client.post(f"/resources/{salon.pk}/verify/", {"next": "stale"})
    assert "確認が必要な資源はありません" in client.get("/resources/stale/").content.decode()
    client.post(f"/resources/{salon.pk}/vacancy/", {"vacancy": "0"})
    assert Service.objects.get(pk=salon.pk).vacancy == 0
    client.post(f"/resources/{salon.pk}/archive/")
    assert Service.objects.get(pk=salon.pk).status == "inactive"  # kept, not deleted
    assert "該当" not in client.get("/resources/", {"q": "歌声"}).content.decode().split("該当 0 件")[0][-10:]
    assert "該当 0 件" in client.get("/resources/", {"q": "歌声"}).content.decode()


def test_search_page_and_htmx_partial(client_for, alice, salon):
    client = client_for(alice)
    assert "歌声サロン" in client.get("/resources/", {"q": "居場所"}).content.decode()
    partial = client.get("/resources/", {"q": "歌"}, HTTP_HX_REQUEST="true").content.decode()
    assert "歌声サロン" in partial and "<html" not in partial


def _queries(client, url) -> int:
    cache.clear()  # measure the rendering, not the public pages' cache
    queries.forget()  # nor the answers kept under the directory's token
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/resources/", "/resources/?q=サロン", "/ja/resources/public/",
                                 "/ja/resources/public/?q=サロン&day=TU", "/ja/resources/public/guide/",
                                 "/resources/stale/"])
def test_list_query_count_does_not_grow(client_for, alice, own_agency, url, django_assert_num_queries):
    def add(i):
        resource(f"サロン{i}", maintainer=own_agency, days=["TU"], phone="0123", address="本町", place_name="会館",
                 is_consultation_window=True, fields=["community"])
    add(0)
    Service.objects.update(verified_on="2020-01-01")
    client = Client() if url.startswith("/ja/resources/public") else client_for(alice)
    client.get(url)  # the first request of a session loads and refreshes it; measure the steady state
    with_one = _queries(client, url)
    add(1)
    add(2)
    Service.objects.update(verified_on="2020-01-01")
    assert _queries(client, url) == with_one


def test_public_page_needs_no_login_and_hides_staff_only(client):
    public = resource("ふれあい食堂", phone="0123-45-6789", is_consultation_window=True, fields=["poverty"])
    private = resource("職員のみの調整会議", visibility="staff", phone="0999-00-0000", is_consultation_window=True,
                       fields=["poverty"])
    for url in ["/ja/resources/public/", "/ja/resources/public/?q=職員", "/ja/resources/public/guide/"]:
        body = client.get(url).content.decode()
        assert "職員のみの調整会議" not in body and "0999-00-0000" not in body
    assert "ふれあい食堂" in client.get("/ja/resources/public/").content.decode()
    assert client.get(f"/ja/resources/public/{public.pk}/").status_code == 200
    assert client.get(f"/ja/resources/public/{private.pk}/").status_code == 404


def test_offers_match_needs_by_field_and_district(client_for, alice):
    client = client_for(alice)
    client.post("/resources/needs/", {"description": "冬の通院の足がない", "fields": ["elderly", "health"],
                                      "district": "旭町", "people_count": "3"})
    client.post("/resources/needs/", {"description": "学習支援の場がない", "fields": ["education"],
                                      "district": "旭町", "people_count": "2"})
    response = client.post("/resources/offers/", {"title": "試乗車で送迎できます", "offerer_kind": "business",
                                                  "offerer_name": "旭町モータース", "fields": ["elderly"],
                                                  "district": "旭町"})
    offer = Offer.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "冬の通院の足がない" in page and "学習支援の場がない" not in page
    needs_page = client.get("/resources/needs/").content.decode()
    assert "試乗車で送迎できます" in needs_page
    client.post(f"/resources/offers/{offer.pk}/status/", {"status": "matched"})
    assert Offer.objects.get().status == "matched"
    need = UnmetNeed.objects.get(description="学習支援の場がない")
    client.post(f"/resources/needs/{need.pk}/met/")
    assert UnmetNeed.objects.get(pk=need.pk).status == "met"


def test_needs_by_district_shows_missing_resources(client_for, alice, own_agency):
    from tsunagu.resources import queries, services

    resource("旭町見守り隊", fields=["elderly"], district="旭町")
    services.need_create(data={"description": "見守りが足りない", "fields": ["elderly"], "district": "旭町",
                               "people_count": 4}, recorded_by=own_agency)
    services.need_create(data={"description": "居場所がない", "fields": ["community"], "district": "緑町",
                               "people_count": 6}, recorded_by=own_agency)
    rows = {(r["district"], r["field"]): (r["people"], r["resources"]) for r in queries.needs_by_district()}
    assert rows == {("旭町", "elderly"): (4, 1), ("緑町", "community"): (6, 0)}


@pytest.mark.usefixtures("public_cache")
def test_public_cache_never_shows_an_entry_made_staff_only(client, client_for, alice, own_agency):
    from tsunagu.agencies.actor import actor_for
    from tsunagu.resources import services

    entry = resource("ふれあい食堂", maintainer=own_agency)
    assert "ふれあい食堂" in client.get("/ja/resources/public/").content.decode()
    assert "ふれあい食堂" in client.get("/ja/resources/public/").content.decode()  # served from the cache
    services.service_update(actor=actor_for(alice), service=entry, data={"name": "ふれあい食堂", "kind": "formal", "visibility": "staff"},
                            expected_version=entry.version)
    assert "ふれあい食堂" not in client.get("/ja/resources/public/").content.decode()
    client_for(alice).post(f"/resources/{entry.pk}/archive/")
    assert client.get(f"/ja/resources/public/{entry.pk}/").status_code == 404
