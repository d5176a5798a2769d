import pytest
from django.test import Client

from tsunagu.agencies.tokens import api_token_issue, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(alice):
    return api_token_issue(staff=alice, name="テスト")


def _get(path, key=None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client().get(path, params, headers=headers)


def test_openapi_document_describes_the_api(token):
    document = _get("/api/openapi.json", token[1]).json()
    assert document["openapi"].startswith("3.")
    assert "/api/agencies/me" in document["paths"]


def test_a_token_acts_as_its_staff_member(token, alice, own_agency):
    _, key = token
    body = _get("/api/agencies/me", key).json()
    assert body["login_id"] == "alice"
    assert body["acting_agency_id"] == own_agency.pk


def test_no_or_bad_token_is_refused_in_japanese():
    for key in (None, "not-a-real-token"):
        response = _get("/api/agencies/me", key)
        assert response.status_code == 401
        assert "認証が必要です" in response.json()["detail"]


def test_a_revoked_token_stops_working(token):
    api_token_row, key = token
    api_token_revoke(token=api_token_row)
    assert _get("/api/agencies/me", key).status_code == 401


def test_only_a_hash_of_the_token_is_stored(token):
    api_token_row, key = token
    api_token_row.refresh_from_db()
    assert key not in (api_token_row.key_hash, api_token_row.prefix)


def test_malformed_parameter_gets_422_naming_the_field_in_japanese(token):
    _, key = token
    response = _get("/api/agencies/", key, active="そうかも")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "active"
    assert "真偽値" in error["message"]


def test_the_session_works_for_the_pages_own_calls(alice, client_for):
    assert client_for(alice).get("/api/agencies/me").json()["login_id"] == "alice"


def test_an_admin_session_without_its_second_factor_gets_nothing(admin_staff):
    client = Client()
    client.force_login(admin_staff)
    assert client.get("/api/agencies/me").status_code == 401
