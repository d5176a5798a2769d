"""The JSON API goes through the same services and policy as the pages."""

from tsunagu.audit.models import AccessLog
from tsunagu.cases.models import CaseNote, Consultation
from tsunagu.people.models import Person


def test_intake_through_the_api_reports_known_elsewhere_as_a_bare_boolean(world, charlie, client_for):
    response = client_for(charlie).post("/api/cases/consultations", {
        "route": "phone", "consulter": "neighbour", "main_complaint": "高橋さんの様子が心配", "name": "たかはし けんいち",
        "concerns": ["dementia"], "outcome": "continue"}, content_type="application/json")
    body = response.json()
    assert response.status_code == 201 and body["known_elsewhere"] is True
    assert set(body) == {"id", "person_id", "case_id", "known_elsewhere", "known_elsewhere_note"}
    assert Consultation.objects.get(pk=body["id"]).case_id == body["case_id"]


def test_api_refuses_bad_input_in_japanese_and_writes_nothing(alice, client_for):
    client = client_for(alice)
    response = client.post("/api/people/", {"name": "山田 花子", "birth_date": "平成32年1月1日"}, content_type="application/json")
    assert response.status_code == 422 and "平成は31年" in response.json()["detail"]
    response = client.post("/api/people/", {"name": "  "}, content_type="application/json")
    assert response.status_code == 422 and "氏名" in response.json()["detail"]
    assert not Person.objects.exists()


def test_notes_through_the_api_follow_the_policy(world, alice, bob, charlie, client_for):
    url = f"/api/cases/{world.case.pk}/notes"
    created = client_for(bob).post(url, {"body": "障害福祉サービスの説明をした"}, content_type="application/json")
    assert created.status_code == 201  # consented partner may add her own note
    assert client_for(charlie).post(url, {"body": "x"}, content_type="application/json").status_code == 404
    bodies = [n["body"] for n in client_for(alice).get(url).json()]
    assert "障害福祉サービスの説明をした" in bodies
    assert CaseNote.objects.filter(agency=bob.memberships.get().agency).count() == 1
    assert AccessLog.objects.filter(staff=alice, action="api", object_type="cases.casenote").exists()
