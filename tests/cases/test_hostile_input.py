"""Markup in every free-text field is shown as text; oversize text is refused with a message."""

import pytest

from tsunagu.cases.models import CaseNote, Consultation
from tsunagu.people.models import Person

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_markup_in_intake_and_case_pages_is_inert(alice, client_for):
    client = client_for(alice)
    response = client.post("/cases/intake/", {
        "received_on": "2026-11-20", "route": "phone", "consulter": "self", "consulter_name": SCRIPT, "name": SCRIPT,
        "kana": SCRIPT, "address": SCRIPT, "phone": "<b>0123</b>", "main_complaint": SCRIPT, "first_response": SCRIPT,
        "urgency": "low", "outcome": "continue"})
    case_url = response["Location"]
    client.post(case_url + "notes/", {"body": SCRIPT, "written_on": "2026-11-20", "kind": "電話"})
    consultation, person = Consultation.objects.latest("pk"), Person.objects.latest("pk")
    for url in (case_url, "/people/?q=script", "/cases/", f"/cases/consultations/{consultation.pk}/print/",
                f"/people/{person.pk}/"):
        _assert_inert(client.get(url).content.decode())


def test_a_100000_character_note_is_kept_whole_and_one_more_is_refused(world, alice, client_for):
    client = client_for(alice)
    body = "あ" * 100_000
    client.post(f"/cases/{world.case.pk}/notes/", {"body": body, "written_on": "2026-11-20"})
    assert CaseNote.objects.filter(body=body).exists()
    assert client.get(f"/cases/{world.case.pk}/").status_code == 200
    response = client.post(f"/cases/{world.case.pk}/notes/", {"body": body + "い", "written_on": "2026-11-20"}, follow=True)
    assert "100000" in response.content.decode().replace(",", "") or "文字以内" in response.content.decode()
    assert CaseNote.objects.count() == 2


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_person_name_is_refused_on_edit(world, alice, client_for, value):
    response = client_for(alice).post(f"/people/{world.son.pk}/edit/", {"name": value, "version": world.son.version})
    assert response.status_code == 200
    world.son.refresh_from_db()
    assert world.son.name == "高橋 健一"
