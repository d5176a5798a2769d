"""Issue 21's findings on the HSDS import and the public page, each as a test (both databases).

A file is checked whole — values, choices, addresses, references — before anything is written; the message names
the file, the line and the column in Japanese; and a link on the public page is only ever an http(s) address.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.resources.helpers import resource
from tsunagu.core.progress import Progress
from tsunagu.resources import search
from tsunagu.resources.hsds.tabular import HsdsImportError, import_tabular, read_json, write_rows
from tsunagu.resources.models import Organization, Phone, Service, ServiceAtLocation
from tsunagu.resources.services import directory_changed

pytestmark = pytest.mark.django_db
ORG = "5b0f9b3e-0000-4000-8000-000000000001"
SERVICE_COLUMNS = ["id", "organization_id", "name", "description", "url", "email", "status"]


def _folder(tmp_path: Path, services: list[dict], *, organizations=({"id": ORG, "name": "架空法人", "description": "運営"},),
            raw_services: bytes | None = None) -> Path:
    folder = tmp_path / "pkg"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "organizations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "name", "description"])
        writer.writeheader()
        writer.writerows(organizations)
    if raw_services is not None:
        (folder / "services.csv").write_bytes(raw_services)
    else:
        with (folder / "services.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, SERVICE_COLUMNS)
            writer.writeheader()
            writer.writerows({"organization_id": ORG, "description": "", "url": "", "email": "", "status": "active",
                              **s} for s in services)
    return folder


def _found(words: str) -> set[str]:
    return set(search.matching(Service.objects.all(), words).values_list("pk", flat=True))


def _refused(folder: Path) -> list[str]:
    with pytest.raises(HsdsImportError) as caught:
        import_tabular(folder)
    assert Service.objects.count() == 0 and Organization.objects.count() == 0
    return caught.value.errors


def test_a_status_outside_the_standard_is_refused(tmp_path):
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食堂", "status": "maybe"}]))
    assert errors == ["services.csv 2行目: status は active・inactive・defunct・temporarily closed のいずれかにしてください"
                      "（「maybe」）"]


def test_an_invalid_email_is_refused(tmp_path):
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食堂", "email": "窓口@@example"}]))
    assert errors == ["services.csv 2行目: email はメールアドレスの形ではありません（「窓口@@example」）"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://example.jp/"])
def test_an_address_other_than_http_is_refused(tmp_path, url):
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食堂", "url": url}]))
    assert errors == [f"services.csv 2行目: url は http:// か https:// で始まるアドレスにしてください（「{url}」）"]


def test_a_nul_character_is_refused_in_japanese(tmp_path):
    """On SQLite the NUL was stored; on PostgreSQL the import ended in a raw traceback."""
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食\x00堂"}]))
    assert errors == ["services.csv 2行目: name に NUL 文字（\\0）が含まれています。この文字を削除してください"]


def test_a_huge_value_is_refused(tmp_path):
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食堂", "description": "あ" * 20_000}]))
    assert errors == ["services.csv 2行目: description が長すぎます（20,000 文字、10,000 文字まで）"]


def test_the_line_is_the_files_line_after_a_value_over_several_lines(tmp_path):
    """A quoted description over three lines: the bad row after it is on line 5 of the file, not row 3."""
    errors = _refused(_folder(tmp_path, [{"id": "s1", "name": "食堂", "description": "一行目\n二行目\n三行目"},
                                         {"id": "s2", "name": "サロン", "status": "maybe"}]))
    assert errors == ["services.csv 5行目: status は active・inactive・defunct・temporarily closed のいずれかにしてください"
                      "（「maybe」）"]


def test_an_unclosed_quote_is_named_in_japanese(tmp_path):
    raw = ("id,organization_id,name,status\r\n" f's1,{ORG},"食堂,active\r\n').encode()
    errors = _refused(_folder(tmp_path, [], raw_services=raw))
    assert len(errors) == 1 and errors[0].startswith("services.csv ")
    assert "CSV の形式が正しくありません" in errors[0] and "Error" not in errors[0]


def test_json_names_the_object_and_column(tmp_path):
    document = {"id": "s1", "name": "食堂", "status": "maybe", "organization": {"id": ORG, "name": "法人", "description": "d"}}
    with pytest.raises(HsdsImportError) as caught:
        read_json(json.dumps(document).encode(), "page.json")
    assert caught.value.errors == ["page.json の service 1件目（id s1）: status は active・inactive・defunct・"
                                   "temporarily closed のいずれかにしてください（「maybe」）"]


def test_a_good_package_is_published_whole_with_its_search_text(tmp_path):
    folder = _folder(tmp_path, [{"id": "s1", "name": "ふれあい食堂", "url": "https://example.jp/"},
                                {"id": "s2", "name": "歌声サロン"}])
    lines = io.StringIO()
    result = import_tabular(folder, progress=Progress(lines, tty=False))
    assert result.created == {"organization": 1, "service": 2}
    assert "公開しています" in lines.getvalue()
    assert set(_found("食堂")) == {"s1"}
    assert _found("架空法人") == {"s1", "s2"}
    # a second import updates the rows and their search index (the FTS rows follow each service's row)
    (folder / "services.csv").write_text(f"id,organization_id,name,status\ns1,{ORG},こども食堂,active\n", encoding="utf-8")
    import_tabular(folder)
    assert Service.objects.get(pk="s1").name == "こども食堂" and Service.objects.count() == 2
    assert _found("こども") == {"s1"}
    assert _found("ふれあい") == set()
    with connection.cursor() as cursor:  # the staging tables are gone
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
            tables = [name for (name,) in cursor.fetchall()]
        else:
            tables = connection.introspection.table_names(cursor)
    assert not [t for t in tables if t.startswith("tsunagu_staging_")]


def test_a_reference_to_a_row_of_the_file_is_kept_whole(tmp_path):
    """Rows of several tables, each pointing at another of the file, are all written together."""
    folder = _folder(tmp_path, [{"id": "s1", "name": "食堂"}])
    (folder / "locations.csv").write_text("id,location_type,name\nl1,physical,公民館\n", encoding="utf-8")
    (folder / "service_at_location.csv").write_text("id,service_id,location_id\nsl1,s1,l1\n", encoding="utf-8")
    (folder / "phones.csv").write_text("id,service_id,number\np1,s1,000-0000-0000\n", encoding="utf-8")
    import_tabular(folder)
    assert ServiceAtLocation.objects.get().location.name == "公民館" and Phone.objects.get().service_id == "s1"
    assert "公民館" in Service.objects.get().search_text
    bad = _folder(tmp_path / "bad", [{"id": "s2", "name": "サロン"}])
    (bad / "service_at_location.csv").write_text("id,service_id,location_id\nsl2,s2,l-none\n", encoding="utf-8")
    with pytest.raises(HsdsImportError) as caught:
        import_tabular(bad)
    assert caught.value.errors == ["service_at_location.csv 2行目: location_id の「l-none」は location にありません"
                                   "（ファイルにも登録済みのデータにもありません）。参照先の行を加えるか、id を直してください"]
    assert not Service.objects.filter(pk="s2").exists()


def test_a_javascript_address_already_stored_is_never_a_link(alice, client_for):
    """A row written before these checks (or by any other way) still shows only as text."""
    service = resource("歌声サロン", url="https://example.jp/")
    Service.objects.filter(pk=service.pk).update(url="javascript:alert(document.cookie)")
    for page in (Client().get(f"/ja/resources/public/{service.pk}/"), client_for(alice).get(f"/resources/{service.pk}/")):
        html = page.content.decode()
        assert page.status_code == 200 and "javascript:alert(document.cookie)" in html
        assert 'href="javascript:' not in html.lower()
    # a write that bypasses the model signals makes the new directory version itself, so the public page's cache
    # serves the page anew
    Service.objects.filter(pk=service.pk).update(url="https://example.jp/salon", updated_at=timezone.now())
    directory_changed()
    assert 'href="https://example.jp/salon"' in Client().get(f"/ja/resources/public/{service.pk}/").content.decode()


def test_write_rows_takes_what_read_json_checked(tmp_path):
    document = {"id": "s1", "name": "食堂", "status": "active", "organization": {"id": ORG, "name": "法人", "description": "d"}}
    write_rows(read_json(json.dumps(document).encode(), "one.json"))
    assert Service.objects.get().organization.name == "法人"
