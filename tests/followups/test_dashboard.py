"""The dashboard's follow-up panel: the first rows, soonest first, and a badge counting every overdue follow-up."""

import re
from datetime import timedelta

from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessLog
from tsunagu.followups import services


def test_the_badge_counts_every_overdue_followup_while_the_panel_shows_eight(world, alice, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() - timedelta(days=400),
                             occurrences=10)  # monthly: all ten are overdue
    services.schedule_create(actor=actor(alice), case=world.case, starts_on=timezone.localdate() + timedelta(days=3),
                             occurrences=1)  # due soon, not overdue
    page = client_for(alice).get("/").content.decode()
    assert "期限切れ 10 件" in page
    panel = page.split("フォローアップ（つながり続ける支援）", 1)[1].split("</section>", 1)[0]
    assert len(re.findall(r"<li>", panel)) == 8 and world.case.label not in panel  # the oldest eight, soonest first
    assert AccessLog.objects.filter(staff=alice, object_type="cases.case", object_id=str(world.son_case.pk), path="/").exists()


def test_no_badge_without_overdue_followups(world, alice, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() + timedelta(days=3),
                             occurrences=1)
    page = client_for(alice).get("/").content.decode()
    assert "期限切れ" not in page and world.son_case.label in page


def test_another_agencys_followups_are_not_shown(world, alice, bob, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() - timedelta(days=5),
                             occurrences=1)
    page = client_for(bob).get("/").content.decode()  # bob may see the son's case (consent) but owns no follow-up
    assert "期限切れ" not in page and "2週間以内のフォローアップはありません。" in page
