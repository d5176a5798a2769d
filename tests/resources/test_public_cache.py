"""The public pages answered from the cache by PublicPageCacheMiddleware: what is kept, for whom, and for how long."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.core.models import VersionToken
from tsunagu.core.progress import Progress
from tsunagu.resources import services
from tsunagu.resources.hsds.publish import Removal, publish
from tsunagu.resources.models import Phone, Service

from .helpers import resource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_cache")]

PUBLIC_URLS = ["/ja/resources/public/", "/ja/resources/public/?q=食堂", "/ja/resources/public/guide/"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def entry(own_agency):
    return resource("ふれあい食堂", maintainer=own_agency, phone="0123-45-6789", is_consultation_window=True,
                    fields=["poverty"])


def _edit(service: Service, **data) -> None:
    service.refresh_from_db()
    services.service_update(actor=actor_for(factories.staff(service.maintainer)), service=service, data={"kind": "formal", "visibility": "public", "name": service.name,
                                                   "is_consultation_window": True, "fields": ["poverty"], **data},
                            expected_version=service.version)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_cached_answer_costs_one_query_and_sets_no_cookie(client, entry, url, django_assert_num_queries):
    first = client.get(url)
    with django_assert_num_queries(1):  # the directory version, nothing else: sessions, auth, OTP are skipped
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and "ふれあい食堂" in again.content.decode()
    for response in (first, again):
        assert not response.cookies and "Set-Cookie" not in response
        assert '"X-CSRFToken": ""' in response.content.decode()  # no visitor's token in a page kept for all
    # The headers of the whole stack are kept: the cached answer is as safe as the first.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Vary", "ETag"):
        assert again[header] == first[header]


def test_an_edit_shows_at_once(client, client_for, alice, entry):
    assert "ふれあい食堂" in client.get("/ja/resources/public/").content.decode()
    _edit(entry, name="ふれあい食堂（土曜も開店）")
    assert "ふれあい食堂（土曜も開店）" in client.get("/ja/resources/public/").content.decode()
    # And through the staff screen, as a worker would do it.
    entry.refresh_from_db()
    client_for(alice).post(f"/resources/{entry.pk}/edit/", {
        "name": "ふれあい食堂（日曜休み）", "kind": "formal", "visibility": "public", "version": entry.version})
    assert "ふれあい食堂（日曜休み）" in client.get("/ja/resources/public/").content.decode()
    assert "ふれあい食堂（日曜休み）" in client.get(f"/ja/resources/public/{entry.pk}/").content.decode()


def test_a_staff_only_entry_never_appears(client, entry):
    resource("職員のみの調整会議", visibility="staff", phone="0999-00-0000", is_consultation_window=True,
             fields=["poverty"])
    for _ in range(2):  # rendered, then from the cache
        for url in [*PUBLIC_URLS, "/ja/resources/public/?q=職員"]:
            body = client.get(url).content.decode()
            assert "職員のみの調整会議" not in body and "0999-00-0000" not in body
    _edit(entry, visibility="staff")  # made staff-only while its page is in the cache
    for url in PUBLIC_URLS:
        assert "ふれあい食堂" not in client.get(url).content.decode()
    assert client.get(f"/ja/resources/public/{entry.pk}/").status_code == 404


def test_a_signed_in_visitor_is_neither_served_nor_stored(client, client_for, alice, entry):
    staff = client_for(alice)
    staff_page = staff.get("/ja/resources/public/").content.decode()
    assert alice.name in staff_page  # their own header, rendered for them
    anonymous_page = client.get("/ja/resources/public/").content.decode()
    assert alice.name not in anonymous_page and "ログアウト" not in anonymous_page
    assert alice.name in staff.get("/ja/resources/public/").content.decode()  # not the page kept for visitors


def test_a_visitor_with_a_message_waiting_goes_through_the_whole_stack(entry):
    visitor = Client()
    visitor.get("/ja/resources/public/")
    visitor.cookies["messages"] = "pending"
    response = visitor.get("/ja/resources/public/")
    assert response.status_code == 200 and "ETag" not in response  # rendered, not answered from the cache


def test_a_browser_revalidates_with_its_etag(client, entry):
    first = client.get("/ja/resources/public/")
    assert first["Cache-Control"] == "no-cache"
    unchanged = client.get("/ja/resources/public/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged["ETag"] == first["ETag"]
    _edit(entry, name="ふれあい食堂（移転しました）")
    changed = client.get("/ja/resources/public/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "移転しました" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_missing_pages_and_other_methods_are_not_kept(client, entry):
    missing = "/ja/resources/public/no-such-entry/"
    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404
    assert client.head("/ja/resources/public/").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/ja/resources/public/").status_code == 403  # the CSRF check ran: not answered from the cache
    assert "ふれあい食堂" in client.get("/ja/resources/public/").content.decode()


def test_an_unknown_host_is_refused_even_when_the_page_is_kept(client, entry):
    assert client.get("/ja/resources/public/").status_code == 200
    assert client.get("/ja/resources/public/", HTTP_HOST="evil.example").status_code == 400


def test_a_phone_changed_alone_shows_at_once(client, entry):
    """The key is the directory's token, which every write of its tables changes — a phone's too, which leaves the
    entry's own row (and its updated_at) as it was."""
    detail = f"/ja/resources/public/{entry.pk}/"
    for url in (detail, "/ja/resources/public/"):
        assert "0123-45-6789" in client.get(url).content.decode()
    phone = entry.phones.get()
    phone.number = "0123-99-0000"
    phone.save()
    for url in (detail, "/ja/resources/public/"):
        body = client.get(url).content.decode()
        assert "0123-99-0000" in body and "0123-45-6789" not in body


def test_a_removal_by_a_publication_shows_at_once(client, entry):
    """hsds.publish deletes rows without the models' signals (an entry's schedule rewritten, a phone cleared): it
    changes the token itself."""
    assert "0123-45-6789" in client.get(f"/ja/resources/public/{entry.pk}/").content.decode()
    publish([], progress=Progress(io.StringIO()), removals=[Removal(Phone, "service", [entry.pk])])
    assert "0123-45-6789" not in client.get(f"/ja/resources/public/{entry.pk}/").content.decode()


def test_without_the_directory_token_nothing_is_kept(client, entry):
    VersionToken.objects.filter(name="directory").delete()  # as a flushed database leaves it
    client.get("/ja/resources/public/")
    with CaptureQueriesContext(connection) as rendered:
        body = client.get("/ja/resources/public/").content.decode()
    assert len(rendered) > 1 and "ふれあい食堂" in body  # rendered again, not answered from a cache
    _edit(entry, name="ふれあい食堂（新）")  # the next write makes the token again
    assert "ふれあい食堂（新）" in client.get("/ja/resources/public/").content.decode()
    with CaptureQueriesContext(connection) as kept:
        client.get("/ja/resources/public/")
    assert len(kept) == 1


def test_a_new_district_is_offered_at_once(client, client_for, alice, entry):
    """The districts of the search form are kept under the directory's token: a new entry's district is offered on
    the next page."""
    assert "新田町" not in client.get("/ja/resources/public/").content.decode()
    assert "新田町" not in client_for(alice).get("/resources/").content.decode()
    resource("新田町サロン", district="新田町")
    assert 'value="新田町"' in client.get("/ja/resources/public/").content.decode()
    assert 'value="新田町"' in client_for(alice).get("/resources/").content.decode()
