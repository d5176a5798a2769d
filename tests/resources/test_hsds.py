"""HSDS 3.0 interchange: the official examples round-trip, every export validates against the official schemas,
and staff-only entries never leave through a public door."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tsunagu.resources.hsds import nested
from tsunagu.resources.hsds.tabular import export_tabular, import_tabular
from tsunagu.resources.models import Service

from .helpers import resource
from .schemas import errors_for, export_errors

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parent / "hsds_examples"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n").splitlines()


def test_official_csv_examples_round_trip_unchanged(tmp_path):
    call_command("hsds", "import", str(EXAMPLES / "csv"))
    call_command("hsds", "export", str(tmp_path))
    for original in sorted((EXAMPLES / "csv").glob("*.csv")):
        assert _lines(tmp_path / original.name) == _lines(original), original.name
    assert export_errors(tmp_path) == []


def _contained(expected, actual, path="$") -> list[str]:
    """Every non-empty value of `expected` is in `actual` (the API may add the references it knows)."""
    if isinstance(expected, dict):
        return [p for k, v in expected.items() if v not in ("", None, [])
                for p in (_contained(v, actual.get(k), f"{path}.{k}") if isinstance(actual, dict) and k in actual
                          else [f"{path}.{k} がありません"])]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: 件数が違います"]
        return [p for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for p in _contained(e, a, f"{path}[{i}]")]
    return [] if expected == actual or str(expected) == str(actual) else [f"{path}: {expected!r} ≠ {actual!r}"]


def test_official_service_json_round_trips_through_the_api(client):
    import_tabular(EXAMPLES / "service_full.json")
    expected = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    response = client.get(f"/hsds/services/{expected['id']}")
    assert response.status_code == 200
    assert _contained(expected, response.json()) == []
    assert errors_for("service", response.json()) == []


def test_official_organization_json_imports(tmp_path):
    import_tabular(EXAMPLES / "organization_full.json")
    export_tabular(tmp_path, public_only=False)
    assert export_errors(tmp_path) == []
    assert Service.objects.count() >= 1


@pytest.fixture
def mixed(alice):
    public = resource("ふれあい食堂", maintainer=alice.memberships.first().agency, fields=["community", "children"],
                      targets=["anyone"], district="旭町", free=True, phone="0123-45-6789", address="旭町1丁目",
                      place_name="旭町会館", days=["WE"], capacity=30, vacancy=4, kind="informal")
    private = resource("職員のみの送迎調整", visibility="staff", phone="0999-99-9999", address="秘密の場所",
                       place_name="秘密の拠点", days=["MO"])
    return public, private


def test_public_export_validates_and_leaves_staff_only_out(tmp_path, mixed):
    public, private = mixed
    export_tabular(tmp_path, public_only=True)
    assert export_errors(tmp_path) == []
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    assert public.id in everything and "ふれあい食堂" in everything
    for secret in (private.id, "職員のみの送迎調整", "0999-99-9999", "秘密の場所", "秘密の拠点"):
        assert secret not in everything


def test_profile_survives_export_and_import(tmp_path, mixed):
    public, _ = mixed
    export_tabular(tmp_path, public_only=True)
    Service.objects.all().delete()
    import_tabular(tmp_path)
    again = Service.objects.get(pk=public.pk)
    assert (again.field_list, again.target_list, again.kind, again.free, again.district, again.capacity,
            again.vacancy) == (["community", "children"], ["anyone"], "informal", True, "旭町", 30, 4)


def test_api_lists_public_entries_only_and_validates(client, mixed):
    public, private = mixed
    page = client.get("/hsds/services", {"per_page": 10}).json()
    assert [s["id"] for s in page["contents"]] == [public.id]
    assert (page["total_items"], page["total_pages"], page["first_page"], page["last_page"]) == (1, 1, True, True)
    for item in page["contents"]:
        assert errors_for("service", item) == []
    assert client.get(f"/hsds/services/{private.id}").status_code == 404
    assert client.get("/hsds/services", {"search": "送迎"}).json()["total_items"] == 0
    full = client.get(f"/hsds/services/{public.id}").json()
    assert errors_for("service", full) == []
    assert full["phones"][0]["number"] == "0123-45-6789"


def test_api_paginates(client):
    for i in range(5):
        resource(f"サロン{i}")
    first = client.get("/hsds/services", {"per_page": 2, "page": 1}).json()
    last = client.get("/hsds/services", {"per_page": 2, "page": 3}).json()
    assert (first["total_pages"], first["size"], first["last_page"]) == (3, 2, False)
    assert (last["size"], last["last_page"], last["page_number"]) == (1, True, 3)
    assert client.get("/hsds/").json()["version"] == "3.0"


def _api_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get("/hsds/services", {"full": "true"})
    return len(context)


def test_api_page_query_count_does_not_grow(client):
    resource("食堂0", phone="0123-00-0000", days=["MO"], address="本町", place_name="会館")
    with_one = _api_queries(client)
    for i in range(1, 3):
        resource(f"食堂{i}", phone=f"0123-00-000{i}", days=["MO"], address="本町", place_name="会館")
    assert _api_queries(client) == with_one


def test_nested_build_matches_export(tmp_path, mixed):
    public, _ = mixed
    built = nested.services_json(Service.objects.filter(pk=public.pk), full=True)[0]
    assert built["schedules"][0]["byday"] == "WE"
    assert {a["taxonomy_term"]["code"] for a in built["attributes"]} >= {"community", "children", "informal"}


def test_staff_zip_download_is_public_only(client_for, alice, mixed):
    import io
    import zipfile

    response = client_for(alice).get("/resources/hsds.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "services.csv" in archive.namelist() and "datapackage.json" in archive.namelist()
    assert "職員のみ" not in archive.read("services.csv").decode()


@pytest.fixture
def example_copy(tmp_path):
    target = tmp_path / "pkg"
    shutil.copytree(EXAMPLES / "csv", target)
    return target


def test_organizations_are_those_of_public_entries_and_validate(client, alice):
    public = resource("ふれあい食堂", organization_name="旭町ふれあいの会", phone="0123-45-6789")
    resource("見守りサロン", organization_name="旭町ふれあいの会")
    private = resource("職員のみの送迎調整", organization_name="送迎ボランティア連絡会（非公開）", visibility="staff")
    resource("職員のみの相談", organization_name="旭町ふれあいの会", visibility="staff")

    page = client.get("/hsds/organizations", {"per_page": 10}).json()
    assert [o["name"] for o in page["contents"]] == ["旭町ふれあいの会"]
    assert page["total_items"] == 1 and errors_for("organization", page["contents"][0]) == []
    organization = page["contents"][0]

    full = client.get(f"/hsds/organizations/{organization['id']}").json()
    assert [s["name"] for s in full["services"]] == ["ふれあい食堂", "見守りサロン"]  # the staff-only entry is not there
    assert {s["id"] for s in full["services"]} >= {public.id}
    assert errors_for("organization", {k: v for k, v in full.items() if k != "services"}) == []
    for service in full["services"]:
        assert errors_for("service", service) == []
    text = client.get(f"/hsds/organizations/{organization['id']}").content.decode()
    assert "職員のみの相談" not in text
    assert client.get(f"/hsds/organizations/{private.organization_id}").status_code == 404
    assert client.get("/hsds/organizations", {"search": "送迎"}).json()["total_items"] == 0
    assert "/organizations/{id}" in client.get("/hsds/openapi.json").json()["paths"]
