"""インテーク・アセスメントシート per person (本人): the assessment form records whom it is about (a household case's
member among those the writer sees), its スクリーニングの結果 and 就労支援の対象 (国への報告事項); the sheet prints as a PDF
filled from the consultation that opened the case, her latest assessment and her own concerns, through the policy
and logged as 印刷. Bad input — an item out of its choices, a date that does not exist, someone the writer does not
see — is refused with a Japanese message naming the item, and nothing is written."""

import pytest
from django.utils import timezone

from tests.pdf import in_order, is_a4, pdf_text
from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases import services
from tsunagu.cases.models import Assessment
from tsunagu.rules.national_forms import form

pytestmark = pytest.mark.django_db


def _labels(key: str) -> list[str]:
    national_form = form(key)
    words = [national_form.title]
    for section in national_form.sections:
        words += [section.title, *(item.label for item in section.items)]
    return words


def _post(client, case, **data):
    fields = {"assessed_on": timezone.localdate().isoformat(), "area_work": "失業中。ハローワークに通い始めた",
              "area_strengths": "車の運転ができる", "summary": "就労と家計の立て直しが要る", "screening": "continue",
              "employment_support": "1", **data}
    return client.post(f"/cases/{case.pk}/assessments/new/", fields, follow=True)


def test_an_assessment_of_a_member_prints_her_sheet_filled(world, alice, client_for):
    client = client_for(alice)
    services.person_concern_record(actor=actor(alice), case=world.case, person=world.son, concerns=["job_search", "debt"])
    response = _post(client, world.case, person=str(world.son.pk))
    assert response.status_code == 200 and "アセスメントを記録しました。" in response.content.decode()
    assessment = Assessment.objects.get()
    assert (assessment.person, assessment.screening, assessment.employment_support) == (world.son, "continue", True)
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    url = f"/cases/{world.case.pk}/members/{world.son.pk}/assessment.pdf"
    assert f'href="{url}"' in page

    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and is_a4(pdf.content)
    assert "高橋" not in pdf["Content-Disposition"]
    text = pdf_text(pdf.content)
    assert in_order(text, _labels("intake_assessment")) == []
    assert in_order(text, ["氏名", "高橋 健一", "ふりがな", "たかはし けんいち", "■ 男性", "仕事・就労の状況",
                           "失業中。ハローワークに通い始めた", "債務・滞納", "債務", "■ 仕事探し、就職について",
                           "本人の強み・意向", "車の運転ができる", "【国】スクリーニングの結果",
                           "■ 継続支援（プラン作成へ）", "【国】就労支援の対象", "■ 対象", "□ 対象外"]) == []
    assert "髙橋 清・世帯主" in text and "高橋 蓮・孫" in text  # the household members she lives with
    assert "取扱注意" in text
    logged = set(AccessLog.objects.filter(action=AccessAction.PRINT).values_list("object_type", "object_id"))
    assert {("cases.case", str(world.case.pk)), ("people.person", str(world.son.pk)),
            ("cases.supportplan", str(world.plan.pk))} <= logged


def test_the_sheet_of_a_member_without_an_assessment_reads_the_intake(world, alice, client_for):
    consultation = services.consultation_record(
        actor=actor(alice), route="visit_in", consulter="family", main_complaint="祖父の介護が続けられない",
        household=world.household, member_concerns={world.father: ["care"]}, outcome="referral")
    consultation.case = world.case  # as if the consultation had opened the case (its concerns recorded on it)
    consultation.save(update_fields=["case"])
    consultation.person_concerns.update(case=world.case)
    text = pdf_text(client_for(alice).get(f"/cases/{world.case.pk}/members/{world.father.pk}/assessment.pdf").content)
    assert in_order(text, ["髙橋 清", "【国】相談受付日", "相談に至った経緯・主訴", "祖父の介護が続けられない",
                           "■ 介護のこと", "【国】スクリーニングの結果", "■ 他制度・他機関へのつなぎ"]) == []


def test_an_outsider_or_a_stranger_to_the_case_gets_404(world, alice, charlie, client_for):
    assert client_for(charlie).get(
        f"/cases/{world.case.pk}/members/{world.son.pk}/assessment.pdf").status_code == 404
    # the son's own case holds him alone: his father is not one of its persons
    response = client_for(alice).get(f"/cases/{world.son_case.pk}/members/{world.father.pk}/assessment.pdf")
    assert response.status_code == 404 and not response.content.startswith(b"%PDF")


@pytest.mark.parametrize(("data", "message"), [
    ({"screening": "maybe"}, "スクリーニングの結果（国への報告事項）は「相談・情報提供のみで終了」・「他制度・他機関へのつなぎ」・"
                             "「継続支援（プラン作成へ）」から選んでください。"),
    ({"employment_support": "2"}, "就労支援の対象（国への報告事項）は「対象」か「対象外」から選んでください。"),
    ({"assessed_on": "R6.2.30"}, "実施日: "),
    ({"assessed_on": "2023-02-29"}, "実施日: "),
    ({"person": "999999"}, "本人（対象の世帯員）は閲覧できる世帯員から選んでください。"),
    ({"person": ""}, "本人（対象の世帯員）を選んでください。"),
])
def test_bad_input_names_the_item_and_writes_nothing(data, message, world, alice, client_for):
    response = _post(client_for(alice), world.case, **{"person": str(world.son.pk), **data})
    html = response.content.decode()
    assert message in html and "何も記録していません" in html
    assert not Assessment.objects.exists()


def test_a_person_cases_sheet_is_hers_without_choosing(world, alice, client_for):
    client = client_for(alice)
    _post(client, world.son_case, screening="info_only", employment_support="0")
    assert Assessment.objects.get().person == world.son
    text = pdf_text(client.get(f"/cases/{world.son_case.pk}/members/{world.son.pk}/assessment.pdf").content)
    assert in_order(text, ["■ 相談・情報提供のみで終了", "【国】就労支援の対象", "□ 対象", "■ 対象外"]) == []
