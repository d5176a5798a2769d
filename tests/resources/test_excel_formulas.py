"""The resources workbook writes formula-like texts as string cells and reads them back unchanged; the HSDS data
package, a machine interchange format, keeps every value exactly as it is (see tsunagu.core.cells)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tsunagu.agencies.actor import actor_for
from tsunagu.resources import excel
from tsunagu.resources.hsds.tabular import export_tabular
from tsunagu.resources.models import Service

from .helpers import resource

pytestmark = pytest.mark.django_db

HOSTILE = {"name": '=HYPERLINK("http://example.invalid","x")', "organization_name": "@SUM(A1)",
           "description": "+1+1", "district": "-1+1", "keywords": "=1+1", "phone": "+81-123-45-6789",
           "address": "-", "fees_description": "#N/A"}


def _entry(agency) -> Service:
    return resource(HOSTILE["name"], maintainer=agency, place_name="集会所",
                    **{k: v for k, v in HOSTILE.items() if k != "name"})


def _fields(service: Service) -> dict:
    service = Service.objects.get(pk=service.pk)
    address = service.service_at_locations.get().location.addresses.get()
    return {"name": service.name, "organization_name": service.provider_name, "description": service.description,
            "district": service.district, "keywords": service.keywords, "phone": service.phones.get().number,
            "address": address.address_1, "fees_description": service.fees_description}


def test_a_workbook_the_app_wrote_imports_back_unchanged(alice, own_agency):
    entry = _entry(own_agency)
    assert _fields(entry) == HOSTILE
    data = excel.export_workbook(Service.objects.all())
    sheet = load_workbook(io.BytesIO(data)).active
    written = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value}
    assert {written[v] for v in HOSTILE.values()} == {"s"}
    Service.objects.filter(pk=entry.pk).update(name="変更前", description="")
    created, updated = excel.import_workbook(data, actor=actor_for(alice))
    assert (created, updated) == (0, 1)
    assert _fields(entry) == HOSTILE


def test_the_hsds_package_keeps_values_exactly(tmp_path, own_agency):
    """Out of the cell helper's scope on purpose: other directories' software reads these files by the standard,
    and an apostrophe would be part of the value for them. "+81…" must stay a phone number."""
    _entry(own_agency)
    export_tabular(tmp_path, public_only=True)

    def column(table, name):
        with (tmp_path / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            return [row[name] for row in csv.DictReader(handle)]

    assert column("services", "name") == [HOSTILE["name"]]
    assert column("services", "description") == [HOSTILE["description"]]
    assert column("phones", "number") == [HOSTILE["phone"]]
