"""Malformed 業務棚卸表 files, from a fixed seed: each is refused with a Japanese message naming where, and nothing
is written — truncated, wrong types, wrong encodings, NUL, huge fields, rows beyond the limit, a declared dimension
of the whole sheet (issue 21)."""

import random
import re

import pytest

from tests.core.test_xlsx import declared, rows_xml
from tsunagu.workspace import services
from tsunagu.workspace.excel import SheetError, read_inventory_sheet
from tsunagu.workspace.models import TaskInventory, TaskRow

from .conftest import seed_sheet

SEED = 21
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MARKS = ["◎"] * 8


def _cases(rng: random.Random) -> list[tuple[str, bytes, bool]]:
    good = seed_sheet()
    many = "".join(f'<row r="{i}"><c r="D{i}" t="inlineStr"><is><t>業務{i}</t></is></c></row>' for i in range(7, 2_100))
    cases = [
        ("truncated", good[: rng.randrange(200, len(good) - 1)], True),
        ("csv in cp932", "カテゴリー,業務内容\n相談,受付\n".encode("cp932"), True),
        ("csv in utf-16", "カテゴリー,業務内容\n相談,受付\n".encode("utf-16"), True),
        ("wrong mark", seed_sheet(rows=[(1, "総合相談", 1, "相談対応", ["はい"] * 8)]), True),
        ("wrong number", seed_sheet(rows=[("いち", "総合相談", 1, "相談対応", MARKS)]), True),
        ("number out of range", seed_sheet(rows=[(1, "総合相談", 10 ** 12, "相談対応", MARKS)]), True),
        ("huge task", seed_sheet(rows=[(1, "総合相談", 1, "長" * 5_000, MARKS)]), True),
        ("huge category", seed_sheet(rows=[(1, "分" * 500, 1, "相談対応", MARKS)]), True),
        ("NUL", rows_xml(good, '<row r="6"><c r="D6" t="inlineStr"><is><t>業務内容</t></is></c></row>'
                               '<row r="7"><c r="D7" t="inlineStr"><is><t>a&#0;b</t></is></c></row>'), True),
        ("rows beyond the limit", rows_xml(good, '<row r="6"><c r="D6" t="inlineStr"><is><t>業務内容</t></is></c>'
                                                 '<c r="E6" t="inlineStr"><is><t>管理者</t></is></c></row>' + many), True),
        ("unknown role", seed_sheet(headings=["宇宙飛行士"], rows=[(1, "総合相談", 1, "相談対応", ["◎"])]), True),
        ("dimension bomb", declared(good, "A1:XFD1048576"), False),
        ("empty", b"", True),
    ]
    for n in range(8):
        flipped = bytearray(good)
        for _ in range(rng.randrange(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        cases.append((f"flipped {n}", bytes(flipped), False))
    return cases


@pytest.mark.django_db
def test_fuzz_inventory_upload(own_agency, job_roles):
    for name, raw, must_fail in _cases(random.Random(SEED)):
        before = (TaskInventory.objects.count(), TaskRow.objects.count())
        try:
            parsed = read_inventory_sheet(raw)
            services.task_inventory_import(agency=own_agency, fiscal_year=2026, parsed=parsed)
        except SheetError as exc:
            assert JAPANESE.search(str(exc)) and "Error" not in str(exc), (name, str(exc))
            assert (TaskInventory.objects.count(), TaskRow.objects.count()) == before, name
            continue
        assert not must_fail, f"case {name}: a malformed sheet was accepted"
        TaskInventory.objects.all().delete()  # a harmless change, imported whole: start the next case afresh
