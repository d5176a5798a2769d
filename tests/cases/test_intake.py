"""相談受付 (J1 at the HTTP level): suggestions, the bare "known elsewhere" signal, the 照会, and bad input."""

import pytest

from tsunagu.cases.models import Case, Consultation
from tsunagu.people.models import Person
from tsunagu.sharing.models import Inquiry

BASE = {"received_on": "2026-11-20", "route": "phone", "consulter": "neighbour", "consulter_name": "向かいの住民",
        "main_complaint": "向かいの高橋さん夫婦の様子がおかしい。ごみが溜まっている。", "concerns": ["dementia", "hoarding", "withdrawal"],
        "primary_concern": "dementia", "urgency": "medium", "outcome": "continue"}


def test_intake_creates_person_consultation_and_case(alice, client_for):
    response = client_for(alice).post("/cases/intake/", BASE | {"name": "高橋 ヨシ", "kana": "たかはし よし",
                                                                 "birth_date": "昭和15年3月2日"})
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{consultation.case_id}/"
    assert consultation.person.birth_date.isoformat() == "1940-03-02"
    assert consultation.primary_concern == "dementia" and consultation.case.lead_agency_id == consultation.agency_id


def test_suggestions_offer_only_own_records_and_signal_the_rest(world, alice, charlie, client_for):
    own = client_for(alice).get("/cases/intake/suggest/", {"name": "たかはし"}).content.decode()
    assert world.son.name in own and "他の機関で把握されている可能性" not in own
    other = client_for(charlie).get("/cases/intake/suggest/", {"name": "たかはし"}).content.decode()
    assert world.son.name not in other and "他の機関で把握されている可能性" in other
    assert world.son.agency.name not in other


def test_inquiry_goes_to_the_coordinator_without_telling_the_asker(world, charlie, coordinator, client_for):
    response = client_for(charlie).post("/cases/intake/inquiry/", {"name": "たかはし けんいち"})
    assert "照会を推進員に送りました" in response.content.decode()
    assert world.son.agency.name not in response.content.decode()
    inquiry = Inquiry.objects.get()
    assert list(inquiry.holder_agencies.all()) == [world.son.agency]
    page = client_for(coordinator).get("/cases/inquiries/").content.decode()
    assert "たかはし けんいち" in page and world.son.agency.name in page
    assert client_for(charlie).get("/cases/inquiries/").status_code == 404


def test_attaching_to_a_person_the_worker_cannot_see_is_404(world, charlie, client_for):
    response = client_for(charlie).post("/cases/intake/", BASE | {"person": world.son.pk})
    assert response.status_code == 404
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(("birth", "message"), [
    ("平成32年1月1日", "平成は31年（令和元年）までです"),
    ("2099-01-01", "未来の日付"),
    ("昭和15年2月30日", "存在しない日付"),
    ("きのう", "読み取れません"),
])
def test_bad_birth_dates_are_rejected_and_nothing_is_written(alice, client_for, birth, message):
    response = client_for(alice).post("/cases/intake/", BASE | {"name": "高橋 ヨシ", "birth_date": birth})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Person.objects.exists() and not Consultation.objects.exists() and not Case.objects.exists()


def test_empty_name_and_no_person_is_refused(alice, client_for):
    response = client_for(alice).post("/cases/intake/", BASE | {"name": "   "})
    assert "本人の氏名" in response.content.decode()
    assert not Consultation.objects.exists()


def test_primary_concern_must_be_checked(alice, client_for):
    response = client_for(alice).post("/cases/intake/", BASE | {"name": "高橋", "primary_concern": "debt"})
    assert "◎は" in response.content.decode() and not Consultation.objects.exists()


def test_the_coordinator_closes_an_inquiry(world, charlie, coordinator, client_for):
    client_for(charlie).post("/cases/intake/inquiry/", {"name": "たかはし けんいち"})
    inquiry = Inquiry.objects.get()
    assert client_for(charlie).post(f"/cases/inquiries/{inquiry.pk}/answer/", {"answer": "x"}).status_code == 404
    client_for(coordinator).post(f"/cases/inquiries/{inquiry.pk}/answer/", {"answer": "支援会議で検討します"})
    inquiry.refresh_from_db()
    assert inquiry.status == "closed" and inquiry.answer == "支援会議で検討します"


def test_assessment_recorded_by_the_lead_agency_only(world, alice, bob, client_for):
    url = f"/cases/{world.case.pk}/assessments/new/"
    assert client_for(bob).get(url).status_code == 403
    response = client_for(alice).post(url, {"person": world.son.pk, "assessed_on": "2026-11-20",  # a household case:
                                            "area_care": "祖父母の介護負担が大きい",  # the member the sheet is about
                                            "area_children": "孫が不登校", "summary": "複合的な課題"})
    assert response.status_code == 302
    assessment = world.case.assessments.get()
    assert assessment.person == world.son
    assert assessment.areas == {"care": "祖父母の介護負担が大きい", "children": "孫が不登校"}
