"""Figure definitions by 年度 and published figures: a changed definition does not rewrite past years; a year whose
figures were published keeps them, and later corrections (a consultation taken back) show as corrections."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.sharing import world as w
from tests.sharing.conftest import meeting_members, world  # noqa: F401
from tsunagu.cases import services as cases
from tsunagu.cases.models import Consultation
from tsunagu.reports import figures, services
from tsunagu.reports.figures import Figure, figures_of, yearly_figures
from tsunagu.reports.models import Publication

from .test_figures import YEAR, year_of_work  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_changed_definition_counts_from_the_year_it_took_effect(year_of_work, monkeypatch):  # noqa: F811
    old = figures.BY_KEY["consultations"]
    # a made-up change for the test: from 令和8年度, 新規相談受付件数 counts what the plans count
    changed = Figure("consultations", "新規相談受付件数（新定義）", "件", rows="plan", since=YEAR + 1, source="plans")
    monkeypatch.setattr(figures, "FIGURES", [changed if f.key == "consultations" else f for f in figures.FIGURES])
    monkeypatch.setattr(figures, "EARLIER", [old])
    assert next(f for f in figures_of(YEAR) if f.key == "consultations") is old
    assert next(f for f in figures_of(YEAR + 1) if f.key == "consultations") is changed
    assert yearly_figures(YEAR).value("consultations") == 4  # the year before the change, as it was counted
    assert yearly_figures(YEAR).value("plans") == 1
    # a figure first defined later is not a figure of the years before it
    assert "consultations" not in {f.key for f in figures_of(2018)}


def test_a_published_year_keeps_its_figures_and_shows_corrections(year_of_work, coordinator, alice, client_for):  # noqa: F811
    own, _ = year_of_work
    client = client_for(coordinator)
    assert "この年度の集計を公表値として確定" in client.get(f"/reports/?year={YEAR}").content.decode()
    assert client.post("/reports/publish/", {"year": YEAR, "note": "議会報告"}).status_code == 302
    publication = Publication.objects.get()
    assert publication.snapshot["definitions"]["consultations"] == 2019 and publication.note == "議会報告"

    mistaken = Consultation.objects.get(agency=own, received_on=date(2025, 4, 20))
    cases.consultation_void(actor=w.actor(alice), consultation=mistaken, reason="別の世帯の相談を誤って登録")
    assert yearly_figures(YEAR).value("consultations") == 3  # the live figures follow the records

    html = client.get(f"/reports/?year={YEAR}").content.decode()
    assert 'id="published-note"' in html and 'id="corrections"' in html
    page = client.get(f"/reports/?year={YEAR}")
    by_month = {row["figure"].key: row for row in page.context["by_month"]()}
    assert by_month["consultations"]["year"] == 4 and by_month["consultations"]["months"][0] == 2  # as published
    found = {(c.figure.key, c.agency.pk if c.agency else None, c.month): (c.published, c.current, c.difference)
             for c in page.context["corrections"]}
    assert found == {
        ("consultations", None, None): (4, 3, -1), ("consultations", None, date(2025, 4, 1)): (2, 1, -1),
        ("consultations", own.pk, None): (3, 2, -1), ("consultations", own.pk, date(2025, 4, 1)): (2, 1, -1)}

    book = load_workbook(io.BytesIO(client.get(f"/reports/figures.xlsx?year={YEAR}").content))
    assert "公表後の訂正" in book.sheetnames
    assert [r for r in book["公表後の訂正"].iter_rows(min_row=2, values_only=True)][0][3:] == (4, 3, -1)
    answer = client.get(f"/api/reports/figures?year={YEAR}").json()
    assert answer["published_at"] is not None and answer["corrections"] == 4
    assert next(f for f in answer["figures"] if f["key"] == "consultations")["year"] == 4

    # the row list counts the records as they are now, and says what was published
    rows = client_for(alice).get(f"/reports/rows/consultations/?year={YEAR}").content.decode()
    assert 'id="rows-published"' in rows and "公表値は 3件" in rows and "公表後の訂正があります" in rows


def test_only_a_finished_year_is_published_by_the_planner(alice, coordinator, client_for):
    with pytest.raises(Exception, match="終わった年度"):
        services.publication_create(actor=w.actor(coordinator), fiscal_year=2026)
    assert client_for(alice).post("/reports/publish/", {"year": YEAR}).status_code == 404
    assert not Publication.objects.exists()


def _blocks(sheet) -> dict:
    """Each figure's block of the 公表用 sheet: {label: [row, …]} with the agencies' rows and the total row."""
    blocks, current = {}, None
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[0] and row[1] is None and row[0].endswith("）"):
            current = blocks.setdefault(row[0], [])
        elif current is not None and row[0] and row[0] != "機関":
            current.append(row)
    return blocks


def test_the_public_workbook_hides_small_cells_and_what_gives_them_away(year_of_work, coordinator, client_for):  # noqa: F811
    from tests.reports.test_suppression import determined
    from tsunagu.reports.suppression import TOTAL, Grid

    client = client_for(coordinator)
    bad = client.post(f"/reports/public/?year={YEAR}", {"symbol": "1", "version": 1})
    assert "秘匿の記号は、数字を含まない" in bad.content.decode()
    assert client.post(f"/reports/public/?year={YEAR}", {"symbol": "x", "version": 1}).status_code == 302
    page = client.get(f"/reports/public/?year={YEAR}").content.decode()
    assert "公表値として確定していないため" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/public.xlsx?year={YEAR}").content))
    blocks = _blocks(book["公表用"])
    assert "つなぎの回答日数（中央値）（日）" not in blocks and "新規相談受付件数（件）" in blocks
    for label, rows in blocks.items():
        printed = [[v for v in row[1:]] for row in rows]
        assert all(not (isinstance(v, int) and 1 <= v <= 4) for line in printed for v in line), label
        # the printed block, read back as a grid: the hidden cells must not follow from what is printed
        hidden = {(r if r < len(printed) - 1 else TOTAL, c if c < 12 else TOTAL)
                  for r, line in enumerate(printed) for c, v in enumerate(line) if v == "x"}
        cells = [[0 if v == "x" else v for v in line[:12]] for line in printed[:-1]]
        assert determined(Grid.of(cells), hidden) == set(), label
    consultations = blocks["新規相談受付件数（件）"]
    assert consultations[0][1] == "x" and consultations[-1][0] == "全機関"  # April's 2 at the own agency


def test_only_the_planner_opens_the_public_workbook(alice, client_for):
    assert client_for(alice).get("/reports/public/").status_code == 404
    assert client_for(alice).get("/reports/public.xlsx").status_code == 404
