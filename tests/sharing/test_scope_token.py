"""The `sharing` token is renewed by the writes that change what a Scope keeps, and only by those.

Every process keeps its agencies' Scopes while the token is unchanged (`policy._scope`), so a write that changes a
Scope's lists without renewing it would leave an agency seeing what it no longer may (or not seeing what it now
may) until the next renewal; a write that renews it for nothing makes every process build every Scope again. A
case's save renews it only when it may change a column the Scopes read of cases (`policy.CASE_COLUMNS_READ`):
the SQL that builds a Scope is held to that list below, so a new rule that reads another column fails here.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.sharing.world import actor
from tsunagu.cases import services as cases
from tsunagu.cases.models import Case, CaseStatus
from tsunagu.core import versions
from tsunagu.meetings.models import MeetingKind
from tsunagu.people.models import Household, Person
from tsunagu.sharing import policy

COLUMN = re.compile(r'"cases_case"\."(\w+)"')


def token() -> str | None:
    return versions.current(versions.SHARING)


def test_editing_a_case_through_its_form_keeps_every_scope(world, alice, client_for):
    case = world.son_case
    before = token()
    response = client_for(alice).post(f"/cases/{case.pk}/edit/", {
        "name": "健一さん", "title": "健一さんの就労と生活（見直し）", "summary": "面談を重ねる", "status": CaseStatus.SUPPORT,
        "version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "健一さんの就労と生活（見直し）" and case.status == CaseStatus.SUPPORT
    assert token() == before


def test_a_new_case_and_a_transfer_renew_the_token(world, alice, bob):
    before = token()
    case = cases.case_open(actor=actor(alice), person=world.father, title="清さんの見守り")
    opened = token()
    assert opened != before
    access = policy.agency_may_see(bob.memberships.get().agency, world.son)
    cases.case_transfer(actor=actor(alice), case=world.son_case, to_agency=bob.memberships.get().agency, reason="就労支援が中心に",
                        expected_version=world.son_case.version, receiver_access=access)
    assert token() not in (before, opened)
    assert case.pk


def test_a_save_of_a_column_the_scopes_read_renews_the_token_and_any_other_does_not(world):
    case = world.son_case
    before = token()
    case.summary = "要約だけを直す"
    case.save(update_fields=["summary"])
    assert token() == before
    case.save(update_fields=["household"])
    assert token() != before
    before = token()
    case.save()  # which columns changed is unknown: renewed
    assert token() != before


def test_a_scope_reads_no_column_of_a_case_beyond_those_listed(world, alice, bob, meeting_members, charlie):
    """Every list of every Scope built while the SQL is captured: the columns of cases_case the queries name."""
    read = set()
    for staff in (alice, bob, *meeting_members, charlie):
        scope = policy.Scope(staff.memberships.get().agency_id, timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            lists = [scope.own_persons_elsewhere, scope.led_households_elsewhere, scope.vital_cases,
                     scope.holders(Person), scope.holders(Household)]
            for kind in MeetingKind.values:
                lists += [scope.meeting_cases(kind), scope.meeting_households(kind), scope.meeting_person_ids(kind)]
        read |= {column for query in queries.captured_queries for column in COLUMN.findall(query["sql"])}
    assert "lead_agency_id" in read  # the capture saw the Scopes' reads of cases
    assert read <= {"id"} | policy.CASE_COLUMNS_READ, read - policy.CASE_COLUMNS_READ
    assert lists and Case.objects.exists()
