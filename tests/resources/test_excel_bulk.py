"""The resources Excel import writes the whole checked sheet at once (services.services_write_sheet): the same number
of statements for 100 rows as for 1,000 — and up to the sheet's limit of 20,000 — with every row's place, phone and
schedule written as the screen writes them, and nothing written when an entry changed while the sheet was read."""

import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from tsunagu.agencies.actor import actor_for
from tsunagu.resources import excel, queries, search_index
from tsunagu.resources.excel import COLUMNS
from tsunagu.resources.hsds.tabular import HsdsImportError
from tsunagu.resources.models import Address, Location, Organization, Phone, Schedule, Service
from tsunagu.resources.queries import Filters

from .helpers import resource

pytestmark = pytest.mark.django_db
LABELS = dict(COLUMNS)


def sheet(rows: list[dict]) -> bytes:
    book = Workbook(write_only=True)
    page = book.create_sheet("社会資源")
    page.append([label for _, label in COLUMNS])
    for row in rows:
        page.append([row.get(name, "") for name, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def entries(count: int, start: int = 0) -> list[dict]:
    return [{"name": f"架空の通いの場{n}", "organization_name": f"架空法人{start}-{n % 7}", "kind": "地域・インフォーマル",
             "visibility": "公開", "fields": "地域福祉", "place_name": f"架空会館{n}", "address": f"架空町{n}-1",
             "phone": f"0123-45-{n % 10000:04d}", "days": "月、木", "opens_at": "10:00", "closes_at": "12:00"}
            for n in range(start, start + count)]


def statements(alice, rows: list[dict]) -> tuple[int, int]:
    """(statements of the import, transactions of the search index's refresh that follows it on SQLite — by design
    one for every search_index.CHUNK services, so that none holds the write lock long)."""
    actor, data = actor_for(alice), sheet(rows)
    with CaptureQueriesContext(connection) as captured:
        assert excel.import_workbook(data, actor=actor) == (len(rows), 0)
    sql = [q["sql"] for q in captured.captured_queries]
    refresh = next((i for i, s in enumerate(sql) if s.startswith(f"SELECT count(*) FROM {search_index.PENDING}")),  # noqa: S608
                   len(sql))
    chunks = sum(1 for s in sql[refresh:] if s.startswith("DELETE FROM resources_service_fts "))
    return refresh, chunks


def test_a_sheet_is_written_in_as_many_statements_for_1000_rows_as_for_100(alice):
    small = statements(alice, entries(100))
    large = statements(alice, entries(1000, start=100))
    assert large[0] == small[0]
    if connection.vendor == "sqlite":
        assert (small[1], large[1]) == (1, 2)  # the search index: 500 services per short transaction
    assert Service.objects.count() == 1100 and Phone.objects.count() == 1100 and Schedule.objects.count() == 1100
    assert Organization.objects.count() == 14  # a provider named again is the same row
    entry = Service.objects.get(name="架空の通いの場512")
    assert entry.maintainer == actor_for(alice).agency and entry.organization.name == "架空法人100-1"
    assert entry.service_at_locations.get().location.name == "架空会館512"
    assert Address.objects.get(location__name="架空会館512").address_1 == "架空町512-1"
    assert entry.schedules.get().byday == "MO,TH"
    names = {s.name for s in queries.filtered(queries.active_services(), Filters(query="架空会館512"))}
    assert names == {"架空の通いの場512"}  # found by its place, as an entry saved on the screen is


def test_twenty_thousand_rows_import_in_the_same_bounded_statements(alice):
    small = statements(alice, entries(100))
    started = time.perf_counter()
    large = statements(alice, entries(19_999, start=100))  # with its heading, the sheet's 20,000 rows
    print(f"19,999 行: {time.perf_counter() - started:.1f} 秒")  # noqa: T201 — a figure for the report, not asserted
    assert large[0] == small[0]
    assert Service.objects.count() == 20_099


def test_updated_rows_rewrite_the_place_phone_and_schedule_as_the_screen_does(alice, own_agency):
    salon = resource("歌声サロン", maintainer=own_agency, place_name="旭会館", address="旭町1-1", phone="0123-00-0001",
                     days=["TU"])
    data = excel.export_workbook(Service.objects.all())
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    page = book.active
    columns = {cell.value: cell.column for cell in page[1]}
    for label, value in {"名称": "歌声サロン（新）", "場所の名前": "緑会館", "電話番号": None, "曜日": "金", "所在地": "緑町2-2"}.items():
        page.cell(row=2, column=columns[label]).value = value
    out = io.BytesIO()
    book.save(out)
    assert excel.import_workbook(out.getvalue(), actor=actor_for(alice)) == (0, 1)
    salon.refresh_from_db()
    assert (salon.name, salon.version) == ("歌声サロン（新）", 2)
    assert Location.objects.get().name == "緑会館" and Address.objects.get().address_1 == "緑町2-2"
    assert not Phone.objects.exists()
    assert Schedule.objects.get().byday == "FR"
    assert {s.name for s in queries.filtered(queries.active_services(), Filters(query="緑町"))} == {"歌声サロン（新）"}


def test_an_entry_saved_while_the_sheet_was_read_writes_nothing(alice, own_agency, monkeypatch):
    salon = resource("歌声サロン", maintainer=own_agency)
    data = excel.export_workbook(Service.objects.all())
    rows = entries(3)
    from tsunagu.resources import services

    real = services.services_write_sheet

    def saved_meanwhile(**kwargs):
        Service.objects.filter(pk=salon.pk).update(version=salon.version + 1)  # someone else's save
        return real(**kwargs)

    monkeypatch.setattr(services, "services_write_sheet", saved_meanwhile)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for row in rows:
        book.active.append([row.get(name, "") for name, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(out.getvalue(), actor=actor_for(alice))
    assert caught.value.errors == ["2行目: 「歌声サロン」は読み込みの間に更新されました。もう一度書き出してから直してください"]
    assert Service.objects.count() == 1 and Service.objects.get().name == "歌声サロン"
