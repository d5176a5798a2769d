"""Closed-loop つなぎ (J4 at the HTTP level): decline with a reason, accept elsewhere, outcome seen by the sender."""

from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases.models import Notification, Referral, ReferralStatus
from tsunagu.sharing.services import consent_record


def test_decline_needs_a_reason_then_another_agency_accepts_and_completes(world, alice, bob, meeting_members, client_for):
    dave = meeting_members[0]
    sender, receiver = client_for(alice), client_for(bob)
    url = f"/cases/referrals/{world.referral.pk}/"
    receiver.post(url, {"status": "declined", "comment": "", "version": 1})
    world.referral.refresh_from_db()
    assert world.referral.status == ReferralStatus.REQUESTED  # refused: no reason given
    receiver.post(url, {"status": "declined", "comment": "対象年齢外のため", "version": 1})
    world.referral.refresh_from_db()
    assert world.referral.status == ReferralStatus.DECLINED
    assert "対象年齢外のため" in sender.get(url).content.decode()
    # the son's consent now also covers the 生活困窮 agency, so the sender can refer him there
    consent_record(actor=actor(alice), person=world.son, agencies=[dave.memberships.get().agency])
    response = sender.post(f"/cases/{world.son_case.pk}/referrals/new/", {
        "to_agency": dave.memberships.get().agency.pk, "reason": "失業中", "request": "家計相談",
        "due_on": (timezone.localdate() + timedelta(days=5)).isoformat()})
    assert response.status_code == 302
    second = Referral.objects.get(to_agency=dave.memberships.get().agency)
    other = client_for(dave)
    other.post(f"/cases/referrals/{second.pk}/", {"status": "accepted", "version": 1})
    other.post(f"/cases/referrals/{second.pk}/", {"status": "completed", "comment": "家計改善計画を作成", "version": 2})
    second.refresh_from_db()
    assert second.status == ReferralStatus.COMPLETED
    unread = Notification.objects.filter(agency=alice.memberships.get().agency, read_at__isnull=True).count()
    assert unread > 0
    assert f'つなぎのお知らせ <span class="badge">{unread}</span>' in sender.get("/").content.decode()
    assert "家計改善計画を作成" in sender.get(f"/cases/referrals/{second.pk}/").content.decode()
    messages = list(Notification.objects.filter(agency=alice.memberships.get().agency).values_list("message", flat=True))
    assert any("辞退" in m for m in messages) and any("完了" in m for m in messages)
    sender.get("/cases/notifications/")  # opening the notices marks them read
    assert "つなぎのお知らせ <span" not in sender.get("/").content.decode()  # nothing unread: no badge, not "0"


def test_referral_form_offers_only_covered_agencies_and_refuses_others(world, alice, charlie, client_for):
    client = client_for(alice)
    form = client.get(f"/cases/{world.son_case.pk}/referrals/new/").content.decode()
    assert world.referral.to_agency.name in form and charlie.memberships.get().agency.name not in form
    response = client.post(f"/cases/{world.son_case.pk}/referrals/new/", {
        "to_agency": charlie.memberships.get().agency.pk, "reason": "r", "request": "q",
        "due_on": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert not Referral.objects.filter(to_agency=charlie.memberships.get().agency).exists()
    api = client.post(f"/api/cases/{world.son_case.pk}/referrals", {
        "to_agency_id": charlie.memberships.get().agency.pk, "reason": "r", "request": "q",
        "due_on": timezone.localdate().isoformat()}, content_type="application/json")
    assert api.status_code == 422 and "根拠" in api.json()["detail"]


def test_overdue_referrals_are_listed_for_the_coordinator_only(world, alice, coordinator, client_for):
    Referral.objects.filter(pk=world.referral.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    page = client_for(coordinator).get("/cases/referrals/overdue/").content.decode()
    assert world.referral.to_agency.name in page and world.son.name not in page
    assert client_for(alice).get("/cases/referrals/overdue/").status_code == 404
    assert "期日を過ぎたつなぎ" in client_for(coordinator).get("/").content.decode()


def test_received_referrals_put_the_newest_waiting_first_and_filter_by_status(world, alice, bob, client_for):
    to_agency = bob.memberships.get().agency
    now = timezone.now()
    older = world.referral
    newer = Referral.objects.create(case=world.son_case, person=world.son, from_agency=older.from_agency,
                                    to_agency=to_agency, from_staff=alice, reason="r", request="新しい依頼（依頼中）",
                                    due_on=older.due_on, sent_at=now)
    answered = Referral.objects.create(case=world.son_case, person=world.son, from_agency=older.from_agency,
                                       to_agency=to_agency, from_staff=alice, reason="r", request="受理した依頼",
                                       due_on=older.due_on, sent_at=now + timedelta(minutes=1),
                                       status=ReferralStatus.ACCEPTED)
    Referral.objects.filter(pk=older.pk).update(sent_at=now - timedelta(days=3), request="古い依頼（依頼中）")
    client = client_for(bob)
    received = client.get("/cases/referrals/").content.decode().split("<h2>送った依頼</h2>")[0]
    order = [received.index(f"/cases/referrals/{r.pk}/") for r in (newer, older, answered)]
    assert order == sorted(order)  # 依頼中 first, newest first; then the answered
    accepted = client.get("/cases/referrals/", {"status": "accepted"}).content.decode().split("<h2>送った依頼</h2>")[0]
    assert f"/cases/referrals/{answered.pk}/" in accepted and f"/cases/referrals/{newer.pk}/" not in accepted
    assert '<option value="accepted" selected>受理</option>' in accepted
    unknown = client.get("/cases/referrals/", {"status": "nonsense"}).content.decode()
    assert f"/cases/referrals/{older.pk}/" in unknown  # an unknown status filters nothing out
