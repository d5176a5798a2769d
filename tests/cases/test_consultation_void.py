"""取消 of a mistaken consultation: the recorder or a manager of her agency, with a reason, once; it leaves the live
集計 (both consultation figures) and stays in the history, marked 取消 with its reason."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from tests.sharing.world import actor
from tsunagu.cases import services
from tsunagu.cases.models import Consultation
from tsunagu.core.fiscal import fiscal_year
from tsunagu.people import services as people
from tsunagu.reports.figures import yearly_figures


def _mistake(staff, household=None) -> Consultation:
    return services.consultation_record(actor=actor(staff), route="phone", consulter="self", household=household,
                                        new_person=None if household else {"name": "誤登録 太郎"},
                                        main_complaint="別の方の相談を誤って登録した", concerns=["income", "care"],
                                        outcome="continue")


def test_the_recorder_voids_with_a_reason_once(alice):
    consultation = _mistake(alice)
    with pytest.raises(ValidationError, match="取消の理由を入力してください"):
        services.consultation_void(actor=actor(alice), consultation=consultation, reason="  ")
    voided = services.consultation_void(actor=actor(alice), consultation=consultation, reason="別の方と取り違えた")
    assert voided.voided_at is not None and voided.voided_by == alice and voided.void_reason == "別の方と取り違えた"
    with pytest.raises(ValidationError, match="すでに取り消されています"):
        services.consultation_void(actor=actor(alice), consultation=consultation, reason="もう一度")


def test_only_the_recorder_or_a_manager_of_her_agency_may_void(alice, own_agency, own_manager, bob):
    consultation = _mistake(alice)
    colleague = factories.staff(own_agency, name="同僚 一子")
    for other in (colleague, bob):
        with pytest.raises(ValidationError, match="受け付けた職員か、受け付けた機関の管理者"):
            services.consultation_void(actor=actor(other), consultation=consultation, reason="誤り")
    assert not Consultation.objects.get(pk=consultation.pk).voided_at
    services.consultation_void(actor=actor(own_manager), consultation=consultation, reason="受付者の申し出")
    assert Consultation.objects.get(pk=consultation.pk).voided_by == own_manager


def test_the_page_offers_the_button_voids_and_keeps_it_in_the_history(alice, own_agency, charlie, client_for):
    consultation = _mistake(alice)
    url = f"/cases/consultations/{consultation.pk}/print/"
    client = client_for(alice)
    page = client.get(url).content.decode()
    assert f'action="/cases/consultations/{consultation.pk}/void/"' in page and "data-confirm=" in page
    colleague = factories.staff(own_agency, name="同僚 一子")
    assert "/void/" not in client_for(colleague).get(url).content.decode()  # she may read it, not void it
    assert client_for(charlie).post(f"/cases/consultations/{consultation.pk}/void/", {"reason": "x"}).status_code == 404
    response = client.post(f"/cases/consultations/{consultation.pk}/void/", {"reason": "別の方と取り違えた"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "取消" in page and "別の方と取り違えた" in page and "/void/" not in page
    timeline = client.get(f"/cases/{consultation.case_id}/").content.decode()
    assert "【取消】" in timeline and "取消の理由: 別の方と取り違えた" in timeline
    person_page = client.get(f"/people/{consultation.person_id}/").content.decode()
    assert '<span class="tag tag--danger">取消</span>' in person_page


def test_a_voided_consultation_leaves_both_consultation_figures(alice):
    a = actor(alice)
    mother = people.person_create(actor=a, name="十河 恵", kana="そごう めぐみ")
    household = people.household_create(actor=a, name="十河さん世帯", members=[(mother, "", True)])
    consultation = _mistake(alice, household)  # 収入 and 介護: two 分野, so the household is flagged 複合課題
    household.refresh_from_db()
    assert household.multi_issue
    agency, month = alice.memberships.get().agency_id, timezone.localdate().replace(day=1)
    before = yearly_figures(fiscal_year(timezone.localdate()))
    assert before.value("consultations", agency, month) == 1
    assert before.value("multi_issue_households", agency, month) == 1
    services.consultation_void(actor=a, consultation=consultation, reason="誤登録")
    after = yearly_figures(fiscal_year(timezone.localdate()))
    assert after.value("consultations", agency, month) == 0 and after.value("consultations") == 0
    assert after.value("multi_issue_households", agency, month) == 0 and after.value("multi_issue_households") == 0
