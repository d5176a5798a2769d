"""Personas × objects × actions over real HTTP (pages, print, export, API). Outsiders get 404 everywhere and
find nothing; a persona with a basis but no edit right gets 403 on edit screens."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tsunagu.audit.models import AccessLog

PERSONAS = ["own", "consented_partner", "meeting_member", "former_member", "outsider", "coordinator", "admin"]
SEES = {"own", "consented_partner", "meeting_member"}
# the referral goes from own to the consented partner: the meeting member is neither side
SEES_REFERRAL = {"own", "consented_partner"}

VIEW_URLS = {
    "person": lambda w: f"/people/{w.son.pk}/",
    "household": lambda w: f"/people/households/{w.household.pk}/",
    "case": lambda w: f"/cases/{w.case.pk}/",
    "note": lambda w: f"/cases/notes/{w.note.pk}/",
    "plan": lambda w: f"/cases/plans/{w.plan.pk}/",
    "referral": lambda w: f"/cases/referrals/{w.referral.pk}/",
}
EDIT_URLS = {
    "person": lambda w: f"/people/{w.son.pk}/edit/",
    "household": lambda w: f"/people/households/{w.household.pk}/edit/",
    "case": lambda w: f"/cases/{w.case.pk}/edit/",
}
API_URLS = {
    "person": lambda w: f"/api/people/{w.son.pk}",
    "household": lambda w: f"/api/people/households/{w.household.pk}",
    "case": lambda w: f"/api/cases/{w.case.pk}",
    "note": lambda w: f"/api/cases/{w.case.pk}/notes",
    "referral": lambda w: f"/api/cases/referrals/{w.referral.pk}",
}


def _expected_view(persona, obj):
    return persona in (SEES_REFERRAL if obj == "referral" else SEES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_view(world, personas, client_for, persona):
    client = client_for(personas[persona])
    for obj, url in VIEW_URLS.items():
        before = AccessLog.objects.filter(staff=personas[persona]).count()
        response = client.get(url(world))
        assert response.status_code == (200 if _expected_view(persona, obj) else 404), obj
        logged = AccessLog.objects.filter(staff=personas[persona]).count() > before
        assert logged == _expected_view(persona, obj), obj


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit(world, personas, client_for, persona):
    client = client_for(personas[persona])
    expected = 200 if persona == "own" else 403 if persona in SEES else 404
    for obj, url in EDIT_URLS.items():
        assert client.get(url(world)).status_code == expected, obj


@pytest.mark.parametrize("persona", PERSONAS)
def test_note_correction_only_by_its_writer(world, personas, client_for, persona):
    response = client_for(personas[persona]).post(f"/cases/notes/{world.note.pk}/", {"body": "書き換え", "version": 1})
    expected = 302 if persona == "own" else 403 if persona in SEES else 404
    assert response.status_code == expected
    world.note.refresh_from_db()
    assert (world.note.body == "書き換え") == (persona == "own")


@pytest.mark.parametrize("persona", PERSONAS)
def test_print(world, personas, client_for, persona):
    response = client_for(personas[persona]).get(f"/cases/plans/{world.plan.pk}/print/")
    assert response.status_code == (200 if persona in SEES else 404)
    if persona in SEES:
        assert "プラン兼事業等利用申込書" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_and_search(world, personas, client_for, persona):
    client = client_for(personas[persona])
    sees = persona in SEES
    assert (world.case.label in client.get("/cases/").content.decode()) == sees
    assert (world.son.name in client.get("/people/", {"q": "けんいち"}).content.decode()) == sees
    assert (world.household.name in client.get("/people/", {"q": "高橋"}).content.decode()) == sees
    referrals = client.get("/cases/referrals/").content.decode()
    assert (world.referral.request[:10] in referrals) == (persona in SEES_REFERRAL)


@pytest.mark.parametrize("persona", PERSONAS)
def test_export(world, personas, client_for, persona):
    response = client_for(personas[persona]).get("/cases/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert (world.case.label in titles) == (persona in SEES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api(world, personas, client_for, persona):
    client = client_for(personas[persona])
    for obj, url in API_URLS.items():
        assert client.get(url(world)).status_code == (200 if _expected_view(persona, obj) else 404), obj


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_search(world, personas, client_for, persona):
    found = {p["id"] for p in client_for(personas[persona]).get("/api/people/", {"q": "たかはし"}).json()}
    assert (world.son.pk in found) == (persona in SEES)
