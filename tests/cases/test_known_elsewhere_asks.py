"""The 「他機関で把握されている可能性」 signal tells whether anyone's records hold a name: each ask is recorded
(who, for which agency, the text, when, the answer) and a staff member has a daily number of them
(settings.KNOWN_ELSEWHERE_DAILY_LIMIT); past it the signal is not computed, and the page and the API say so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tsunagu.agencies.actor import actor_for
from tsunagu.cases.models import Consultation
from tsunagu.people import services as people
from tsunagu.sharing.models import ElsewhereCheck

pytestmark = pytest.mark.django_db

SIGNAL = "他の機関で把握されている可能性があります"
LIMIT_NOTE = "本日の確認の上限"
INTAKE = {"route": "phone", "consulter": "neighbour", "main_complaint": "様子が心配", "outcome": "info_only"}


@pytest.fixture
def recorded(alice):
    """A person alice's agency recorded: charlie's agency has no basis for her."""
    return people.person_create(actor=actor_for(alice), name="高橋 健一", kana="たかはし けんいち")


def _suggest(client, name):
    return client.get("/cases/intake/suggest/", {"name": name}).content.decode()


def _consult(client, name):
    return client.post("/api/cases/consultations", INTAKE | {"name": name}, content_type="application/json")


def test_each_ask_from_the_page_is_recorded_with_its_answer(recorded, charlie, outsider_agency, client_for):
    client = client_for(charlie)
    assert SIGNAL in _suggest(client, "たかはし")
    assert SIGNAL not in _suggest(client, "すずき")
    rows = list(ElsewhereCheck.objects.order_by("at", "id").values_list("staff", "agency", "text", "answer", "path"))
    assert rows == [(charlie.pk, outsider_agency.pk, "たかはし", "known", "/cases/intake/suggest/"),
                    (charlie.pk, outsider_agency.pk, "すずき", "not_known", "/cases/intake/suggest/")]
    assert ElsewhereCheck.objects.filter(at__isnull=True).count() == 0


def test_each_ask_through_the_api_is_recorded(recorded, charlie, client_for):
    body = _consult(client_for(charlie), "たかはし けんいち").json()
    assert body["known_elsewhere"] is True and body["known_elsewhere_note"] == ""
    check = ElsewhereCheck.objects.get()
    assert (check.staff_id, check.text, check.answer, check.path) == (
        charlie.pk, "たかはし けんいち", "known", "/api/cases/consultations")


def test_a_single_character_is_neither_asked_nor_counted(recorded, charlie, client_for):
    assert SIGNAL not in _suggest(client_for(charlie), "た")
    assert not ElsewhereCheck.objects.exists()


def test_past_the_daily_limit_the_page_says_so_and_computes_nothing(recorded, charlie, client_for, settings):
    settings.KNOWN_ELSEWHERE_DAILY_LIMIT = 2
    client = client_for(charlie)
    assert SIGNAL in _suggest(client, "たかはし")
    assert SIGNAL not in _suggest(client, "すずき")
    page = _suggest(client, "たかはし")
    assert SIGNAL not in page and LIMIT_NOTE in page and "2回" in page
    assert list(ElsewhereCheck.objects.order_by("id").values_list("answer", flat=True)) == ["known", "not_known",
                                                                                             "limited"]


def test_past_the_daily_limit_the_api_records_the_consultation_and_says_so(recorded, charlie, client_for, settings):
    settings.KNOWN_ELSEWHERE_DAILY_LIMIT = 1
    client = client_for(charlie)
    assert _consult(client, "たかはし けんいち").json()["known_elsewhere"] is True
    response = _consult(client, "たかはし けんいち")
    body = response.json()
    assert response.status_code == 201 and Consultation.objects.count() == 2
    assert body["known_elsewhere"] is None and LIMIT_NOTE in body["known_elsewhere_note"]


def test_the_limit_is_per_staff_member_and_per_day(recorded, charlie, outsider_agency, client_for, settings):
    settings.KNOWN_ELSEWHERE_DAILY_LIMIT = 1
    yesterday = timezone.now() - timedelta(days=1)
    ElsewhereCheck.objects.create(at=yesterday, staff=charlie, agency=outsider_agency, text="きのう", answer="known")
    assert SIGNAL in _suggest(client_for(charlie), "たかはし")  # yesterday's ask does not count today
    from tests import factories

    colleague = factories.staff(outsider_agency)
    assert SIGNAL in _suggest(client_for(colleague), "たかはし")  # nor does a colleague's
    assert LIMIT_NOTE in _suggest(client_for(charlie), "たかはし")


def test_the_record_of_asks_can_be_neither_changed_nor_deleted(recorded, charlie, client_for):
    _suggest(client_for(charlie), "たかはし")
    check = ElsewhereCheck.objects.get()
    check.answer = "not_known"
    for attempt in (check.save, check.delete, lambda: ElsewhereCheck.objects.update(answer="not_known"),
                    lambda: ElsewhereCheck.objects.all().delete()):
        with pytest.raises(PermissionError):
            attempt()
    assert ElsewhereCheck.objects.get().answer == "known"
