"""J12: the yearly figures, per month and per agency, on the page and in Excel.

The seed's household (tests.sharing.world) with its work moved into 令和7年度 (2025-04 … 2026-03), plus rows on
either side of the year, so every figure has something to count and something it must leave out."""

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.resources.helpers import resource
from tests.sharing import world as w
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.cases import services as cases
from tsunagu.cases.models import Consultation, Referral, ReferralStatus, SupportPlan
from tsunagu.core import versions
from tsunagu.core.cells import WAREKI_MONTH
from tsunagu.core.models import SharedAnswer
from tsunagu.meetings.models import Meeting, MeetingKind, Sitting, SittingStatus
from tsunagu.participation.models import Placement
from tsunagu.reports.figures import _compute, forget_computed, yearly_figures
from tsunagu.resources.models import ActivityMonth, CommunityActivity, CommunityPlace
from tsunagu.sharing import policy

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
YEAR = 2025  # 令和7年度


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=JST)


def _consult(staff, on: date, *, household=None, archived: bool = False):
    membership = staff.memberships.get()
    return Consultation.objects.create(
        agency=membership.agency, staff=staff, received_on=on, route="phone", consulter="self",
        main_complaint="生活のこと", household=household, archived_at=_at(on) if archived else None)


@pytest.fixture
def year_of_work(world, alice, bob):  # noqa: F811
    own, partner = alice.memberships.get().agency, bob.memberships.get().agency
    world.household.multi_issue = True
    world.household.save()
    # consultations: two in April and one on the year's last day at the own agency, one in May at the partner;
    # the day before and the day after the year, and an archived one, are left out
    for on in (date(2025, 4, 10), date(2025, 4, 20), date(2026, 3, 31)):
        _consult(alice, on, household=world.household if on.month == 4 else None)
    _consult(bob, date(2025, 5, 15), household=world.household)
    _consult(alice, date(2025, 3, 31), household=world.household)
    _consult(alice, date(2026, 4, 1), household=world.household)
    _consult(alice, date(2025, 6, 1), archived=True)
    # plans: the world's first plan made in June, revised in September
    SupportPlan.objects.filter(pk=world.plan.pk).update(created_at=_at(date(2025, 6, 3)))
    revised = cases.plan_create(actor=w.actor(alice), case=world.case, goals="孫が安心して暮らせる（見直し）")
    SupportPlan.objects.filter(pk=revised.pk).update(created_at=_at(date(2025, 9, 3)))
    # meetings: the 支援会議 (own agency) held in July; a cancelled and a planned sitting do not count
    Sitting.objects.create(meeting=world.meeting, number=1, held_on=date(2025, 7, 1), status=SittingStatus.HELD)
    Sitting.objects.create(meeting=world.meeting, number=2, held_on=date(2025, 8, 1), status=SittingStatus.CANCELLED)
    Sitting.objects.create(meeting=world.meeting, number=3, held_on=date(2025, 9, 1), status=SittingStatus.PLANNED)
    layered = Meeting.objects.create(kind=MeetingKind.MULTI_AGENCY_MEETING, title="重層的支援会議", convened_by=partner)
    Sitting.objects.create(meeting=layered, held_on=date(2025, 10, 5), status=SittingStatus.HELD)
    # referrals from the own agency: sent 00:30 on 1 April in Japan (still 31 March in UTC), answered after 3 days;
    # one in June answered the next day; one in July not answered
    Referral.objects.filter(pk=world.referral.pk).update(
        sent_at=datetime(2025, 4, 1, 0, 30, tzinfo=JST), answered_at=_at(date(2025, 4, 4)), status=ReferralStatus.ACCEPTED)
    for sent, answered in ((date(2025, 6, 10), date(2025, 6, 11)), (date(2025, 7, 1), None)):
        r = cases.referral_send(actor=w.actor(alice), case=world.son_case, person=world.son, to_agency=partner,
                                reason="就労の相談", request="面談", due_on=date.today() + timedelta(days=7),
                                receiver_access=policy.agency_may_see(partner, world.son))
        Referral.objects.filter(pk=r.pk).update(sent_at=_at(sent), due_on=sent + timedelta(days=7),
                                                answered_at=_at(answered) if answered else None)
    # 参加支援: the son placed twice (May, July) by the own agency: one person in the year
    farm = resource("就労体験（農園）", fields=["employment"], kind="informal")
    for started in (date(2025, 5, 1), date(2025, 7, 1)):
        Placement.objects.create(case=world.son_case, person=world.son, service=farm, agency=own, created_by=alice,
                                 purpose="work_experience", started_on=started)
    # 地域づくり: a サロン run by the partner, in May (12 people, both agencies) and June (8, the own agency alone);
    # its March before the year is left out
    salon = CommunityActivity.objects.create(place=CommunityPlace.objects.create(
        service=resource("ふれあいサロン", kind="informal"), recorded_by=partner), name="ふれあいサロン", agency=partner)
    for month, participants, agencies in ((date(2025, 5, 1), 12, [own, partner]), (date(2025, 6, 1), 8, [own]),
                                          (date(2025, 3, 1), 5, [own])):
        recorded = ActivityMonth.objects.create(activity=salon, month=month, participants=participants,
                                                recorded_by=partner)
        recorded.agencies.set(agencies)
    return own, partner


def test_every_figure_per_month_and_agency(year_of_work):
    own, partner = year_of_work
    table = yearly_figures(YEAR)
    apr, may, jun, jul, sep, oct_ = (date(2025, m, 1) for m in (4, 5, 6, 7, 9, 10))
    mar = date(2026, 3, 1)

    assert [table.value("consultations", own.pk, m) for m in (apr, may, mar)] == [2, 0, 1]
    assert table.value("consultations", partner.pk, may) == 1
    assert table.value("consultations", own.pk) == 3 and table.value("consultations") == 4

    # the household came to both agencies: once for each, once for the municipality
    assert table.value("multi_issue_households", own.pk, apr) == 1
    assert table.value("multi_issue_households", partner.pk) == 1
    assert table.value("multi_issue_households") == 1

    assert table.value("plans", own.pk, jun) == 1 and table.value("plan_revisions", own.pk, sep) == 1
    assert table.value("plans") == 1 and table.value("plan_revisions") == 1

    assert table.value("support_meetings", own.pk, jul) == 1 and table.value("support_meetings") == 1
    assert table.value("multi_agency_meetings", partner.pk, oct_) == 1 and table.value("multi_agency_meetings", own.pk) == 0

    assert [table.value("referrals", own.pk, m) for m in (apr, jun, jul)] == [1, 1, 1]
    assert table.value("referrals") == 3
    assert table.value("answer_days", own.pk, apr) == 3 and table.value("answer_days", own.pk, jun) == 1
    assert table.value("answer_days", own.pk, jul) is None  # nothing answered
    assert table.value("answer_days", own.pk) == 2  # the median of 3 and 1

    assert table.value("participants", own.pk, may) == 1 and table.value("participants", own.pk, jul) == 1
    assert table.value("participants", own.pk) == 1 and table.value("participants") == 1

    # the farm's provider hosted both placements: one cooperating business
    assert table.value("cooperating_businesses", own.pk, may) == 1 and table.value("cooperating_businesses") == 1
    assert table.value("community_places", partner.pk, may) == 1 and table.value("community_places") == 1
    assert [table.value("community_participants", partner.pk, m) for m in (may, jun)] == [12, 8]
    assert table.value("community_participants") == 20 and table.value("community_participants", own.pk) == 0
    assert [table.value("community_agencies", None, m) for m in (may, jun)] == [2, 1]
    assert table.value("community_agencies") == 2

    assert {a.pk for a in table.agencies} == {own.pk, partner.pk}


def test_one_agency_alone_and_the_year_before(year_of_work):
    own, partner = year_of_work
    alone = yearly_figures(YEAR, agency_id=partner.pk)
    assert alone.value("consultations") == 1 and alone.value("referrals") == 0
    assert alone.value("multi_agency_meetings") == 1 and [a.pk for a in alone.agencies] == [partner.pk]
    before = yearly_figures(YEAR - 1)
    assert before.value("consultations") == 1 and before.value("referrals") == 0


def test_the_planner_sees_every_agency_and_exports_the_same_figures(year_of_work, coordinator, client_for):
    own, partner = year_of_work
    client = client_for(coordinator)
    page = client.get(f"/reports/?year={YEAR}")
    html = page.content.decode()
    assert page.status_code == 200 and "令和7年度" in html and own.name in html and partner.name in html

    book = load_workbook(io.BytesIO(client.get(f"/reports/figures.xlsx?year={YEAR}").content))
    assert book.sheetnames == ["月別", "機関別", "機関別・月別"]
    by_month = {row[0]: row[2:] for row in book["月別"].iter_rows(min_row=3, values_only=True) if row and row[1]}
    table = yearly_figures(YEAR)
    assert by_month["新規相談受付件数"] == (2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4)
    assert by_month["つなぎの回答日数（中央値）"][-1] == table.value("answer_days") == 2
    by_agency = {row[0]: row[1:] for row in book["機関別"].iter_rows(min_row=2, values_only=True)}
    assert by_agency[own.name][0] == 3 and by_agency[partner.name][0] == 1 and by_agency["計（全機関）"][0] == 4
    long = list(book["機関別・月別"].iter_rows(min_row=2, values_only=True))
    assert (YEAR, datetime(2025, 4, 1), own.name, "新規相談受付件数", 2) in long
    month = book["機関別・月別"]["B2"]  # a real date cell shown as 令和7年4月: it sorts, and a pivot groups it
    assert month.is_date and month.number_format == WAREKI_MONTH

    one = client.get(f"/reports/?year={YEAR}&agency={partner.pk}").content.decode()
    assert "（テスト障害者相談支援事業所）" in one and 'id="by-agency"' not in one


def test_a_worker_sees_her_own_agency_only(year_of_work, bob, client_for):
    own, partner = year_of_work
    client = client_for(bob)
    html = client.get(f"/reports/?year={YEAR}&agency={own.pk}").content.decode()
    assert f"（{partner.name}）" in html and 'id="by-agency"' not in html and own.name not in html
    book = load_workbook(io.BytesIO(client.get(f"/reports/figures.xlsx?year={YEAR}&agency={own.pk}").content))
    assert [row[0] for row in book["機関別"].iter_rows(min_row=2, values_only=True)] == [partner.name, "計"]


def test_a_year_out_of_range_is_explained(coordinator, client_for):
    html = client_for(coordinator).get("/reports/?year=1999").content.decode()
    assert "年度は 2019 から" in html and "今年度を表示しています" in html
    html = client_for(coordinator).get("/reports/?year=abc&agency=999999").content.decode()
    assert "年度は 2019 から" in html
    html = client_for(coordinator).get("/reports/?agency=999999").content.decode()
    assert "指定された機関が見つかりません" in html


def test_the_api_gives_the_pages_figures_with_the_pages_rules(year_of_work, coordinator, bob, client_for):
    own, partner = year_of_work
    answer = client_for(coordinator).get(f"/api/reports/figures?year={YEAR}").json()
    assert answer["label"] == "令和7年度" and answer["months"][0] == "2025-04" and answer["months"][-1] == "2026-03"
    consultations = next(f for f in answer["figures"] if f["key"] == "consultations")
    assert consultations["months"][:2] == [2, 1] and consultations["year"] == 4
    assert all(type(v) is int for v in [*consultations["months"], consultations["year"]])  # counts stay whole
    assert {a["name"]: a["year"]["consultations"] for a in answer["agencies"]} == {own.name: 3, partner.name: 1}
    assert next(a for a in answer["agencies"] if a["name"] == own.name)["year"]["answer_days"] == 2

    worker = client_for(bob)
    mine = worker.get(f"/api/reports/figures?year={YEAR}").json()
    assert mine["agency_id"] == partner.pk and mine["agencies"] == []
    assert worker.get(f"/api/reports/figures?year={YEAR}&agency_id={own.pk}").status_code == 404
    assert worker.get("/api/reports/figures?year=1999").status_code == 422
    assert "/api/reports/figures" in worker.get("/api/openapi.json").json()["paths"]


def test_figures_are_computed_once_per_state_of_the_data(year_of_work, alice, django_assert_max_num_queries):
    """A second reading asks only the figures' token; any counted write — here a new consultation, then a
    consultation taken back — is in the next reading."""
    own, _ = year_of_work
    before = yearly_figures(YEAR).value("consultations", own.pk)
    with django_assert_max_num_queries(1):
        assert yearly_figures(YEAR).value("consultations", own.pk) == before
    added = _consult(alice, date(2025, 8, 8))
    assert yearly_figures(YEAR).value("consultations", own.pk) == before + 1
    cases.consultation_void(actor=w.actor(alice), consultation=added, reason="誤って登録した")
    assert yearly_figures(YEAR).value("consultations", own.pk) == before


def test_the_page_shows_a_new_consultation_at_the_next_reading(year_of_work, alice, coordinator, client_for):
    """The page's tables are kept for the state of the data they count: a write is on the next page."""
    own, _ = year_of_work
    client = client_for(coordinator)

    def own_year() -> str:
        page = client.get(f"/reports/?year={YEAR}").content.decode()
        row = page[page.index(f"agency={own.pk}\">"):]
        return row[:row.index("</tr>")]

    before = own_year()
    assert client.get(f"/reports/?year={YEAR}").status_code == 200 and own_year() == before  # kept
    _consult(alice, date(2025, 8, 8))
    after = own_year()
    assert after != before and ">4</a>" in after and ">3</a>" in before


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_the_figures_one_process_computed_are_read_by_the_others(year_of_work, alice, world):  # noqa: F811
    """One process computes the year's figures and stores them as JSON — numbers under figure keys, agency ids and
    months, no name — and another reads them without counting a row; a counted write is in its next reading."""
    own, partner = year_of_work
    table = yearly_figures(YEAR)
    stored = SharedAnswer.objects.get(name=versions.FIGURES, key__startswith="table:")
    assert all(type(leaf) in (int, float) for leaf in _leaves(json.loads(stored.value)))
    names = [own.name, partner.name, world.son.name, world.son.kana, world.household.name]
    assert not [name for name in names if name in stored.value]

    forget_computed()  # another process: nothing of its own kept
    with CaptureQueriesContext(connection) as read:
        other = yearly_figures(YEAR)
    assert not [q for q in read.captured_queries if "cases_" in q["sql"] or "meetings_" in q["sql"]]
    assert other.as_json() == table.as_json() and other.agencies == table.agencies
    assert other.rows_by_month(today=date(2026, 4, 1)) == table.rows_by_month(today=date(2026, 4, 1))
    assert type(other.value("answer_days", own.pk, date(2025, 6, 1))) is type(table.value("answer_days", own.pk,
                                                                                           date(2025, 6, 1)))

    _consult(alice, date(2025, 8, 8))
    forget_computed()
    assert yearly_figures(YEAR).value("consultations", own.pk) == table.value("consultations", own.pk) + 1


def test_one_agencys_figures_are_read_from_every_agencys(year_of_work):
    """An agency alone is every agency's table counted by agency (`Table.alone`): the same cells, totals and
    medians as counting her rows alone, and no row counted again."""
    own, partner = year_of_work
    yearly_figures(YEAR)
    after_the_year = date(2026, 4, 1)
    for agency in (own, partner):
        with CaptureQueriesContext(connection) as read:
            alone = yearly_figures(YEAR, agency_id=agency.pk)
        assert not [q for q in read.captured_queries if "cases_" in q["sql"] or "meetings_" in q["sql"]]
        counted = _compute(YEAR, agency_id=agency.pk)
        for whose in (None, agency.pk):
            assert alone.rows_by_month(whose, today=after_the_year) == counted.rows_by_month(whose,
                                                                                            today=after_the_year)
        assert alone.agencies == counted.agencies == [agency]
