"""The API's description (/api/docs, /api/openapi.json) is for signed-in staff; the public directory's HSDS API
(/hsds/) stays open to everyone."""

import pytest
from django.test import Client

from tsunagu.agencies.tokens import api_token_issue

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_gets_neither_the_document_nor_the_docs_page():
    client = Client()
    document = client.get("/api/openapi.json")
    assert document.status_code == 401 and "認証が必要です" in document.json()["detail"]
    assert "paths" not in document.json()
    page = client.get("/api/docs")
    assert page.status_code == 302 and page["Location"].startswith("/login/?next=/api/docs")
    for token in ("not-a-real-token", ""):
        assert client.get("/api/openapi.json", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_signed_in_staff_member_reads_both(alice, client_for):
    client = client_for(alice)
    assert "/api/cases/consultations" in client.get("/api/openapi.json").json()["paths"]
    assert client.get("/api/docs").status_code == 200


def test_an_api_token_reads_the_document(alice):
    _, key = api_token_issue(staff=alice, name="docs")
    response = Client().get("/api/openapi.json", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and "/api/agencies/me" in response.json()["paths"]


def test_the_public_directory_api_stays_public():
    client = Client()
    assert client.get("/hsds/openapi.json").status_code == 200
    assert client.get("/hsds/services").status_code == 200
