"""訪問計画: a frequency per case (or its household), overdue visits on the dashboard and the 狭間 list, the worker's
訪問予定表 in her order and its print (取扱注意, logged as 印刷), and the visit record that proposes the next visit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.audit.models import AccessAction, AccessLog
from tsunagu.cases.models import CaseNote
from tsunagu.core.locking import EditConflict
from tsunagu.followups import queries, services
from tsunagu.followups.models import VisitFrequency, VisitPlan


def _plan(world, alice, frequency=VisitFrequency.MONTHLY, days=-3, case=None, **kw):
    return services.visit_plan_save(actor=actor(alice), case=case or world.case, frequency=frequency,
                                    due_on=timezone.localdate() + timedelta(days=days), **kw)


@pytest.mark.parametrize("frequency,after,expected", [
    ("weekly", "2026-01-30", "2026-02-06"), ("biweekly", "2026-01-30", "2026-02-13"),
    ("monthly", "2026-01-31", "2026-02-28"), ("quarterly", "2026-11-15", "2027-02-15"), ("date", "2026-01-30", None)])
def test_next_visit_is_proposed_from_the_frequency(frequency, after, expected):
    from datetime import date
    proposed = services.next_visit_proposed(frequency, date.fromisoformat(after))
    assert proposed == (date.fromisoformat(expected) if expected else None)


def test_a_set_date_needs_the_date_and_writes_nothing(world, alice):
    with pytest.raises(ValidationError, match="次回の訪問予定日を入力"):
        services.visit_plan_save(actor=actor(alice), case=world.case, frequency=VisitFrequency.DATE)
    with pytest.raises(ValidationError, match="世帯のケースではありません"):
        services.visit_plan_save(actor=actor(alice), case=world.son_case, frequency="monthly", household_wide=True)
    assert not VisitPlan.objects.exists()


def test_concurrent_edits_of_the_frequency_conflict(world, alice):
    plan = _plan(world, alice)
    services.visit_plan_save(actor=actor(alice), case=world.case, frequency="weekly", expected_version=plan.version)
    with pytest.raises(EditConflict):
        services.visit_plan_save(actor=actor(alice), case=world.case, frequency="quarterly", expected_version=plan.version)
    assert VisitPlan.objects.get().frequency == "weekly"


def test_frequency_shown_on_the_case_page_and_overdue_on_the_dashboard(world, alice, client_for):
    client = client_for(alice)
    response = client.post(f"/followups/cases/{world.case.pk}/visits/", {
        "frequency": "monthly", "due_on": (timezone.localdate() - timedelta(days=2)).isoformat(), "checks": "服薬の様子",
        "household_wide": "on"})
    assert response.status_code == 302
    page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "訪問頻度 <strong>月1回</strong>（世帯として）" in page and "期限切れ" in page
    dashboard = client.get("/").content.decode()
    assert "訪問予定日を過ぎた訪問 1 件" in dashboard and world.case.label in dashboard


def test_overdue_visit_on_the_gap_lists_outreach_kind(world, alice, coordinator, client_for):
    _plan(world, alice)
    section, _ = queries.gap_section(actor(coordinator), "outreach", 1)
    assert section.total == 1 and "訪問予定日" in section.rows[0].reason
    assert queries.gap_total() >= 1
    assert "訪問予定日を過ぎた訪問" in client_for(coordinator).get("/followups/gaps/outreach/").content.decode()


def test_route_is_ordered_by_the_worker_and_printed_through_the_policy(world, alice, client_for):
    first, second = _plan(world, alice, days=-1), _plan(world, alice, case=world.son_case, days=0)
    client = client_for(alice)
    route = [s.plan.pk for s in queries.day_route(actor(alice), timezone.localdate())]
    assert route == [first.pk, second.pk]
    response = client.post(f"/followups/visits/{second.pk}/move/", {"direction": "up", "day": timezone.localdate()})
    assert response.status_code == 302
    assert [s.plan.pk for s in queries.day_route(actor(alice), timezone.localdate())] == [second.pk, first.pk]
    sheet = client.get("/followups/visits/sheet/").content.decode()
    assert "取扱注意" in sheet and world.household.address in sheet and "服薬" not in sheet
    assert sheet.index(world.son.name) < sheet.index(world.household.name)
    assert AccessLog.objects.filter(action=AccessAction.PRINT, path="/followups/visits/sheet/").count() >= 2


def test_route_sheet_pdf(world, alice, client_for):
    _plan(world, alice)
    response = client_for(alice).get("/followups/visits/sheet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_visit_record_writes_the_timeline_and_schedules_the_next(world, alice, client_for):
    plan = _plan(world, alice, frequency="biweekly")
    client = client_for(alice)
    form = client.get(f"/followups/visits/{plan.pk}/record/").content.decode()
    proposed = timezone.localdate() + timedelta(days=14)
    assert "次回の訪問予定日" in form
    response = client.post(f"/followups/visits/{plan.pk}/record/", {
        "version": plan.version, "visited_on": timezone.localdate(), "met": "on", "note": "玄関先で話せた", "next_on": ""})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.due_on == proposed and plan.last_visited_on == timezone.localdate()
    note = CaseNote.objects.get(case=world.case, kind="訪問")
    assert note.body == "【訪問・本人に会えた】玄関先で話せた"
    # the same form again (its version is old): refused, nothing written twice
    response = client.post(f"/followups/visits/{plan.pk}/record/", {
        "version": plan.version - 1, "visited_on": timezone.localdate(), "note": "二重", "next_on": ""})
    assert response.status_code == 200 and CaseNote.objects.filter(kind="訪問").count() == 1


def test_a_bad_next_date_writes_nothing(world, alice):
    plan = _plan(world, alice)
    with pytest.raises(ValidationError):
        services.visit_record(actor=actor(alice), plan=plan, expected_version=plan.version, note="様子",
                              next_on=timezone.localdate() - timedelta(days=1))
    assert not CaseNote.objects.filter(kind="訪問").exists()
    assert VisitPlan.objects.get().version == plan.version


def test_outsider_gets_404_and_sees_no_one(world, alice, charlie, client_for):
    plan = _plan(world, alice)
    client = client_for(charlie)
    for url in (f"/followups/cases/{world.case.pk}/visits/", f"/followups/visits/{plan.pk}/record/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/followups/visits/{plan.pk}/move/", {"direction": "up"}).status_code == 404
    for url in ("/followups/visits/", "/followups/visits/sheet/"):
        page = client.get(url).content.decode()
        assert world.household.name not in page and world.household.address not in page
