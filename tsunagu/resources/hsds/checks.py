"""What an HSDS import checks of every value before anything is written, and how it names a problem.

Each message says where (the file and line of a CSV, the object of a JSON file), which column, and what to do, in
Japanese. The rules come from the standard's datapackage.json where it has them (required, types, `enum` choices
such as a service's `status`, `uri` and `email` formats) and from what Tsunagu can keep and show safely: no NUL
character (PostgreSQL refuses it in text), no value longer than MAX_FIELD_CHARS, an id of at most ID_CHARS, links
only http(s) (a `javascript:` address would run in a visitor's browser), and every reference to a row that the file
or the directory holds where the standard requires one — a service whose organization is missing would be
published without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from tsunagu.core.links import is_web_url

from . import profile, spec

MAX_FIELD_CHARS = 10_000
ID_CHARS = 250  # HsdsModel.id
_email = EmailValidator()
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_TYPE_LABELS = {"number": "数値", "date": "日付（YYYY-MM-DD）", "datetime": "日時（ISO 8601）",
                "time": "時刻（HH:MM または HH:MM:SS）"}


@dataclass(frozen=True)
class Where:
    """One row of the input: `file` and `line` (a CSV's line, counted as a text editor does, where the row
    starts), or for JSON the object's position."""

    file: str
    line: int | None = None
    item: str = ""

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file} {self.line}行目"
        return f"{self.file} {self.item}".strip()


@cache
def enum_of(table: str, column: str) -> tuple[str, ...]:
    for resource in spec.datapackage()["resources"]:
        if resource["name"] == table:
            for field in resource["schema"]["fields"]:
                if field["name"] == column:
                    return tuple(field.get("constraints", {}).get("enum", ()))
    return ()


def _type_problem(name: str, column: spec.Column, value: str) -> str | None:
    try:
        if column.type == "number":
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
        elif column.type == "date":
            date.fromisoformat(value)
        elif column.type == "datetime":
            datetime.fromisoformat(value)
        elif column.type == "time" and not _TIME.match(value):
            raise ValueError
    except (ValueError, OverflowError):
        return f"{name} は{_TYPE_LABELS[column.type]}で指定してください（「{value[:40]}」）"
    return None


def value_problem(table: str, column: spec.Column, value: str) -> str | None:
    """What is wrong with one value of `column`, as a sentence starting with the column's name, or None."""
    name = column.name
    if "\x00" in value:
        return f"{name} に NUL 文字（\\0）が含まれています。この文字を削除してください"
    if not value.strip():
        return f"{name} は必須です" if column.required else None
    if name == "id" or column.format == "uuid":
        if len(value) > ID_CHARS:
            return f"{name} が長すぎます（{len(value):,} 文字、{ID_CHARS} 文字まで）"
    elif len(value) > MAX_FIELD_CHARS:
        return f"{name} が長すぎます（{len(value):,} 文字、{MAX_FIELD_CHARS:,} 文字まで）"
    if column.type != "string":
        return _type_problem(name, column, value)
    choices = enum_of(table, name)
    if choices and value not in choices:
        return f"{name} は {'・'.join(choices)} のいずれかにしてください（「{value[:40]}」）"
    if column.format == "uri" and not is_web_url(value):
        return f"{name} は http:// か https:// で始まるアドレスにしてください（「{value[:60]}」）"
    if column.format == "email":
        try:
            _email(value)
        except ValidationError:
            return f"{name} はメールアドレスの形ではありません（「{value[:60]}」）"
    return None


def check_rows(table: spec.Table, rows: list[dict], places: list[Where], *, limit: int) -> list[str]:
    """Every value of every row, and a duplicate id. At most `limit` messages."""
    errors: list[str] = []
    seen: set[str] = set()
    columns = {c.name: c for c in table.columns}
    for row, where in zip(rows, places, strict=True):
        row_id = row.get("id", "")
        if row_id and row_id in seen:
            errors.append(f"{where}: id「{str(row_id)[:60]}」が重複しています")
        seen.add(row_id)
        for name, column in columns.items():
            if name not in row:
                continue
            value = row[name]
            value = "" if value is None else str(value)  # JSON null and numbers arrive as such, not as CSV text
            if problem := value_problem(table.name, column, value):
                errors.append(f"{where}: {problem}")
        if len(errors) >= limit:
            break
    return errors[:limit]


@cache
def references(table_name: str) -> tuple[tuple[str, str], ...]:
    """The columns that must point at a row of another table (with that table): the references the standard
    requires — a service's organization, a service-at-location's service and location… An optional reference
    (a parent organization, a term's taxonomy) may name a row held elsewhere, as the standard's own examples do."""
    model = spec.model_for(table_name)
    required = set(spec.table(table_name).required)
    found = []
    for field in model._meta.fields:
        if (field.is_relation and field.attname in required and field.related_model is not None
                and getattr(field.related_model, "hsds_table", "")):
            found.append((field.attname, field.related_model.hsds_table))
    return tuple(found)


def check_references(rows_by_table: dict[str, list[dict]], places: dict[str, list[Where]], existing,
                     *, limit: int) -> list[str]:
    """Every reference points at a row of the input or of the directory (`existing(table, ids)` → the ids held).

    Tsunagu's own profile taxonomies are built in code (profile.py), so a reference to one of them is good."""
    known = {name: {r.get("id", "") for r in rows} for name, rows in rows_by_table.items()}
    known.setdefault("taxonomy", set()).update(profile.tsunagu_taxonomy_ids())
    known.setdefault("taxonomy_term", set()).update(profile.tsunagu_term_ids())
    wanted: dict[str, set[str]] = {}
    for name, rows in rows_by_table.items():
        for column, target in references(name):
            wanted.setdefault(target, set()).update(r[column] for r in rows if r.get(column)
                                                    and r[column] not in known.get(target, ()))
    held = {target: set(existing(target, ids)) for target, ids in wanted.items() if ids}
    errors: list[str] = []
    for name, rows in rows_by_table.items():
        targets = references(name)
        for row, where in zip(rows, places[name], strict=True):
            for column, target in targets:
                value = row.get(column)
                if value and value not in known.get(target, ()) and value not in held.get(target, ()):
                    errors.append(f"{where}: {column} の「{value[:60]}」は {target} にありません（ファイルにも登録済みの"
                                  "データにもありません）。参照先の行を加えるか、id を直してください")
                    if len(errors) >= limit:
                        return errors
    return errors


def existing_ids(table_name: str, ids: Iterable[str]) -> set[str]:
    model = spec.model_for(table_name)
    values = list(ids)
    found: set[str] = set()
    for start in range(0, len(values), 900):
        found.update(model.objects.filter(pk__in=values[start:start + 900]).values_list("pk", flat=True))
    return found
