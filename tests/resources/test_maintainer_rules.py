"""An entry is edited, verified, given a vacancy or ended only by its maintaining agency (or the coordinator), on
the screens, in the services and through the Excel import; an edit always states the version it started from."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tests import factories
from tsunagu.agencies.actor import actor_for
from tsunagu.resources import excel, services
from tsunagu.resources.hsds.tabular import HsdsImportError
from tsunagu.resources.models import Service

from .helpers import resource

pytestmark = pytest.mark.django_db

EDIT = {"name": "歌声サロン（木曜に変更）", "kind": "informal", "visibility": "public"}


@pytest.fixture
def salon(own_agency):
    return resource("歌声サロン", maintainer=own_agency, capacity=20, vacancy=5)


def _unchanged(salon) -> bool:
    now = Service.objects.get(pk=salon.pk)
    return (now.name, now.version, now.vacancy, now.status, now.verified_on) == (
        salon.name, salon.version, salon.vacancy, salon.status, salon.verified_on)


# ---- the version ----

def test_an_edit_without_the_version_is_refused_in_japanese(client_for, alice, salon):
    response = client_for(alice).post(f"/resources/{salon.pk}/edit/", EDIT)
    assert response.status_code == 200
    assert "版の情報がないため保存できません" in response.content.decode()
    assert _unchanged(salon)


def test_an_edit_with_the_version_is_saved(client_for, alice, salon):
    response = client_for(alice).post(f"/resources/{salon.pk}/edit/", EDIT | {"version": salon.version})
    assert response.status_code == 302
    assert Service.objects.get(pk=salon.pk).name == EDIT["name"]


def test_the_service_refuses_an_update_without_a_version(alice, salon):
    with pytest.raises(ValidationError) as caught:
        services.service_update(actor=actor_for(alice), service=salon, data=EDIT, expected_version=None)
    assert "版" in caught.value.messages[0]
    assert _unchanged(salon)


# ---- who maintains ----

def test_another_agency_gets_403_on_every_change_and_nothing_changes(client_for, bob, salon):
    client = client_for(bob)
    assert client.get(f"/resources/{salon.pk}/").status_code == 200  # reading the directory is for everyone
    assert client.get(f"/resources/{salon.pk}/edit/").status_code == 403
    assert client.post(f"/resources/{salon.pk}/edit/", EDIT | {"version": salon.version}).status_code == 403
    assert client.post(f"/resources/{salon.pk}/verify/").status_code == 403
    assert client.post(f"/resources/{salon.pk}/vacancy/", {"vacancy": "0"}).status_code == 403
    assert client.post(f"/resources/{salon.pk}/archive/").status_code == 403
    assert _unchanged(salon)


def test_the_detail_page_offers_changes_to_the_maintainer_only(client_for, alice, bob, salon):
    own = client_for(alice).get(f"/resources/{salon.pk}/").content.decode()
    assert f"/resources/{salon.pk}/edit/" in own and f"/resources/{salon.pk}/archive/" in own
    other = client_for(bob).get(f"/resources/{salon.pk}/").content.decode()
    for action in ("edit", "verify", "vacancy", "archive"):
        assert f"/resources/{salon.pk}/{action}/" not in other
    assert "管理機関" in other and "推進員" in other


def test_the_coordinator_may_change_any_entry(client_for, coordinator, salon):
    client = client_for(coordinator)
    assert client.post(f"/resources/{salon.pk}/edit/", EDIT | {"version": salon.version}).status_code == 302
    assert client.post(f"/resources/{salon.pk}/vacancy/", {"vacancy": "0"}).status_code == 302
    assert client.post(f"/resources/{salon.pk}/archive/").status_code == 302
    now = Service.objects.get(pk=salon.pk)
    assert (now.name, now.vacancy, now.status) == (EDIT["name"], 0, "inactive")


def test_an_entry_nobody_maintains_is_the_coordinators(client_for, alice, coordinator):
    imported = resource("取り込んだ資源")  # e.g. from an HSDS package: no maintaining agency
    assert client_for(alice).post(f"/resources/{imported.pk}/archive/").status_code == 403
    assert client_for(coordinator).post(f"/resources/{imported.pk}/archive/").status_code == 302


@pytest.mark.parametrize("write", [
    lambda actor, s: services.service_update(actor=actor, service=s, data=EDIT, expected_version=s.version),
    lambda actor, s: services.service_verify(actor=actor, service=s),
    lambda actor, s: services.vacancy_update(actor=actor, service=s, vacancy=0),
    lambda actor, s: services.service_archive(actor=actor, service=s),
])
def test_the_services_refuse_another_agency_too(bob, salon, write):
    with pytest.raises(PermissionDenied):
        write(actor_for(bob), salon)
    assert _unchanged(salon)


# ---- the Excel import ----

def _exported() -> bytes:
    return excel.export_workbook(Service.objects.order_by("name"))


def _edited(data: bytes, **changes) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    columns = {cell.value: cell.column for cell in sheet[1]}
    for label, value in changes.items():
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=columns[label]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_importing_another_agencys_entry_is_refused_and_nothing_written(bob, own_agency, salon):
    data = _edited(_exported(), 名称="書き換え")
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(data, actor=actor_for(bob))
    assert caught.value.errors == ["2行目: 「書き換え」は他の機関が管理している資源のため更新できません（管理機関または推進員が更新します）"]
    assert _unchanged(salon)


def test_importing_a_row_without_its_version_or_with_an_old_one_is_refused(alice, salon):
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(_edited(_exported(), 版=None), actor=actor_for(alice))
    assert caught.value.errors == ["2行目 版: 既存の資源を更新する行には版が必要です。書き出したファイルの「版」の列をそのまま使ってください"]
    old = _exported()
    services.vacancy_update(actor=actor_for(alice), service=salon, vacancy=1)
    salon.refresh_from_db()
    Service.objects.filter(pk=salon.pk).update(version=salon.version + 1)  # someone saved it after the export
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(_edited(old, 名称="古いファイルから"), actor=actor_for(alice))
    assert caught.value.errors == [f"2行目: 「古いファイルから」は書き出した後に更新されています（版 {salon.version} → "
                                   f"{salon.version + 1}）。もう一度書き出してから直してください"]
    assert Service.objects.get(pk=salon.pk).name == "歌声サロン"


def test_the_maintainer_imports_her_own_entries_and_new_rows(alice, own_agency, salon):
    other = factories.agency("別の機関")
    data = _edited(_exported(), 名称="歌声サロン（新）")
    created, updated = excel.import_workbook(data, actor=actor_for(alice))
    assert (created, updated) == (0, 1)
    assert Service.objects.get(pk=salon.pk).name == "歌声サロン（新）"
    assert not Service.objects.filter(maintainer=other).exists()
