"""Closing a case, recording a follow-up and updating an outreach state their version: a stale one writes nothing."""


from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.followups import services
from tsunagu.followups.models import FollowUp, FollowUpStatus, Outreach, OutreachStatus


def test_a_stale_closure_says_the_case_changed_and_closes_nothing(world, alice, client_for):
    case = world.son_case
    stale = case.version
    Case.objects.filter(pk=case.pk).update(version=stale + 1)
    response = client_for(alice).post(f"/followups/cases/{case.pk}/close/", {
        "mode": "reason", "reason": "転出", "version": stale, "closed_on": timezone.localdate()})
    assert response.status_code == 200 and "このケースは、あなたが画面を開いた後に更新されました" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


def test_a_stale_follow_up_record_says_someone_recorded_it(world, alice, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate(), occurrences=1)
    followup = FollowUp.objects.get()
    opened_at = followup.version
    services.followup_record(actor=actor(alice), followup=followup, expected_version=opened_at,
                             status=FollowUpStatus.NO_CONTACT, note="不在")
    response = client_for(alice).post(f"/followups/{followup.pk}/record/", {
        "status": "done", "done_on": timezone.localdate(), "note": "古い画面から", "version": opened_at})
    assert response.status_code == 200 and "他の人が先に記録しました" in response.content.decode()
    assert FollowUp.objects.get().note == "不在"


def test_a_stale_outreach_update_is_refused_with_a_message(alice, client_for):
    outreach = services.outreach_record(actor=actor(alice), target="旭町3丁目の男性", signs="夜も電気がつかない",
                                        noticed_by="neighbour")
    client = client_for(alice)
    url = f"/followups/outreach/{outreach.pk}/status/"
    assert client.post(url, {"status": "visiting", "version": outreach.version}).status_code == 302
    response = client.post(url, {"status": "closed", "closed_reason": "転居", "version": outreach.version}, follow=True)
    assert "他の人が先に更新しました。もう一度確かめてください。" in response.content.decode()
    assert Outreach.objects.get().status == OutreachStatus.VISITING
