"""事業目標・評価指標: the planner's yearly targets against the 集計, month by month, on the page and in Excel.

The year of work of test_figures (令和7年度, over by now), with values worked out by hand below."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tests.sharing import world as w
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.core.locking import EditConflict
from tsunagu.reports import services, targets
from tsunagu.reports.figures import yearly_figures
from tsunagu.reports.models import Target

from .test_figures import YEAR, year_of_work  # noqa: F401

pytestmark = pytest.mark.django_db


def _set(planner, title, figure, value, guideline=""):
    return services.target_save(actor=w.actor(planner), fiscal_year=YEAR, title=title, figure=figure, value=value,
                                guideline=guideline)


def test_targets_match_the_hand_computed_year(year_of_work, planner):  # noqa: F811
    consult = _set(planner, "包括的相談支援事業における相談受付件数", "consultations", "12", guideline="consultations")
    placed = _set(planner, "参加支援事業の支援対象者数", "participants", "２")  # typed in full width
    answer = _set(planner, "つなぎの回答を3日以内に", "answer_days", 3)
    found = {p.target.pk: p for p in targets.progress(yearly_figures(YEAR), [consult, placed, answer])}

    c = found[consult.pk]
    # April 2, May 0, … March 1: the year so far, month by month; the target spread over twelve months
    assert [m.actual for m in c.months] == [2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4]
    assert [m.planned for m in c.months] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]
    assert c.actual == 4 and c.rate == 33.3 and c.met is False

    p = found[placed.pk]  # the son, placed in May and again in July: one person, first counted in May
    assert [m.actual for m in p.months][:4] == [0, 1, 1, 1] and p.months[-1].actual == 1
    assert p.target.value == Decimal(2) and p.rate == 50.0

    a = found[answer.pk]  # a ceiling: 3 days in April, 1 in June, nothing answered in other months
    assert [m.actual for m in a.months][:4] == [3, None, 1, None] and {m.planned for m in a.months} == {3.0}
    assert a.actual == 2 and a.rate is None and a.met is True


@pytest.mark.parametrize(("field", "data", "message"), [
    ("value", {"value": "たくさん"}, "目標値は数で入力してください"),
    ("value", {"value": "-3"}, "目標値は 0 以上の数で入力してください"),
    ("fiscal_year", {"fiscal_year": "1999"}, "年度は 2019 から"),
    ("fiscal_year", {"fiscal_year": "来年"}, "年度は 2019 から"),
])
def test_bad_input_names_the_field_and_writes_nothing(planner, client_for, field, data, message):
    form = {"fiscal_year": str(YEAR), "title": "相談受付件数", "figure": "consultations", "value": "120", **data}
    response = client_for(planner).post("/reports/targets/new/", form)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and not Target.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.target_save(actor=w.actor(planner), title=form["title"], figure=form["figure"],
                             fiscal_year=form["fiscal_year"], value=form["value"])
    assert field in refused.value.message_dict


def test_only_the_planner_sets_targets(alice, planner, client_for):
    assert client_for(alice).get("/reports/targets/").status_code == 404
    assert client_for(alice).post("/reports/targets/new/", {"fiscal_year": YEAR}).status_code == 404
    with pytest.raises(ValidationError):
        services.target_save(actor=w.actor(alice), fiscal_year=YEAR, title="x", figure="consultations", value=1)
    page = client_for(planner).get(f"/reports/targets/?year={YEAR}").content.decode()
    assert "包括的相談支援事業における相談受付件数" in page and "参加支援事業の支援対象者数" in page


def test_the_planner_sets_an_example_and_her_own(planner, client_for):
    client = client_for(planner)
    form = client.get(f"/reports/targets/new/?year={YEAR}&guideline=consultations").content.decode()
    assert 'value="包括的相談支援事業における相談受付件数"' in form
    answer = client.post("/reports/targets/new/", {"fiscal_year": YEAR, "title": "包括的相談支援事業における相談受付件数",
                                                   "figure": "consultations", "value": "1,200", "guideline": "consultations"})
    assert answer.status_code == 302 and answer["Location"] == f"/reports/targets/?year={YEAR}"
    client.post("/reports/targets/new/", {"fiscal_year": YEAR, "title": "未回答のつなぎを10件以下に",
                                          "figure": "unanswered_referrals", "value": "10"})
    assert {(t.title, t.value, t.guideline) for t in Target.objects.all()} == {
        ("包括的相談支援事業における相談受付件数", Decimal(1200), "consultations"),
        ("未回答のつなぎを10件以下に", Decimal(10), "")}
    again = client.post("/reports/targets/new/", {"fiscal_year": YEAR, "title": "未回答のつなぎを10件以下に",
                                                  "figure": "unanswered_referrals", "value": "5"})
    assert "すでにあります" in again.content.decode() and Target.objects.count() == 2


def test_concurrent_edits_never_silently_overwrite(planner, coordinator, client_for):
    target = _set(planner, "相談受付件数", "consultations", 100)
    mine, theirs = client_for(planner), client_for(coordinator)
    base = {"fiscal_year": YEAR, "title": "相談受付件数", "figure": "consultations", "version": target.version}
    assert theirs.post(f"/reports/targets/{target.pk}/", {**base, "value": "150"}).status_code == 302
    late = mine.post(f"/reports/targets/{target.pk}/", {**base, "value": "120"})
    html = late.content.decode()
    assert late.status_code == 200 and "他の人が先に保存しました" in html and "150" in html
    target.refresh_from_db()
    assert target.value == Decimal(150) and target.version == 2
    with pytest.raises(EditConflict):
        services.target_save(actor=w.actor(planner), target=target, expected_version=1, fiscal_year=YEAR,
                             title="相談受付件数", figure="consultations", value=1)


def test_the_figures_page_and_workbook_show_actual_against_target(year_of_work, coordinator, client_for):  # noqa: F811
    target = _set(coordinator, "包括的相談支援事業における相談受付件数", "consultations", 12, guideline="consultations")
    client = client_for(coordinator)
    html = client.get(f"/reports/?year={YEAR}").content.decode()
    assert 'id="targets-summary"' in html and "33.3%" in html and f'id="target-{target.pk}"' in html
    assert "<svg" in html and "target-chart__bar" in html and "style=" not in html.split('id="targets"')[1]
    book = load_workbook(io.BytesIO(client.get(f"/reports/figures.xlsx?year={YEAR}").content))
    assert book.sheetnames == ["月別", "事業目標", "機関別", "機関別・月別"]
    rows = list(book["事業目標"].iter_rows(min_row=3, values_only=True))
    assert rows[0][:5] == ("包括的相談支援事業における相談受付件数", "新規相談受付件数", 12, "件", "実績（累計）")
    assert rows[0][5:] == (2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 33.3)
    assert rows[1][4:17] == ("目標（按分）", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    # one agency alone: the targets are the municipality's, so they are not read against it
    own, _ = year_of_work
    assert 'id="targets"' not in client.get(f"/reports/?year={YEAR}&agency={own.pk}").content.decode()
