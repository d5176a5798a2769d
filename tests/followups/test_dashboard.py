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


def test_a_followup_on_a_case_seen_through_consent_is_shown_and_logged_with_that_basis(world, bob, client_for):
    """The panel's cases are read by their keys and checked by the policy's rules in Python: the same rows and bases
    as `visible`."""
    services.schedule_create(actor=actor(bob), case=world.son_case, starts_on=timezone.localdate() - timedelta(days=2),
                             occurrences=1)
    page = client_for(bob).get("/").content.decode()
    assert world.son_case.label in page and "期限切れ 1 件" in page
    log = AccessLog.objects.get(staff=bob, object_type="cases.case", object_id=str(world.son_case.pk), path="/")
    assert log.basis == "consent"


def test_a_followup_on_a_case_without_a_basis_is_counted_but_never_named(world, alice, bob, client_for):
    from tsunagu.cases.models import Case
    from tsunagu.people.models import Person

    own = world.case.agency
    stranger = Person.objects.create(agency=own, name="根拠 なし子", kana="こんきょ なしこ")
    hidden = Case.objects.create(agency=own, lead_agency=own, person=stranger, title="根拠のない相談",
                                 opened_on=timezone.localdate(), status="support", worker=alice)
    services.schedule_create(actor=actor(bob), case=hidden, starts_on=timezone.localdate() - timedelta(days=2),
                             occurrences=1)  # bob's agency owns it, but has no basis for the case
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() + timedelta(days=2),
                             occurrences=1)
    Case.objects.filter(pk=world.son_case.pk).update(archived_at=timezone.now())
    page = client_for(bob).get("/").content.decode()
    assert hidden.label not in page and "期限切れ 1 件" in page
    assert world.son_case.label not in client_for(alice).get("/").content.decode(), "an archived case is not listed"
    assert not AccessLog.objects.filter(staff=bob, object_type="cases.case", object_id=str(hidden.pk)).exists()
