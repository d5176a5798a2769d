"""Malformed files into every resources importer — HSDS CSV, HSDS JSON, the directory's Excel — from a fixed seed:
each is either refused with Japanese messages and nothing written, or (a harmless change) imported whole.

Cases: truncated, wrong types, wrong encodings, NUL characters, huge fields, random bytes flipped, and for Excel
a declared dimension of the whole sheet (issue 21).
"""

import json
import random
import re

import pytest

from tests.core.test_xlsx import declared, rows_xml, workbook
from tsunagu.agencies.actor import actor_for
from tsunagu.resources import excel
from tsunagu.resources.hsds.tabular import HsdsImportError, import_tabular, read_json, write_rows
from tsunagu.resources.models import Organization, Phone, Service

pytestmark = pytest.mark.django_db
SEED = 21
ORG = "5b0f9b3e-0000-4000-8000-000000000001"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_LEAK = re.compile(r"Traceback|Error|codec|line contains|expected|field larger", re.IGNORECASE)
GOOD_CSV = ("id,organization_id,name,description,url,email,status,minimum_age\r\n"
            + "".join(f"s{n},{ORG},食堂{n},説明{n},https://example.jp/{n},s{n}@example.jp,active,{n}\r\n"
                      for n in range(6)))


def _counts() -> tuple[int, int, int]:
    return Service.objects.count(), Organization.objects.count(), Phone.objects.count()


def _judge(call, *, must_fail: bool, error=HsdsImportError) -> None:
    before = _counts()
    try:
        call()
    except error as exc:
        messages = getattr(exc, "errors", None) or [str(exc)]
        assert messages and all(JAPANESE.search(m) and not ENGLISH_LEAK.search(m) for m in messages), messages
        assert _counts() == before
        return
    assert not must_fail, "a malformed file was accepted"


def _csv_cases(rng: random.Random) -> list[tuple[str, bytes, bool]]:
    good = GOOD_CSV.encode()
    cases = [
        ("truncated", good[: rng.randrange(40, len(good) - 1)], False),
        ("truncated in a quote", good[:120] + b'"unclosed', True),
        ("wrong type", GOOD_CSV.replace(",3\r\n", ",three\r\n").encode(), True),
        ("wrong status", GOOD_CSV.replace("active,2", "open,2").encode(), True),
        ("utf-16", GOOD_CSV.encode("utf-16"), True),
        ("latin-1 bytes", good.replace("食堂1".encode(), b"\xff\xfe\xfa"), True),
        ("NUL", good.replace("説明4".encode(), "説\x00明".encode()), True),
        ("huge field", GOOD_CSV.replace("説明5", "長" * 30_000).encode(), True),
        ("javascript url", GOOD_CSV.replace("https://example.jp/2", "javascript:alert(1)").encode(), True),
        ("bad email", GOOD_CSV.replace("s3@example.jp", "s3@").encode(), True),
        ("missing organization", GOOD_CSV.replace(f"s1,{ORG}", "s1,no-such-org").encode(), True),
        ("duplicate id", GOOD_CSV.replace("s2,", "s1,", 1).encode(), True),
        ("too many columns", good + f"s9,{ORG},x,y,,,active,1,extra,more\r\n".encode(), True),
        ("header only", b"id,organization_id,name,status\r\n", False),
        ("empty", b"", True),
    ]
    for n in range(10):
        flipped = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        cases.append((f"flipped {n}", bytes(flipped), False))
    return cases


def test_fuzz_hsds_csv(tmp_path):
    rng = random.Random(SEED)
    for n, (name, services, must_fail) in enumerate(_csv_cases(rng)):
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        (folder / "organizations.csv").write_text(f"id,name,description\r\n{ORG},架空法人,運営\r\n", encoding="utf-8")
        (folder / "services.csv").write_bytes(services)
        (folder / "phones.csv").write_text("id,service_id,number\r\np0,s0,000\r\n", encoding="utf-8")
        try:
            _judge(lambda folder=folder: import_tabular(folder), must_fail=must_fail)
        except AssertionError as exc:
            raise AssertionError(f"case {name}: {exc}") from exc
        Service.objects.all().delete()
        Organization.objects.all().delete()
        Phone.objects.all().delete()


def _json_cases(rng: random.Random) -> list[tuple[str, bytes, bool]]:
    service = {"id": "s1", "name": "食堂", "status": "active", "minimum_age": 3, "url": "https://example.jp/",
               "organization": {"id": ORG, "name": "法人", "description": "運営"},
               "phones": [{"id": "p1", "number": "000"}]}
    good = json.dumps(service, ensure_ascii=False).encode()

    def changed(**values) -> bytes:
        return json.dumps({**service, **values}, ensure_ascii=False).encode()

    cases = [
        ("truncated", good[: rng.randrange(1, len(good) - 1)], True),
        ("wrong type", changed(minimum_age="三歳"), True),
        ("list of numbers", b"[1, 2, 3]", True),
        ("utf-16", json.dumps(service).encode("utf-16"), True),
        ("NUL", changed(name="食\u0000堂"), True),
        ("huge field", changed(description="長" * 30_000), True),
        ("javascript url", changed(url="javascript:alert(1)"), True),
        ("status", changed(status="maybe"), True),
        ("deep nesting", b"[" * 5000 + b"]" * 5000, True),
        ("no organization", json.dumps({k: v for k, v in service.items() if k != "organization"}).encode(), True),
    ]
    for n in range(6):
        flipped = bytearray(good)
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        cases.append((f"flipped {n}", bytes(flipped), False))
    return cases


def test_fuzz_hsds_json():
    for name, raw, must_fail in _json_cases(random.Random(SEED)):
        try:
            _judge(lambda raw=raw: write_rows(read_json(raw, "fuzz.json")), must_fail=must_fail)
        except AssertionError as exc:
            raise AssertionError(f"case {name}: {exc}") from exc
        Service.objects.all().delete()
        Organization.objects.all().delete()
        Phone.objects.all().delete()


def _excel_cases(rng: random.Random) -> list[tuple[str, bytes, bool]]:
    header = [label for _, label in excel.COLUMNS]
    index = {name: i for i, (name, _) in enumerate(excel.COLUMNS)}

    def row(**values) -> list:
        cells = [None] * len(header)
        for name, value in values.items():
            cells[index[name]] = value
        return cells

    good_rows = [header, *[row(name=f"食堂{n}", kind="制度・専門機関", visibility="公開") for n in range(4)]]
    good = workbook(good_rows)
    cases = [
        ("truncated", good[: rng.randrange(100, len(good) - 1)], True),
        ("csv in cp932", "名称,種類\nあ,い\n".encode("cp932"), True),
        ("wrong type", workbook([header, row(name="食堂", kind="制度・専門機関", visibility="公開", capacity="たくさん")]), True),
        ("wrong choice", workbook([header, row(name="食堂", kind="宇宙", visibility="公開", fields="宇宙")]), True),
        ("javascript url", workbook([header, row(name="食堂", kind="制度・専門機関", visibility="公開", url="javascript:alert(1)")]), True),
        ("huge field", workbook([header, row(name="長" * 20_000, kind="制度・専門機関", visibility="公開")]), True),
        ("NUL in the sheet", rows_xml(good, '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>'
                                            '<row r="2"><c r="A2" t="inlineStr"><is><t>a&#0;b</t></is></c></row>'), True),
        ("dimension bomb", declared(good, "A1:XFD1048576"), False),
        ("a cell at XFD", rows_xml(good, '<row r="1"><c r="XFD1"><v>1</v></c></row>'), True),
        ("empty bytes", b"", True),
    ]
    for n in range(6):
        flipped = bytearray(good)
        for _ in range(rng.randrange(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        cases.append((f"flipped {n}", bytes(flipped), False))
    return cases


def test_fuzz_resources_excel(alice):
    actor = actor_for(alice)
    for name, raw, must_fail in _excel_cases(random.Random(SEED)):
        try:
            _judge(lambda raw=raw: excel.import_workbook(raw, actor=actor), must_fail=must_fail)
        except AssertionError as exc:
            raise AssertionError(f"case {name}: {exc}") from exc
        Service.objects.all().delete()
        Organization.objects.all().delete()
