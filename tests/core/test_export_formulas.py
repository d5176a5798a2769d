"""CSV / formula injection: a value that reaches an export from a form, an API or the access log is written as
text in every CSV and Excel file the app hands out (tsunagu.core.cells), never as a formula.

The HSDS data package and `tsunagu link`'s output are machine interchange files and keep their values exactly
(see tsunagu.core.cells); tests/resources/test_excel_formulas.py holds the HSDS side to that."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.resources.helpers import resource
from tests.workspace.conftest import job_roles, seed_sheet  # noqa: F401
from tsunagu.agencies.actor import actor_for
from tsunagu.audit.models import AccessAction, SharingBasis
from tsunagu.audit.services import access_log_record
from tsunagu.cases.models import Consultation
from tsunagu.workspace import services as workspace
from tsunagu.workspace.excel import read_inventory_sheet
from tsunagu.workspace.models import TaskInventory, Workshop

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-1+1", "@SUM(A1)"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_csv_keeps_it_text(body: str, value: str) -> None:
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + value in cells, "the value is not in the file, as text"
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], "a cell would run as a formula"


def assert_xlsx_keeps_it_text(data: bytes, value: str) -> None:
    book = load_workbook(io.BytesIO(data))
    every = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    found = [cell for cell in every if cell.value == value]
    assert found, "the value is not in the workbook unchanged"
    assert {cell.data_type for cell in found} == {"s"}
    assert not [cell.coordinate for cell in every if cell.data_type == "f"], "a cell is a formula"


@pytest.mark.parametrize("value", HOSTILE)
def test_workshop_answer_from_the_public_link_in_the_summary_csv(client, client_for, planner, own_agency, value):  # noqa: F811
    templates = {t.builtin_key: t for t in workspace.worksheet_templates_ensure_builtins()}
    workshop = Workshop.objects.create(fiscal_year=2026, series_no=1, title="研修", held_on=date(2026, 8, 21))
    workshop.templates.set([templates["case_sheet"]])
    sheet = templates["case_sheet"]
    answered = client.post(f"/workspace/r/{workshop.response_token}/{sheet.pk}/", {"success_factor": value})
    assert "回答ありがとうございました" in answered.content.decode()
    body = client_for(planner).get(f"/workspace/workshops/{workshop.pk}/summary.csv").content.decode("utf-8-sig")
    assert_csv_keeps_it_text(body, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_resource_name_in_the_resources_workbook(client_for, alice, own_agency, value):
    created = client_for(alice).post("/resources/new/", {"name": value, "organization_name": value, "kind": "formal",
                                                         "visibility": "public", "keywords": value})
    assert created.status_code == 302
    resource("ふつうの資源", maintainer=own_agency, description=value, phone="+81-123-45-6789")
    assert_xlsx_keeps_it_text(client_for(alice).get("/resources/export.xlsx").content, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_case_title_in_the_case_export(client_for, alice, value):
    response = client_for(alice).post("/api/cases/consultations", {
        "route": "phone", "consulter": "self", "main_complaint": value, "name": "高橋 ヨシ", "outcome": "continue"},
        content_type="application/json")
    assert response.status_code == 201
    assert Consultation.objects.get().case.title == value
    assert_xlsx_keeps_it_text(client_for(alice).get("/cases/export.xlsx").content, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_access_log_in_its_csv(client_for, admin_staff, own_agency, value):
    reader = factories.staff(own_agency, name=value)
    access_log_record(actor=actor_for(reader), reads=[(own_agency, SharingBasis.CONSENT, value)],
                      action=AccessAction.VIEW, path="/people/1/")
    response = client_for(admin_staff).get("/audit/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert_csv_keeps_it_text(body, value)
    row = list(csv.reader(io.StringIO(body)))[1]
    assert (row[1], row[8]) == ("'" + value, "'" + value)  # the reader's name and the basis detail


@pytest.mark.parametrize("value", HOSTILE)
def test_task_of_the_inventory_in_its_workbook(client_for, own_manager, own_agency, job_roles, value):  # noqa: F811
    def hostile(ws):
        for coordinate in ("B7", "D8"):  # a category and a task, typed as text as Excel would keep them
            ws[coordinate].value = value
            ws[coordinate].data_type = "s"

    client = client_for(own_manager)
    client.post("/workspace/inventories/upload/", {
        "agency": own_agency.pk, "fiscal_year": 2026, "sheet": SimpleUploadedFile("s.xlsx", seed_sheet(extra=hostile))})
    inventory = TaskInventory.objects.get(agency=own_agency, fiscal_year=2026)
    exported = client.get(f"/workspace/inventories/{inventory.pk}/export.xlsx").content
    assert_xlsx_keeps_it_text(exported, value)
    again = read_inventory_sheet(exported)  # the app reads its own workbook back: the same text
    assert (again.rows[0].category, again.rows[1].task) == (value, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_agency_name_in_the_figures_workbook(client_for, coordinator, value):
    agency = factories.agency(value)
    worker = factories.staff(agency)
    Consultation.objects.create(agency=agency, staff=worker, received_on=timezone.localdate(), route="phone",
                                consulter="self", main_complaint="生活のこと")
    assert_xlsx_keeps_it_text(client_for(coordinator).get("/reports/figures.xlsx").content, value)
