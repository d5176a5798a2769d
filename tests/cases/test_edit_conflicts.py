"""Every edit of a plan or a referral states its version (core.forms.save_or_conflict): a stale one overwrites
nothing and says so — beside both versions on the page, in a message after a redirect, or as the API's 409."""

from tsunagu.cases.models import Referral, ReferralStatus, SupportPlan
from tsunagu.core.locking import EditConflict


def test_a_stale_plan_edit_shows_both_versions_and_keeps_the_saved_one(world, alice, client_for):
    first, second = client_for(alice), client_for(alice)
    url = f"/cases/plans/{world.plan.pk}/"
    assert first.post(url, {"goals": "Aさんの目標", "version": 1}).status_code == 302
    response = second.post(url, {"goals": "Bさんの目標", "version": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "他の人が先に保存しました" in html and "Aさんの目標" in html and "Bさんの目標" in html
    assert SupportPlan.objects.get(pk=world.plan.pk).goals == "Aさんの目標"


def test_a_stale_agreement_is_refused_with_a_message(world, alice, client_for):
    client = client_for(alice)
    client.post(f"/cases/plans/{world.plan.pk}/", {"goals": "更新した目標", "version": 1})
    response = client.post(f"/cases/plans/{world.plan.pk}/agree/", {"agreed_by": "高橋 清", "agreed_on": "2026-04-01",
                                                                     "version": 1}, follow=True)
    assert EditConflict.message in response.content.decode()
    assert not SupportPlan.objects.get(pk=world.plan.pk).agreed_by


def test_a_stale_referral_answer_is_refused_on_the_page_and_in_the_api(world, bob, client_for):
    client = client_for(bob)
    url = f"/cases/referrals/{world.referral.pk}/"
    assert client.post(url, {"status": "accepted", "version": 1}).status_code == 302
    response = client.post(url, {"status": "in_progress", "version": 1}, follow=True)
    assert EditConflict.message in response.content.decode()
    api = client.post(f"/api/cases/referrals/{world.referral.pk}/status", {"status": "completed", "comment": "結果", "version": 1},
                      content_type="application/json")
    assert api.status_code == 409
    assert api.json() == {"detail": EditConflict.message, "current": {"status": "accepted", "version": 2}}
    assert Referral.objects.get(pk=world.referral.pk).status == ReferralStatus.ACCEPTED
