"""つながり続ける支援: closing needs follow-ups or a reason; overdue ones reach the dashboard and the 狭間 list;
a handover moves open work to the successor in one step with history intact; outreach stays with its agency."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from tests.sharing.world import actor
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.followups import services
from tsunagu.followups.models import CaseClosure, FollowUp, FollowUpStatus, Handover, Outreach


def test_closing_needs_a_schedule_or_a_reason_and_writes_nothing_otherwise(world, alice, client_for):
    client = client_for(alice)
    case = world.son_case
    assert services.case_closure_check(case) is not None
    response = client.post(f"/followups/cases/{case.pk}/close/", {"mode": "reason", "reason": "", "version": case.version,
                                                                   "closed_on": timezone.localdate()})
    assert response.status_code == 200 and "理由を入力してください" in response.content.decode()
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED and not CaseClosure.objects.exists()
    start = timezone.localdate() + timedelta(days=30)
    response = client.post(f"/followups/cases/{case.pk}/close/", {
        "mode": "schedule", "starts_on": start, "interval_months": 1, "occurrences": 6, "method": "phone",
        "version": case.version, "closed_on": timezone.localdate()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    dues = list(case.followups.values_list("due_on", flat=True))
    assert len(dues) == 6 and dues[0] == start and dues[1].month == (start.month % 12) + 1
    assert services.case_closure_check(case) is None


def test_closing_with_a_reason(world, alice):
    services.case_close(actor=actor(alice), case=world.son_case, expected_version=world.son_case.version, reason="市外へ転出した")
    assert Case.objects.get(pk=world.son_case.pk).status == CaseStatus.CLOSED
    with pytest.raises(ValidationError):
        services.case_close(actor=actor(alice), case=world.case, expected_version=world.case.version)


def test_overdue_followup_reaches_dashboard_and_gap_list(world, alice, coordinator, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() - timedelta(days=40))
    dashboard = client_for(alice).get("/").content.decode()
    assert "期限切れ" in dashboard and world.son_case.label in dashboard
    gaps = client_for(coordinator).get("/followups/gaps/").content.decode()
    assert "期限を過ぎたフォローアップ" in gaps and "外れる条件" in gaps
    # The coordinator has no basis for the son: the row names the agency, not the person.
    assert world.son.name not in gaps and alice.memberships.get().agency.name in gaps


def test_recording_a_followup_goes_on_the_case_timeline(world, alice, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate(), occurrences=1)
    f = FollowUp.objects.get()
    response = client_for(alice).post(f"/followups/{f.pk}/record/", {"status": "done", "note": "電話で元気な声を確認",
                                                                     "version": f.version, "done_on": timezone.localdate()})
    assert response.status_code == 302
    assert FollowUp.objects.get().status == FollowUpStatus.DONE
    assert "電話で元気な声を確認" in client_for(alice).get(f"/cases/{world.son_case.pk}/").content.decode()


def test_handover_moves_open_work_in_one_step_with_history(world, alice, own_agency, client_for):
    manager = factories.staff(own_agency, role="manager", login_id="mgr")
    successor = factories.staff(own_agency, login_id="successor", name="後任 さくら")
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate())
    services.outreach_record(actor=actor(alice), target="旭町の一人暮らしの男性", signs="新聞がたまっている", noticed_by="neighbour")
    Case.objects.filter(pk__in=[world.case.pk, world.son_case.pk]).update(worker=alice)
    client = client_for(manager)
    preview = client.post("/followups/handover/", {"from_staff": alice.pk, "to_staff": successor.pk})
    assert "支援ケース 2 件" in preview.content.decode()
    assert Case.objects.filter(worker=successor).count() == 0  # the preview writes nothing
    response = client.post("/followups/handover/", {"from_staff": alice.pk, "to_staff": successor.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Case.objects.filter(worker=successor).count() == 2
    assert FollowUp.objects.filter(staff=successor).count() == 6 and Outreach.objects.get().staff == successor
    handover = Handover.objects.get()
    assert sorted(handover.case_ids) == sorted([world.case.pk, world.son_case.pk])
    history = Case.history.filter(id=world.case.pk).order_by("history_date")
    assert history.last().worker_id == successor.pk and history.filter(worker_id=alice.pk).exists()
    assert world.note.body in client_for(successor).get(f"/cases/{world.case.pk}/").content.decode()


def test_a_worker_cannot_hand_over_someone_else(world, alice, own_agency, client_for):
    other = factories.staff(own_agency, login_id="other")
    successor = factories.staff(own_agency, login_id="successor2")
    Case.objects.filter(pk=world.case.pk).update(worker=other)
    client_for(alice).post("/followups/handover/", {"from_staff": other.pk, "to_staff": successor.pk, "confirm": "1"})
    assert not Handover.objects.exists() and Case.objects.get(pk=world.case.pk).worker == other


def test_outreach_stays_with_its_agency(alice, charlie, client_for):
    o = services.outreach_record(actor=actor(alice), target="旭町3丁目の男性", signs="夜も電気がつかない", noticed_by="neighbour")
    assert client_for(alice).get(f"/followups/outreach/{o.pk}/").status_code == 200
    assert client_for(charlie).get(f"/followups/outreach/{o.pk}/").status_code == 404
    assert "旭町3丁目の男性" not in client_for(charlie).get("/followups/").content.decode()


def test_the_followups_page_logs_its_cases_and_outreach_in_one_write(world, alice, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tsunagu.audit.models import AccessLog

    a = actor(alice)
    services.schedule_create(actor=a, case=world.son_case, starts_on=timezone.localdate() - timedelta(days=3), occurrences=1)
    o = services.outreach_record(actor=a, target="旭町3丁目の男性", signs="夜も電気がつかない", noticed_by="neighbour",
                                 household=world.household)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(alice).get("/followups/").content.decode()
    assert world.son_case.label in page and "旭町3丁目の男性" in page
    writes = [q["sql"] for q in queries if "audit_accesslog" in q["sql"] and q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(writes) == 1
    logged = set(AccessLog.objects.filter(staff=alice, path="/followups/", action="list").values_list("object_type", "object_id"))
    assert {("cases.case", str(world.son_case.pk)), ("followups.outreach", str(o.pk))} <= logged


@pytest.mark.parametrize("url", ["/followups/cases/{c}/close/", "/followups/cases/{c}/schedule/", "/followups/{f}/record/",
                                 "/followups/gaps/"])
def test_outsider_gets_404(world, alice, charlie, client_for, url):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate(), occurrences=1)
    f = FollowUp.objects.get()
    assert client_for(charlie).get(url.format(c=world.son_case.pk, f=f.pk)).status_code == 404


def test_outsider_cannot_close_a_case(world, charlie, client_for):
    response = client_for(charlie).post(f"/followups/cases/{world.son_case.pk}/close/", {"mode": "reason", "reason": "x",
                                                                                         "version": 1})
    assert response.status_code == 404
    assert Case.objects.get(pk=world.son_case.pk).status != CaseStatus.CLOSED


def test_api_lists_and_records(world, alice, charlie, client_for):
    services.schedule_create(actor=actor(alice), case=world.son_case, starts_on=timezone.localdate() - timedelta(days=3),
                             occurrences=2)
    rows = client_for(alice).get("/api/followups/?overdue=true").json()
    assert len(rows) == 1 and rows[0]["case_id"] == world.son_case.pk
    assert client_for(charlie).get("/api/followups/").json() == []
    f = FollowUp.objects.order_by("due_on").first()
    response = client_for(alice).post(f"/api/followups/{f.pk}/record", {"status": "done", "note": "訪問した", "version": f.version},
                                      content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    stale = client_for(alice).post(f"/api/followups/{f.pk}/record", {"status": "done", "note": "再", "version": f.version},
                                   content_type="application/json")
    assert stale.status_code == 409


def test_the_followup_page_shows_the_newest_outreach_and_the_list_shows_every_one(world, alice, charlie, client_for,
                                                                                  monkeypatch):
    """An agency with more outreach than the follow-up page shows is told so and finds every entry on the list, page
    by page, newest noticed first: none is left out. Connected and ended ones only when asked. Another agency sees
    none of them, and every row shown is logged."""
    from tsunagu.audit.models import AccessLog
    from tsunagu.followups import views
    from tsunagu.followups.models import OutreachStatus

    monkeypatch.setattr(views, "OUTREACH_SHOWN", 3)
    monkeypatch.setattr(views, "OUTREACH_PAGE_SIZE", 2)
    a = actor(alice)
    made = [services.outreach_record(actor=a, target=f"旭町{n}丁目の男性", signs="新聞がたまっている", noticed_by="neighbour",
                                     noticed_on=timezone.localdate() - timedelta(days=n)) for n in range(5)]
    ended = services.outreach_record(actor=a, target="緑町の女性（転居）", signs="連絡が取れない", noticed_by="neighbour")
    Outreach.objects.filter(pk=ended.pk).update(status=OutreachStatus.CLOSED)
    client = client_for(alice)
    page = client.get("/followups/").content.decode()
    shown = page.split('aria-labelledby="outreach-title"', 1)[1].split("</table>", 1)[0]
    assert [o.target for o in made if o.target in shown] == ["旭町0丁目の男性", "旭町1丁目の男性", "旭町2丁目の男性"]
    assert "アウトリーチの対象（5件）" in page and "新しい順に 3 件を表示しています" in page
    assert 'href="/followups/outreach/"' in page

    def listed(query: str) -> list[str]:
        names = []
        for number in range(1, 10):
            body = client.get(f"/followups/outreach/?{query}page={number}").content.decode()
            table = body.split('aria-labelledby="outreach-title"', 1)[1].split("</table>", 1)[0]
            names += sorted((o for o in [*made, ended] if f">{o.target}<" in table), key=lambda o: table.index(o.target))
            if 'rel="next"' not in body:
                return [o.target for o in names]
        raise AssertionError("the list never ends")

    assert listed("") == [o.target for o in made]  # newest noticed first, every one, on 3 pages
    assert sorted(listed("closed=1&")) == sorted([o.target for o in made] + [ended.target])
    logged = set(AccessLog.objects.filter(staff=alice, path="/followups/outreach/").values_list("object_id", flat=True))
    assert logged == {str(o.pk) for o in [*made, ended]}
    other = client_for(charlie).get("/followups/outreach/?closed=1").content.decode()
    assert "アウトリーチの対象はありません。" in other and not any(o.target in other for o in made)
