"""The plan's 国への報告事項 for the 支援状況調査: 就労支援の対象 on the plan form, and the 評価 (就労, 増収, 自立に向けた改善)
on the plan's page. Bad input is refused with a Japanese message naming the item, writing nothing."""

import pytest
from django.utils import timezone

from tsunagu.cases.models import PlanReview, SupportPlan

pytestmark = pytest.mark.django_db


def test_the_worker_marks_employment_support_and_records_a_review(world, alice, client_for):
    client = client_for(alice)
    plan = world.plan
    response = client.post(f"/cases/plans/{plan.pk}/", {"goals": plan.goals, "person_wishes": "", "review_on": "",
                                                         "employment_support": "1", "version": plan.version})
    assert response.status_code == 302
    assert SupportPlan.objects.get(pk=plan.pk).employment_support is True
    client.post(f"/cases/plans/{plan.pk}/reviews/", {"reviewed_on": "", "employed": "1", "income_increased": "0",
                                                     "improved": "1"})
    assert not PlanReview.objects.exists()  # 評価日 is required
    client.post(f"/cases/plans/{plan.pk}/reviews/", {"reviewed_on": timezone.localdate().isoformat(),
                                                     "employed": "1", "income_increased": "0", "improved": "1"})
    review = PlanReview.objects.get()
    assert (review.employed, review.income_increased, review.improved) == (True, False, True)
    html = client.get(f"/cases/plans/{plan.pk}/").content.decode()
    assert "就労: 就労した" in html and "自立に向けた改善: 見られた" in html


@pytest.mark.parametrize(("data", "message"), [
    ({"employed": "maybe"}, "就労は「就労した」か「しない」から選んでください。"),
    ({"improved": ""}, "自立に向けた改善を「見られた」か「見られない」から選んでください。"),
    ({"reviewed_on": "R6.2.30"}, "評価日"),
    ({"reviewed_on": "2099-01-01"}, "評価日が未来の日付です。"),
])
def test_a_bad_review_names_the_item_and_writes_nothing(data, message, world, alice, client_for):
    form = {"reviewed_on": timezone.localdate().isoformat(), "employed": "0", "income_increased": "0",
            "improved": "0", **data}
    response = client_for(alice).post(f"/cases/plans/{world.plan.pk}/reviews/", form, follow=True)
    assert message in response.content.decode()
    assert not PlanReview.objects.exists()


def test_an_employment_support_out_of_its_choices_is_refused(world, alice, client_for):
    plan = world.plan
    response = client_for(alice).post(f"/cases/plans/{plan.pk}/", {"goals": "変えた目標", "employment_support": "2",
                                                                   "version": plan.version})
    assert "就労支援の対象（国への報告事項）は「対象」か「対象外」から選んでください。" in response.content.decode()
    assert SupportPlan.objects.get(pk=plan.pk).goals == plan.goals


def test_an_outsider_cannot_review(world, charlie, client_for):
    response = client_for(charlie).post(f"/cases/plans/{world.plan.pk}/reviews/", {
        "reviewed_on": timezone.localdate().isoformat(), "employed": "1", "income_increased": "1",
        "improved": "1"})
    assert response.status_code == 404 and not PlanReview.objects.exists()


def test_the_plan_pdf_carries_the_review(world, alice, client_for):
    from tests.pdf import in_order, pdf_text
    client = client_for(alice)
    client.post(f"/cases/plans/{world.plan.pk}/reviews/", {"reviewed_on": timezone.localdate().isoformat(),
                                                           "employed": "0", "income_increased": "1", "improved": "1"})
    text = pdf_text(client.get(f"/cases/plans/{world.plan.pk}/print.pdf").content)
    assert in_order(text, ["【国】就労支援の対象", "■ 対象外", "【国】増収", "■ 増収した", "【国】自立に向けた改善",
                           "■ 見られた"]) == []
