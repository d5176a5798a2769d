"""An action item's update states its version: a stale one says what the item is now and overwrites nothing."""

from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.meetings import services
from tsunagu.meetings.models import ActionItem, ActionStatus


def test_a_stale_action_update_shows_the_current_status(world, alice, client_for):
    sitting = services.sitting_schedule(actor=actor(alice), meeting=world.meeting, held_on=timezone.localdate())[0]
    action = services.action_add(actor=actor(alice), sitting=sitting, description="家計の状況を確認する",
                                 owner_agency=alice.memberships.get().agency,
                                 due_on=timezone.localdate() + timedelta(days=7))
    opened_at = action.version
    services.action_update(actor=actor(alice), action=action, expected_version=opened_at, status=ActionStatus.CANCELLED)
    response = client_for(alice).post(f"/meetings/actions/{action.pk}/", {"status": "done", "result": "確認した",
                                                                         "version": opened_at})
    assert response.status_code == 200 and "他の人が先に更新しました（現在: 取りやめ）" in response.content.decode()
    assert ActionItem.objects.get().status == ActionStatus.CANCELLED
