"""HSDS 3.0 interchange: the official examples round-trip, every export validates against the official schemas,
and staff-only entries never leave through a public door."""

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import count_queries
from tsunagu.resources.hsds import nested, profile
from tsunagu.resources.hsds.tabular import export_tabular, import_tabular
from tsunagu.resources.models import Attribute, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

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
    # Inside a service, the public API gives the organization's own fields and identifiers only: its locations,
    # phones, contacts, funding and programs may be those of staff-only entries (the test below).
    expected["organization"] = {k: v for k, v in expected["organization"].items()
                                if k not in ("locations", "phones", "contacts", "funding", "programs")}
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


def test_a_public_service_does_not_show_the_places_of_a_staff_only_one_of_its_organization(client, alice):
    public = resource("ふれあい食堂", maintainer=alice.memberships.first().agency, phone="0123-45-6789",
                      address="旭町1丁目", place_name="旭町会館")
    private = resource("職員のみの送迎調整", maintainer=alice.memberships.first().agency, visibility="staff",
                       phone="0999-99-9999", address="秘密の場所", place_name="秘密の拠点")
    assert public.organization_id == private.organization_id  # one agency maintains both
    detail = client.get(f"/hsds/services/{public.pk}")
    full_list = client.get("/hsds/services?full=true")
    for response in (detail, full_list):
        text = response.content.decode()
        assert response.status_code == 200 and "ふれあい食堂" in text and "旭町会館" in text
        assert "秘密" not in text and "0999-99-9999" not in text and "職員のみ" not in text
    assert errors_for("service", detail.json()) == []


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


# ---------- service_at_locations, taxonomies, taxonomy_terms ----------

SECRETS = ("職員のみの送迎調整", "0999-99-9999", "秘密の場所", "秘密の拠点")


def _link_of(service) -> str:
    return ServiceAtLocation.objects.get(service=service).id


def test_service_at_locations_are_those_of_public_entries_and_validate(client, mixed):
    public, private = mixed
    for params in ({}, {"full": "true"}):
        response = client.get("/hsds/service_at_locations", params)
        page = response.json()
        assert [item["id"] for item in page["contents"]] == [_link_of(public)]
        assert (page["total_items"], page["size"], page["first_page"], page["last_page"]) == (1, 1, True, True)
        for item in page["contents"]:
            assert errors_for("service_at_location", item) == []
            assert errors_for("service", item["service"]) == []
            assert (item["service"]["name"], item["location"]["name"]) == ("ふれあい食堂", "旭町会館")
        text = response.content.decode()
        assert private.id not in text and not [s for s in SECRETS if s in text]
    assert "addresses" not in client.get("/hsds/service_at_locations").json()["contents"][0]["location"]

    response = client.get(f"/hsds/service_at_locations/{_link_of(public)}")
    full = response.json()
    assert errors_for("service_at_location", full) == [] and errors_for("service", full["service"]) == []
    assert full["location"]["addresses"][0]["address_1"] == "旭町1丁目"
    assert full["service"]["phones"][0]["number"] == "0123-45-6789"
    assert {a["taxonomy_term"]["code"] for a in full["service"]["attributes"]} >= {"community", "children"}
    assert not [s for s in SECRETS if s in response.content.decode()]

    hidden = client.get(f"/hsds/service_at_locations/{_link_of(private)}")
    assert hidden.status_code == 404 and "detail" in hidden.json()
    assert client.get("/hsds/service_at_locations/no-such-id").status_code == 404
    assert client.get("/hsds/service_at_locations", {"search": "送迎"}).json()["total_items"] == 0


def test_service_at_location_hides_staff_only_places_of_the_same_organization(client):
    public = resource("公開の食堂", organization_name="共通の会", place_name="公開会館", address="公開の場所")
    resource("職員のみの送迎調整", organization_name="共通の会", visibility="staff", place_name="秘密の拠点",
             address="秘密の場所", phone="0999-99-9999")
    response = client.get(f"/hsds/service_at_locations/{_link_of(public)}")
    assert response.json()["service"]["organization"]["name"] == "共通の会"
    listed = client.get("/hsds/service_at_locations", {"full": "true"})
    assert [item["id"] for item in listed.json()["contents"]] == [_link_of(public)]
    for text in (response.content.decode(), listed.content.decode()):
        assert "公開会館" in text and not [s for s in SECRETS if s in text]


def _ids(client, url: str, **params) -> set[str]:
    response = client.get(url, {"per_page": 200, **params})
    assert response.status_code == 200
    return {item["id"] for item in response.json()["contents"]}


def test_service_at_locations_filter(client, alice):
    from datetime import timedelta

    from django.utils import timezone

    children = resource("子ども食堂", fields=["children"], organization_name="子ども会", place_name="公民館")
    elderly = resource("いきいきサロン", fields=["elderly"], place_name="集会所", free=True)
    staff = resource("職員のみの子ども相談", fields=["children"], organization_name="子ども会", visibility="staff",
                     place_name="秘密の拠点")
    taxonomy = Taxonomy.objects.create(name="Open Eligibility", description="OE")
    term = TaxonomyTerm.objects.create(name="Food", description="food", taxonomy=taxonomy)
    Attribute.objects.create(link_id=elderly.id, taxonomy_term=term, link_entity="service")
    Attribute.objects.create(link_id=staff.id, taxonomy_term=term, link_entity="service")
    url = "/hsds/service_at_locations"
    link = {s: _link_of(s) for s in (children, elderly)}

    assert _ids(client, url) == set(link.values())
    assert _ids(client, url, organization_id=children.organization_id) == {link[children]}
    assert _ids(client, url, taxonomy_term_id=profile.term_id("field", "children")) == {link[children]}
    assert _ids(client, url, taxonomy_term_id=profile.term_id("profile", "free")) == {link[elderly]}
    assert _ids(client, url, taxonomy_term_id=term.id) == {link[elderly]}
    assert _ids(client, url, taxonomy_id=taxonomy.id) == {link[elderly]}
    assert _ids(client, url, taxonomy_id=profile.term_rows()[0]["taxonomy_id"]) == set(link.values())
    assert _ids(client, url, taxonomy_term_id="no-such-term") == set()
    assert _ids(client, url, search="サロン") == {link[elderly]}
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    assert _ids(client, url, modified_after=tomorrow) == set()
    assert _ids(client, url, modified_after="2000-01-01") == set(link.values())


@pytest.fixture
def vocabulary(db):
    taxonomy = Taxonomy.objects.create(name="Open Eligibility", description="対象の分類", uri="https://example.org/oe",
                                       version="1")
    other = Taxonomy.objects.create(name="地域の分類", description="町内会ごとの区分")
    parent = TaxonomyTerm.objects.create(name="Food", description="食事", code="F", taxonomy=taxonomy,
                                         taxonomy_label="Open Eligibility")
    child = TaxonomyTerm.objects.create(name="Food Pantry", description="食料配布", code="F1", taxonomy=taxonomy,
                                        parent=parent)
    elsewhere = TaxonomyTerm.objects.create(name="旭町", description="旭町地区", taxonomy=other)
    return taxonomy, other, parent, child, elsewhere


def test_taxonomies_list_all_and_validate(client, vocabulary):
    taxonomy, other, *_ = vocabulary
    page = client.get("/hsds/taxonomies", {"per_page": 200}).json()
    ids = [t["id"] for t in page["contents"]]
    assert {taxonomy.id, other.id} | profile.tsunagu_taxonomy_ids() == set(ids) and len(ids) == page["total_items"] == 5
    for item in page["contents"]:
        assert errors_for("taxonomy", item) == []
    detail = client.get(f"/hsds/taxonomies/{taxonomy.id}").json()
    assert errors_for("taxonomy", detail) == [] and (detail["name"], detail["uri"]) == ("Open Eligibility",
                                                                                         "https://example.org/oe")
    own = next(iter(profile.tsunagu_taxonomy_ids()))
    assert client.get(f"/hsds/taxonomies/{own}").json()["id"] == own
    assert _ids(client, "/hsds/taxonomies", search="町内会") == {other.id}
    missing = client.get("/hsds/taxonomies/no-such-id")
    assert missing.status_code == 404 and "detail" in missing.json()


def test_taxonomy_terms_list_filter_and_validate(client, vocabulary, mixed):
    taxonomy, other, parent, child, elsewhere = vocabulary
    url = "/hsds/taxonomy_terms"
    own = {t["id"] for t in profile.term_rows()}
    page = client.get(url, {"per_page": 200}).json()
    assert {t["id"] for t in page["contents"]} == own | {parent.id, child.id, elsewhere.id}
    assert page["total_items"] == len(own) + 3
    for item in page["contents"]:
        assert errors_for("taxonomy_term", item) == []

    assert _ids(client, url, taxonomy_id=taxonomy.id) == {parent.id, child.id}
    assert _ids(client, url, parent_id=parent.id) == {child.id}
    assert _ids(client, url, top_only="true", taxonomy_id=taxonomy.id) == {parent.id}
    assert child.id not in _ids(client, url, top_only="true")
    field_taxonomy = profile.term_rows()[0]["taxonomy_id"]
    assert _ids(client, url, taxonomy_id=field_taxonomy) == {t["id"] for t in profile.term_rows()
                                                             if t["taxonomy_id"] == field_taxonomy}
    assert _ids(client, url, search="pantry") == {child.id}
    assert _ids(client, url, search="無料") == {profile.term_id("profile", "free")}

    detail = client.get(f"{url}/{child.id}").json()
    assert errors_for("taxonomy_term", detail) == []
    assert (detail["parent_id"], detail["taxonomy_detail"]["name"]) == (parent.id, "Open Eligibility")
    assert client.get(f"{url}/no-such-id").status_code == 404
    # Every term a public entry's attributes point at can be looked up.
    public, _ = mixed
    attributes = client.get(f"/hsds/services/{public.id}").json()["attributes"]
    for attribute in attributes:
        found = client.get(f"{url}/{attribute['taxonomy_term']['id']}").json()
        assert found == attribute["taxonomy_term"]


def test_vocabulary_pages_cover_every_term_once(client, vocabulary):
    url = "/hsds/taxonomy_terms"
    total = client.get(url).json()["total_items"]
    seen = []
    for number in range(1, total // 4 + 2):
        page = client.get(url, {"per_page": 4, "page": number}).json()
        assert page["page_number"] == number and page["size"] == len(page["contents"])
        seen += [t["id"] for t in page["contents"]]
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize("url", ["/hsds/service_at_locations", "/hsds/taxonomies", "/hsds/taxonomy_terms"])
def test_new_lists_tolerate_bad_parameters(client, mixed, url):
    for params in ({"page": "abc"}, {"per_page": "-5"}, {"per_page": "x", "page": "99999"}, {"page": "1e3"},
                   {"top_only": "maybe", "full": "??", "modified_after": "not-a-date"},
                   {"taxonomy_id": "'; DROP TABLE x;--", "taxonomy_term_id": "%", "parent_id": "\\"},
                   {"search": "   "}):
        response = client.get(url, params)
        assert response.status_code == 200, params
        assert set(response.json()) >= {"total_items", "total_pages", "page_number", "contents"}


def test_new_paths_are_in_openapi(client):
    paths = client.get("/hsds/openapi.json").json()["paths"]
    for path in ("/taxonomies", "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}",
                 "/service_at_locations", "/service_at_locations/{id}"):
        assert path in paths


def _entry(i: int):
    resource(f"食堂{i}", fields=["children"], phone=f"0123-00-000{i}", days=["MO"], address="本町", place_name="会館")
    term = TaxonomyTerm.objects.create(name=f"term{i}", description="d", taxonomy=Taxonomy.objects.first())
    TaxonomyTerm.objects.create(name=f"child{i}", description="d", taxonomy=term.taxonomy, parent=term)


def test_new_list_query_counts_do_not_grow(client):
    Taxonomy.objects.create(name="分類", description="d")
    urls = ["/hsds/service_at_locations", "/hsds/service_at_locations?full=true", "/hsds/taxonomies",
            "/hsds/taxonomy_terms", "/hsds/taxonomy_terms?page=2&per_page=20"]
    _entry(0)
    with_one = [count_queries(client, url) for url in urls]
    for i in range(1, 4):
        _entry(i)
    assert [count_queries(client, url) for url in urls] == with_one
