"""支援状況調査 (reports.survey): a year of the 生活困窮 agency's fixture data — with rows the day before the 年度 starts
and the day after it ends, another agency's rows and a 取消 — matches the figures computed by hand, month by month
and for the year, in the form's order; the page and the Excel say the same; who may read it."""

import io
from datetime import date, datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.agencies.models import AgencyKind
from tsunagu.cases import services
from tsunagu.cases.models import Consultation, SupportPlan
from tsunagu.people.services import person_create
from tsunagu.reports.survey import items, support_status_survey

pytestmark = pytest.mark.django_db
YEAR = 2024  # 2024-04-01 .. 2025-03-31


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def poverty():
    agency = factories.agency("テスト自立相談支援機関", kind=AgencyKind.SELF_RELIANCE, fields=["poverty"])
    return agency, factories.staff(agency, login_id="poverty", name="貧困 対策")


def _consultation(actor, day, outcome="info_only", welfare=False):
    return services.consultation_record(actor=actor, route="visit_in", consulter="self", main_complaint="生活が苦しい",
                                        received_on=day, outcome=outcome, referred_to_welfare=welfare)


def _plan(actor, case, day, *, employment):
    plan = services.plan_create(actor=actor, case=case, goals="安定した生活", employment_support=employment)
    SupportPlan.objects.filter(pk=plan.pk).update(created_at=_at(day))
    plan.refresh_from_db()
    return plan


def _review(actor, plan, day, **found):
    return services.plan_review_record(actor=actor, plan=plan, reviewed_on=day, employed=found.get("employed", False),
                                       income_increased=found.get("income_increased", False),
                                       improved=found.get("improved", False))


@pytest.fixture
def year_of_data(poverty, alice):
    agency, staff = poverty
    a = actor_for(staff)
    _consultation(a, date(2024, 3, 31))  # the day before the 年度
    _consultation(a, date(2024, 4, 1))
    _consultation(a, date(2024, 4, 15), "referral", welfare=True)
    _consultation(a, date(2024, 5, 10), "referral")
    _consultation(a, date(2024, 5, 20), "info_only")
    _consultation(a, date(2025, 3, 31), "referral", welfare=True)
    _consultation(a, date(2025, 4, 1))  # the day after
    voided = _consultation(a, date(2024, 6, 2))
    Consultation.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    _consultation(actor_for(alice), date(2024, 6, 1))  # another agency's
    cases = {}
    for name in "ABCDE":
        person = person_create(actor=a, name=f"困窮 {name}", kana="こんきゅう")
        cases[name] = services.case_open(actor=a, person=person, title=f"{name}さんの生活")
    plan_a = _plan(a, cases["A"], date(2024, 4, 10), employment=True)
    _review(a, plan_a, date(2024, 6, 5), employed=True, improved=True)
    _review(a, plan_a, date(2025, 4, 5), employed=True)  # after the 年度
    plan_b = _plan(a, cases["B"], date(2024, 4, 20), employment=False)
    _review(a, plan_b, date(2024, 7, 1))
    plan_c = _plan(a, cases["C"], date(2024, 5, 15), employment=True)
    _review(a, plan_c, date(2024, 8, 1), income_increased=True)
    _plan(a, cases["C"], date(2024, 9, 1), employment=True)  # 再プラン: C is counted once
    plan_d = _plan(a, cases["D"], date(2024, 3, 20), employment=True)  # the year before
    _review(a, plan_d, date(2024, 4, 5), employed=True)
    _plan(a, cases["D"], date(2024, 6, 10), employment=True)
    _plan(a, cases["E"], date(2025, 4, 2), employment=True)  # the year after
    return agency


def test_the_survey_matches_the_hand_computed_year(year_of_data):
    survey = support_status_survey(YEAR, year_of_data)
    apr, may, jun, aug, mar = (date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1), date(2024, 8, 1),
                               date(2025, 3, 1))
    expected = {  # key: ({month: value}, year); a month not named is 0 (a rate: None)
        "new_consultations": ({apr: 2, may: 2, mar: 1}, 5),
        "plans": ({apr: 2, may: 1}, 3),
        "employment_support": ({apr: 1, may: 1, jun: 1}, 3),
        "employed": ({apr: 1, jun: 1}, 2),
        "income_increased": ({aug: 1}, 1),
        "referred": ({apr: 1, may: 1, mar: 1}, 3),
        "referred_to_welfare": ({apr: 1, mar: 1}, 2),
        "info_only": ({apr: 1, may: 1}, 2),
        "improved_rate": ({apr: 50.0, may: 0.0}, 33.3),  # A of A, B (April); not C (May)
        "employed_rate": ({apr: 100.0, may: 0.0, jun: 100.0}, 100.0),  # D, -, A of A, C, D; C's 増収 in August
    }
    assert [item.key for item in items()] == list(expected)
    for key, (months, year) in expected.items():
        empty = None if key.endswith("_rate") else 0
        assert [survey.value(key, m) for m in survey.month_starts] == [
            months.get(m, empty) for m in survey.month_starts], key
        assert survey.value(key) == year, key


def test_the_labels_are_the_forms_in_order(year_of_data):
    assert [i.label for i in items()] == [
        "新規相談受付件数", "プラン作成件数", "就労支援対象者数", "就労者数", "増収者数", "他制度・他機関へのつなぎ",
        "うち生活保護窓口へのつなぎ", "相談・情報提供のみで終了", "プラン作成者のうち自立に向けた改善が見られた者の割合",
        "就労・増収率（就労・増収者数 ÷ 就労支援対象者数）"]


def test_the_page_and_the_workbook_say_the_same(year_of_data, poverty, client_for):
    client = client_for(poverty[1])
    page = client.get("/reports/survey/", {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "支援状況調査" in html and "テスト自立相談支援機関" in html and "困窮 A" not in html  # no person named
    response = client.get("/reports/survey.xlsx", {"year": YEAR})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == [i.label for i in items()]
    assert rows[2][2:] == (2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5)  # 新規相談受付件数, April to March and the year
    assert rows[11][-1] == 100.0 and rows[10][-1] == 33.3


def test_who_reads_the_survey(year_of_data, alice, planner, client_for):
    assert client_for(alice).get("/reports/survey/").status_code == 404  # not a 生活困窮 agency
    response = client_for(planner).get("/reports/survey/", {"year": YEAR, "agency": year_of_data.pk})
    assert response.status_code == 200 and "テスト自立相談支援機関" in response.content.decode()
