"""白紙の帳票 (cases.prints): the 相談受付・申込票 in both versions prints blank for a home visit — A4, every section
and label of docs/NATIONAL_FORMS.md in order, the choices to tick, 取扱注意 — for any staff member acting for an
agency; it names no one, so nothing is logged."""

import datetime

import pytest

from tests.pdf import in_order, is_a4, pdf_text
from tsunagu.audit.models import AccessLog
from tsunagu.rules.national_forms import form

pytestmark = pytest.mark.django_db


def _expected(key: str) -> list[str]:
    """The form's title, then each section's title followed by its items' labels, as the PDF must read."""
    national_form = form(key)
    words = [national_form.title]
    for section in national_form.sections:
        words.append(section.title)
        for item in section.items:
            words += [item.label, *item.choices]
    return words


@pytest.mark.parametrize("key", ["consultation_consented", "consultation_unconsented"])
def test_the_blank_form_prints_every_label_in_the_forms_order(key, alice, client_for):
    response = client_for(alice).get(f"/cases/forms/{key}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert is_a4(response.content)
    text = pdf_text(response.content)
    assert in_order(text, _expected(key)) == []
    assert "取扱注意" in text and "国への報告事項" in text
    assert "テスト地域包括支援センター" in text  # the agency the visitor comes from


def test_the_two_versions_differ_where_consent_is_concerned(alice, client_for):
    client = client_for(alice)
    consented = pdf_text(client.get("/cases/forms/consultation_consented.pdf").content)
    unconsented = pdf_text(client.get("/cases/forms/consultation_unconsented.pdf").content)
    assert "本人署名" in consented and "本人署名" not in unconsented
    assert in_order(unconsented, ["支援会議（社会福祉法第106条の6）での検討", "要", "不要"]) == []


def test_a_blank_form_reads_no_one_and_logs_nothing(alice, client_for):
    client_for(alice).get("/cases/forms/consultation_consented.pdf")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("key", ["support_status_survey", "no_such_form", "CONSULTATION_CONSENTED"])
def test_a_form_that_is_not_printed_blank_is_404(key, alice, client_for):
    assert client_for(alice).get(f"/cases/forms/{key}.pdf").status_code == 404


def test_an_account_acting_for_no_agency_gets_404_and_a_visitor_the_sign_in(alice, client_for, client):
    alice.memberships.update(ended_on=datetime.date(2020, 3, 31))  # 部署異動: she acts for no agency now
    assert client_for(alice).get("/cases/forms/consultation_consented.pdf").status_code == 404
    assert client.get("/cases/forms/consultation_consented.pdf").status_code == 302


def test_the_list_links_both_versions_and_the_intake_links_the_list(alice, client_for):
    client = client_for(alice)
    listed = client.get("/cases/forms/").content.decode()
    assert 'href="/cases/forms/consultation_consented.pdf"' in listed
    assert 'href="/cases/forms/consultation_unconsented.pdf"' in listed
    assert 'href="/cases/forms/"' in client.get("/cases/intake/").content.decode()
