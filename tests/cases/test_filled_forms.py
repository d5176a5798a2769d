"""記入済みの帳票 as PDF: a recorded consultation's 相談受付・申込票 (/cases/consultations/<pk>/print.pdf) in the version its
consent records choose — 本人同意あり with a consent in force, 本人同意なし with none or a refusal — and a plan's
プラン兼事業等利用申込書 (/cases/plans/<pk>/print.pdf): the labels of docs/NATIONAL_FORMS.md in order, the person's
name, the 国への報告事項 marked; read through the policy (an outsider gets 404) and logged as 印刷."""

import pytest

from tests.pdf import in_order, is_a4, pdf_text
from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases import services
from tsunagu.rules.national_forms import form
from tsunagu.sharing.services import consent_record

pytestmark = pytest.mark.django_db


def _labels(key: str) -> list[str]:
    national_form = form(key)
    words = [national_form.title]
    for section in national_form.sections:
        words.append(section.title)
        words += [item.label for item in section.items]
    return words


def _consultation(alice, person, **fields):
    return services.consultation_record(actor=actor(alice), route="visit_in", consulter="self",
                                        main_complaint="仕事が見つからず家賃が払えない", person=person,
                                        concerns=["job_search", "rent_loan"], primary_concern="job_search",
                                        outcome="continue", **fields)


def test_a_consented_persons_consultation_prints_the_consented_version_filled(world, alice, client_for):
    consultation = _consultation(alice, world.son)  # the world's son consented to the partner agency
    response = client_for(alice).get(f"/cases/consultations/{consultation.pk}/print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "高橋" not in response["Content-Disposition"]
    assert is_a4(response.content)
    text = pdf_text(response.content)
    assert in_order(text, _labels("consultation_consented")) == []
    assert "【本人同意あり】" in text and "【本人同意なし】" not in text
    assert in_order(text, ["氏名", "高橋 健一", "ご相談されたい内容", "■ 家賃やローンの支払いのこと",
                           "◎ 仕事探し、就職について", "受付後の対応", "■ 継続支援（アセスメントへ）"]) == []
    assert "取扱注意" in text and in_order(text, ["【国】受付日", "【国】受付後の対応"]) == []


@pytest.mark.parametrize("refused", [False, True])
def test_without_a_consent_or_with_a_refusal_the_unconsented_version(refused, world, alice, bob, client_for):
    if refused:  # the son refuses after his consent: the refusal outweighs it
        consent_record(actor=actor(alice), person=world.son, agencies=[bob.memberships.get().agency],
                       decision="refused", reason="職場に知られたくない")
        subject = world.son
    else:
        subject = world.father  # no consent recorded
    consultation = _consultation(alice, subject)
    text = pdf_text(client_for(alice).get(f"/cases/consultations/{consultation.pk}/print.pdf").content)
    assert in_order(text, _labels("consultation_unconsented")) == []
    assert "【本人同意なし】" in text and "本人署名" not in text
    assert subject.name in text
    if refused:
        assert in_order(text, ["本人同意の状況", "■ 不同意", "職場に知られたくない"]) == []
    else:
        assert in_order(text, ["本人同意の状況", "■ 同意の記録なし", "□ 不同意"]) == []


def test_a_household_consultation_names_each_member_with_her_concerns(world, alice, client_for):
    consultation = services.consultation_record(
        actor=actor(alice), route="home_visit", consulter="neighbour", main_complaint="祖父母が孫の世話に困っている",
        household=world.household, member_concerns={world.grandson: ["withdrawal"], world.father: ["care"]})
    text = pdf_text(client_for(alice).get(f"/cases/consultations/{consultation.pk}/print.pdf").content)
    assert "高橋さん世帯" in text
    assert "高橋 蓮: ひきこもり・不登校" in text and "髙橋 清: 介護" in text
    assert "【本人同意あり】" in text  # the son's consent, no refusal among the members


def test_the_plan_prints_its_application_in_order(world, alice, client_for):
    response = client_for(alice).get(f"/cases/plans/{world.plan.pk}/print.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert in_order(text, _labels("plan_application")) == []
    assert in_order(text, ["氏名", "高橋さん世帯", "当面の目標（短期目標）", "孫が安心して暮らせる", "支援の内容",
                           "見守り訪問"]) == []
    assert in_order(text, ["【国】プラン作成日", "【国】就労支援の対象", "【国】就労", "【国】増収"]) == []


def test_the_prints_are_logged_as_prints(world, alice, client_for):
    consultation = _consultation(alice, world.son)
    client = client_for(alice)
    client.get(f"/cases/consultations/{consultation.pk}/print.pdf")
    client.get(f"/cases/plans/{world.plan.pk}/print.pdf")
    logged = {(row.object_type, row.object_id) for row in AccessLog.objects.filter(action=AccessAction.PRINT)}
    assert ("cases.consultation", str(consultation.pk)) in logged
    assert ("cases.supportplan", str(world.plan.pk)) in logged


def test_an_outsider_gets_404_and_no_pdf(world, alice, charlie, client_for):
    consultation = _consultation(alice, world.son)
    client = client_for(charlie)
    for url in (f"/cases/consultations/{consultation.pk}/print.pdf", f"/cases/plans/{world.plan.pk}/print.pdf"):
        response = client.get(url)
        assert response.status_code == 404 and not response.content.startswith(b"%PDF")


def test_the_html_prints_link_their_pdf(world, alice, client_for):
    consultation = _consultation(alice, world.son)
    client = client_for(alice)
    assert f'href="/cases/consultations/{consultation.pk}/print.pdf"' in client.get(
        f"/cases/consultations/{consultation.pk}/print/").content.decode()
    assert f'href="/cases/plans/{world.plan.pk}/print.pdf"' in client.get(
        f"/cases/plans/{world.plan.pk}/print/").content.decode()
