"""POST /api/cases/consultations takes only the values the intake form offers: anything else is a 422 that names
the field in Japanese, and nothing is written (no consultation, no person, no case)."""

import pytest

from tsunagu.cases.models import Case, Consultation
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db

GOOD = {"route": "phone", "consulter": "neighbour", "main_complaint": "様子が心配", "name": "高橋 ヨシ",
        "concerns": ["dementia"], "primary_concern": "dementia", "urgency": "high", "outcome": "continue"}


@pytest.mark.parametrize(("field", "value"), [
    ("urgency", "EXTREME"), ("route", "carrier_pigeon"), ("consulter", "stranger"), ("outcome", "forget_it"),
    ("concerns", ["dementia", "alien_abduction"]), ("primary_concern", "alien_abduction"), ("urgency", ""),
])
def test_a_value_outside_the_choices_is_refused_and_nothing_written(alice, client_for, field, value):
    response = client_for(alice).post("/api/cases/consultations", GOOD | {field: value},
                                      content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "入力内容に誤りがあります。"
    [error] = body["errors"]
    assert error["field"].split(".")[0] == field
    assert error["message"].startswith(f"{error['field']}: 選択肢にない値です")
    assert not Consultation.objects.exists() and not Person.objects.exists() and not Case.objects.exists()


def test_the_choices_are_listed_in_the_message(alice, client_for):
    response = client_for(alice).post("/api/cases/consultations", GOOD | {"urgency": "EXTREME"},
                                      content_type="application/json")
    assert response.json()["errors"][0]["message"] == "urgency: 選択肢にない値です（low、medium、high のいずれか）"


def test_every_choice_of_the_form_is_taken(alice, client_for):
    response = client_for(alice).post("/api/cases/consultations", GOOD | {"primary_concern": "", "concerns": []},
                                      content_type="application/json")
    assert response.status_code == 201
    consultation = Consultation.objects.get()
    assert (consultation.urgency, consultation.route, consultation.consulter) == ("high", "phone", "neighbour")
    assert consultation.outcome == "continue" and consultation.case is not None
