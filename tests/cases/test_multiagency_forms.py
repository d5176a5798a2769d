"""多機関協働 sheets of a household case (/cases/<pk>/multiagency/<key>.pdf): インテークシート, アセスメントシート 1〜4
and プラン兼利用申込書, filled from the household's intake, its members' concerns, consents and assessments, and its
plan — each member only when the reader has a basis for her; a person case or an unknown sheet is 404."""

import pytest

from tests.pdf import in_order, is_a4, pdf_text
from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases import services
from tsunagu.rules.national_forms import form

pytestmark = pytest.mark.django_db


def _labels(key: str) -> list[str]:
    national_form = form(key)
    return [national_form.title, *(w for s in national_form.sections for w in (s.title, *(i.label for i in s.items)))]


@pytest.mark.parametrize("key", ["multiagency_intake", "multiagency_assessment", "multiagency_plan"])
def test_each_sheet_prints_its_items_in_order(key, world, alice, client_for):
    services.person_concern_record(actor=actor(alice), case=world.case, person=world.grandson,
                                   concerns=["withdrawal"])
    response = client_for(alice).get(f"/cases/{world.case.pk}/multiagency/{key}.pdf")
    assert response.status_code == 200 and is_a4(response.content)
    text = pdf_text(response.content)
    assert in_order(text, _labels(key)) == [] and "取扱注意" in text
    assert ("cases.case", str(world.case.pk)) in set(
        AccessLog.objects.filter(action=AccessAction.PRINT).values_list("object_type", "object_id"))


def test_the_assessment_sheet_names_each_members_concerns_and_consent(world, alice, client_for):
    a = actor(alice)
    services.person_concern_record(actor=a, case=world.case, person=world.grandson, concerns=["withdrawal"])
    services.person_concern_record(actor=a, case=world.case, person=world.father, concerns=["care"])
    services.assessment_record(actor=a, case=world.case, person=world.son, areas={"strengths": "車の運転ができる"},
                               summary="就労の意欲がある")
    client = client_for(alice)
    text = pdf_text(client.get(f"/cases/{world.case.pk}/multiagency/multiagency_assessment.pdf").content)
    assert in_order(text, ["世帯員ごとの課題", "■ 介護のこと", "■ ひきこもり・不登校", "髙橋 清: 介護",
                           "高橋 蓮: ひきこもり・不登校", "課題の分野", "■ 高齢・介護", "本人・世帯の強み、意向",
                           "高橋 健一: 車の運転ができる", "課題の整理", "高橋 健一: 就労の意欲がある", "支援の方向性",
                           "孫が安心して暮らせる"]) == []
    intake = pdf_text(client.get(f"/cases/{world.case.pk}/multiagency/multiagency_intake.pdf").content)
    assert in_order(intake, ["本人同意（同意の記録から）", "■ 同意あり", "■ 同意の記録なし", "髙橋 清: 同意の記録なし",
                             "高橋 健一: 同意あり"]) == []
    plan = pdf_text(client.get(f"/cases/{world.case.pk}/multiagency/multiagency_plan.pdf").content)
    assert in_order(plan, ["世帯の目指す姿", "孫が安心して暮らせる", "世帯員ごとの目標と支援", "見守り訪問"]) == []


def test_a_reader_sees_only_the_members_she_has_a_basis_for(world, alice, bob, client_for):
    services.person_concern_record(actor=actor(alice), case=world.case, person=world.grandson,
                                   concerns=["withdrawal"])
    text = pdf_text(client_for(bob).get(f"/cases/{world.case.pk}/multiagency/multiagency_assessment.pdf").content)
    assert "高橋 健一" in text and "高橋 蓮" not in text and "ひきこもり・不登校: " not in text


@pytest.mark.parametrize("path", ["{son_case}/multiagency/multiagency_plan.pdf", "{case}/multiagency/plan_application.pdf"])
def test_a_person_case_or_another_form_is_404(path, world, alice, charlie, client_for):
    url = "/cases/" + path.format(son_case=world.son_case.pk, case=world.case.pk)
    assert client_for(alice).get(url).status_code == 404
    assert client_for(charlie).get(f"/cases/{world.case.pk}/multiagency/multiagency_plan.pdf").status_code == 404
