"""The 制度の狭間 list's rows are kept per process while nothing they are read from changes: a second reading asks
none of the aggregates again, and a write to any table the list reads shows at the next reading."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.agencies.actor import actor_for
from tsunagu.cases.models import Case, Referral, ReferralStatus
from tsunagu.followups import gaps
from tsunagu.followups.models import FollowUp, FollowUpStatus
from tsunagu.followups.queries import gap_sections
from tsunagu.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_case(own_agency, alice):
    person = Person.objects.create(agency=own_agency, name="狭間 花子", kana="はざま はなこ")
    return Case.objects.create(agency=own_agency, lead_agency=own_agency, person=person, title="生活の相談",
                               opened_on=date(2026, 4, 1), status="support", worker=alice)


def _totals(actor) -> dict[str, int]:
    return {section.kind: section.total for section in gap_sections(actor)}


def test_a_second_reading_runs_no_aggregate_and_a_write_shows_at_the_next(coordinator, open_case, alice):
    actor = actor_for(coordinator)
    before = _totals(actor)
    with CaptureQueriesContext(connection) as second:
        assert _totals(actor) == before
    assert not any("COUNT(" in q["sql"] or "MAX(" in q["sql"] for q in second.captured_queries)

    FollowUp.objects.create(case=open_case, agency=open_case.lead_agency, due_on=timezone.localdate() - timedelta(days=3),
                            status=FollowUpStatus.PLANNED)
    assert _totals(actor)["followups"] == before["followups"] + 1
    Referral.objects.create(case=open_case, from_agency=open_case.lead_agency, to_agency=open_case.lead_agency,
                            from_staff=alice, reason="r", request="q", status=ReferralStatus.REQUESTED,
                            due_on=timezone.localdate() - timedelta(days=1))
    assert _totals(actor)["unanswered"] == before["unanswered"] + 1


def test_rows_older_than_the_max_age_are_read_again(coordinator, open_case, monkeypatch):
    actor = actor_for(coordinator)
    _totals(actor)
    monkeypatch.setattr(gaps._shared, "max_age", 0.0)
    with CaptureQueriesContext(connection) as again:
        _totals(actor)
    assert any("COUNT(" in q["sql"] for q in again.captured_queries)


def test_the_dashboard_badge_is_kept_alike_and_follows_a_write(open_case):
    from tsunagu.followups.queries import gap_total

    before = gap_total()
    with CaptureQueriesContext(connection) as second:
        assert gap_total() == before
    assert not any("COUNT(" in q["sql"] for q in second.captured_queries)
    FollowUp.objects.create(case=open_case, agency=open_case.lead_agency, due_on=timezone.localdate() - timedelta(days=2),
                            status=FollowUpStatus.PLANNED)
    assert gap_total() == before + 1


def test_another_process_reads_the_rows_without_the_aggregates_and_names_stay_per_reader(coordinator, open_case, alice):
    """A worker process that has not computed the rows reads them from the database (core.versions.Shared): no
    aggregate, the same rows; the names shown and the access log are still its own reader's."""
    from tsunagu.audit.models import AccessLog

    FollowUp.objects.create(case=open_case, agency=open_case.lead_agency, due_on=timezone.localdate() - timedelta(days=3),
                            status=FollowUpStatus.PLANNED)

    def followup_row(actor):
        return next(s for s in gap_sections(actor) if s.kind == "followups").rows[0]

    assert followup_row(actor_for(alice)).subject == open_case.label, "her own agency's case: named"
    gaps.forget()  # another process: nothing kept in its memory
    with CaptureQueriesContext(connection) as other:
        row = followup_row(actor_for(coordinator))
    assert not any("COUNT(" in q["sql"] or "MAX(" in q["sql"] for q in other.captured_queries)
    assert any("core_sharedanswer" in q["sql"] for q in other.captured_queries)
    assert row.subject != open_case.label and "閲覧の根拠がない" in row.subject and not row.url
    logged = AccessLog.objects.filter(object_type="cases.case", object_id=str(open_case.pk))
    assert set(logged.values_list("staff_id", flat=True)) == {alice.pk}


def test_a_schedule_begun_in_the_past_is_on_the_list_at_once(coordinator, open_case, alice):
    """schedule_create writes its follow-ups in bulk (no signal): it changes the token itself."""
    from tsunagu.followups.services import schedule_create

    actor = actor_for(coordinator)
    before = _totals(actor)
    schedule_create(actor=actor_for(alice), case=open_case, starts_on=timezone.localdate() - timedelta(days=40),
                    occurrences=2)
    assert _totals(actor)["followups"] == before["followups"] + 1
