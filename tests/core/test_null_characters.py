"""A NUL character (U+0000) in an address, a query or a JSON body is answered 400 with a Japanese message and
writes nothing: PostgreSQL cannot hold one, so without the check a search for it ended in a server error."""

import pytest
from django.test import Client

from tsunagu.core.middleware import NULL_CHARACTER_MESSAGE
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/hsds/services?search=%00", "/hsds/services/%00", "/hsds/taxonomies/a%00b",
                                 "/hsds/taxonomy_terms?taxonomy_id=%00", "/hsds/services?%00=1"])
def test_the_public_api_answers_json_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert response.json()["detail"] == NULL_CHARACTER_MESSAGE


def test_a_search_box_answers_400_in_japanese(alice, client_for):
    client = client_for(alice)
    assert client.get("/people/", {"q": "山田"}).status_code == 200
    response = client.get("/people/", {"q": "山\x00田"})
    assert response.status_code == 400 and NULL_CHARACTER_MESSAGE in response.content.decode()


def test_a_json_body_with_nul_writes_nothing(alice, client_for):
    client = client_for(alice)
    response = client.post("/api/people/", '{"name": "山田\\u0000花子"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"] == NULL_CHARACTER_MESSAGE
    assert not Person.objects.exists()
    # the text "\u0000" itself (an escaped backslash) is not a NUL character: it reaches the API, which stores it
    response = client.post("/api/people/", '{"name": "山田 \\\\u0000"}', content_type="application/json")
    assert response.status_code == 201, response.content
    assert Person.objects.get().name == "山田 \\u0000"
