"""同意書 as PDF (/people/<pk>/consents/sheet.pdf): the same sheet as the page, drawn on the server — A4, its headings
and the person's name in order, 取扱注意 — read through the policy like the page (an outsider gets 404) and logged as
a print."""

import pytest

from tests.pdf import in_order, is_a4, pdf_text
from tsunagu.audit.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return f"/people/{person.pk}/consents/sheet.pdf"


def test_the_pdf_is_the_sheet_on_a4_with_its_headings_and_her_name_in_order(world, alice, client_for):
    response = client_for(alice).get(_url(world.son))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "高橋" not in response["Content-Disposition"]  # the file's name names the form, never the person
    assert response["Cache-Control"] == "private, no-store"
    document = response.content
    assert is_a4(document)
    text = pdf_text(document)
    assert "取扱注意" in text
    assert in_order(text, ["個人情報の共有についての同意書", "1. 情報を共有する機関", "2. 共有する情報",
                           "3. 共有の目的", "4. 本人", "氏名", "高橋 健一", "たかはし けんいち", "本人署名"]) == []
    assert "有栖 花子" in text  # who printed it


def test_the_pdf_lists_only_the_agencies_chosen(world, alice, bob, charlie, client_for):
    partner, outsider = bob.memberships.get().agency, charlie.memberships.get().agency
    text = pdf_text(client_for(alice).get(_url(world.son), {"agency": partner.pk}).content)
    assert partner.name in text and outsider.name not in text


def test_the_print_is_in_the_access_log_as_a_print(world, alice, client_for):
    client_for(alice).get(_url(world.son))
    logged = AccessLog.objects.filter(staff=alice, path=_url(world.son))
    assert [(row.action, row.object_type, row.object_id) for row in logged] == [
        (AccessAction.PRINT, "people.person", str(world.son.pk))]
    assert logged.get().get_action_display() == "印刷"


def test_an_outsider_gets_404_and_no_pdf(world, charlie, client_for):
    response = client_for(charlie).get(_url(world.son))
    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")


def test_the_page_links_to_its_pdf_with_the_chosen_agencies(world, alice, bob, client_for):
    partner = bob.memberships.get().agency
    html = client_for(alice).get(f"/people/{world.son.pk}/consents/sheet/", {"agency": partner.pk}).content.decode()
    assert f'href="{_url(world.son)}?agency={partner.pk}"' in html
