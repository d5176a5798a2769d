"""Malformed input: row-level Japanese messages and nothing written — CSV, JSON and Excel alike."""

import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tsunagu.agencies.actor import actor_for
from tsunagu.resources import excel
from tsunagu.resources.hsds.tabular import HsdsImportError, import_tabular, read_json
from tsunagu.resources.models import Organization, Service

from .helpers import resource

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parent / "hsds_examples"
HEADER = "id,organization_id,name,status,minimum_age,assured_date"


def _package(tmp_path, services_csv: str, encoding="utf-8") -> Path:
    """The official example package with its services replaced, and the rows that must point at its one
    service left out."""
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLES / "csv", folder)
    for name in ("service_at_location.csv", "cost_options.csv"):
        (folder / name).unlink(missing_ok=True)
    (folder / "services.csv").write_bytes(services_csv.encode(encoding))
    return folder


def _nothing_written():
    assert Service.objects.count() == 0
    assert Organization.objects.count() == 0


def _errors(path) -> list[str]:
    with pytest.raises(HsdsImportError) as caught:
        import_tabular(path)
    return caught.value.errors


def test_missing_required_column(tmp_path):
    errors = _errors(_package(tmp_path, "id,organization_id,status\ns1,o1,active\n"))
    assert errors == ["services.csv: 必須の列がありません: name"]
    _nothing_written()


def test_wrong_types_are_reported_per_row(tmp_path):
    rows = f"{HEADER}\ns1,o1,食堂,active,abc,2024-01-01\ns2,o1,サロン,active,12,2024/13/40\n"
    errors = _errors(_package(tmp_path, rows))
    assert "services.csv 2行目: minimum_age は数値で指定してください（「abc」）" in errors
    assert "services.csv 3行目: assured_date は日付（YYYY-MM-DD）で指定してください（「2024/13/40」）" in errors
    _nothing_written()


def test_duplicate_ids_and_empty_required_values(tmp_path):
    rows = f"{HEADER}\ns1,o1,食堂,active,,\ns1,o1,サロン,active,,\ns2,o1,,active,,\n"
    errors = _errors(_package(tmp_path, rows))
    assert "services.csv 3行目: id「s1」が重複しています" in errors
    assert "services.csv 4行目: name は必須です" in errors
    _nothing_written()


def test_shift_jis_from_excel_is_read_correctly(tmp_path):
    rows = f"{HEADER}\ns1,d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,ふれあい食堂,active,,\n"
    import_tabular(_package(tmp_path, rows, encoding="cp932"))
    assert Service.objects.get(pk="s1").name == "ふれあい食堂"


def test_undecodable_bytes_are_refused(tmp_path):
    folder = _package(tmp_path, "")
    (folder / "services.csv").write_bytes(b"id,name,status\n\xff\xfe\xfa\xfb,\x81\x00\xfd,active\n")
    assert any("文字コード" in e for e in _errors(folder))
    _nothing_written()


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path):
    folder = _package(tmp_path, HEADER + "\n")
    with (folder / "services.csv").open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        line = "s,o," + "あ" * 1000 + ",active,,\n"
        for _ in range(50 * 1024 * 1024 // len(line.encode()) + 1):
            handle.write(line)
    assert any("ファイルが大きすぎます" in e for e in _errors(folder))
    _nothing_written()


def test_a_bad_row_among_good_ones_writes_nothing(tmp_path):
    good = "\n".join(f"g{i},o1,食堂{i},active,,," for i in range(50))
    errors = _errors(_package(tmp_path, f"{HEADER}\n{good}\nbad,o1,壊れた行,active,十二,\n"))
    assert errors == ["services.csv 52行目: minimum_age は数値で指定してください（「十二」）"]
    _nothing_written()


def test_malformed_json(tmp_path):
    with pytest.raises(HsdsImportError) as caught:
        read_json(b'{"id": "s1", "name": ', "x.json")
    assert "JSON の形式が正しくありません" in caught.value.errors[0]
    with pytest.raises(HsdsImportError) as caught:
        read_json(json.dumps({"id": "s1", "status": "active", "minimum_age": "twelve"}).encode(), "x.json")
    assert any("name は必須です" in e or "必須の項目がありません: name" in e for e in caught.value.errors)
    assert any("minimum_age は数値" in e for e in caught.value.errors)
    with pytest.raises(HsdsImportError):
        read_json(b"[1, 2]", "x.json")
    _nothing_written()


# ---- Excel ----

def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_round_trip(alice, own_agency):
    resource("歌声サロン", maintainer=own_agency, fields=["community"], targets=["elderly"], days=["TU", "FR"],
             district="緑町", free=True)
    data = excel.export_workbook(Service.objects.all())
    Service.objects.update(name="変更前")
    created, updated = excel.import_workbook(data, actor=actor_for(alice))
    service = Service.objects.get()
    assert (created, updated, service.name, service.field_list, service.district) == (0, 1, "歌声サロン", ["community"], "緑町")
    assert service.schedules.get().byday == "TU,FR"


def test_excel_row_errors_in_japanese_and_nothing_written(alice):
    header = [label for _, label in excel.COLUMNS]
    index = {name: i for i, (name, _) in enumerate(excel.COLUMNS)}

    def row(**values):
        cells = [""] * len(header)
        for name, value in values.items():
            cells[index[name]] = value
        return cells

    data = _workbook([header, row(name="よい行", kind="地域・インフォーマル", visibility="公開"),
                      row(name="", kind="制度・専門機関", visibility="公開"),
                      row(name="定員超え", kind="制度・専門機関", visibility="公開", capacity=3, vacancy=5),
                      row(name="分野違い", kind="制度・専門機関", visibility="公開", fields="宇宙")])
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(data, actor=actor_for(alice))
    errors = caught.value.errors
    assert any(e.startswith("3行目 名称:") for e in errors)
    assert any(e.startswith("4行目 空き:") for e in errors)
    assert "5行目 分野: 「宇宙」は選択肢にありません" in errors
    assert Service.objects.count() == 0


def test_excel_missing_header_and_not_excel(alice):
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook(_workbook([["なまえ"], ["x"]]), actor=actor_for(alice))
    assert "見出し「名称」" in caught.value.errors[0]
    with pytest.raises(HsdsImportError) as caught:
        excel.import_workbook("名称,種類\nあ,い\n".encode("cp932"), actor=actor_for(alice))
    assert "Excel ファイル" in caught.value.errors[0]


# ---- fuzzing: whatever the bytes, the importer either writes everything or raises HsdsImportError ----

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cells, cells, cells, cells, cells, cells), max_size=6))
def test_fuzz_csv_never_half_writes(tmp_path_factory, rows):
    import csv

    folder = tmp_path_factory.mktemp("fuzz")
    with (folder / "services.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        writer.writerows(rows)
    before = Service.objects.count()
    try:
        import_tabular(folder)
    except HsdsImportError as exc:
        assert exc.errors and all(isinstance(e, str) for e in exc.errors)
        assert Service.objects.count() == before
    Service.objects.all().delete()


@settings(max_examples=40, deadline=None)
@given(document=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                             lambda children: st.lists(children, max_size=3)
                             | st.dictionaries(st.sampled_from(["id", "name", "status", "phones", "organization",
                                                                "minimum_age", "schedules", "contents"]),
                                               children, max_size=5), max_leaves=12))
def test_fuzz_json_reader_only_raises_import_errors(document):
    try:
        read_json(json.dumps(document).encode(), "fuzz.json")
    except HsdsImportError as exc:
        assert exc.errors


@settings(max_examples=25, deadline=None)
@given(raw=st.binary(max_size=400))
def test_fuzz_excel_reader_only_raises_import_errors(raw):
    try:
        excel.read_workbook(raw)
    except HsdsImportError as exc:
        assert exc.errors


def test_a_service_whose_organization_is_missing_is_refused(tmp_path):
    """Issue 21: such a service was published without a provider; now the line and column are named."""
    rows = f"{HEADER}\ns1,no-such-organization,ふれあい食堂,active,,\n"
    errors = _errors(_package(tmp_path, rows))
    assert errors == ["services.csv 2行目: organization_id の「no-such-organization」は organization にありません"
                      "（ファイルにも登録済みのデータにもありません）。参照先の行を加えるか、id を直してください"]
    _nothing_written()
