"""The HSDS tabular data package: a folder of CSV files and datapackage.json, written and read.

Export writes every table of the standard (empty ones with their header), so any HSDS tool can read the folder.
Import checks the whole folder first — columns, required values, types, duplicate ids, encoding, size — and
writes nothing unless every row is good: one transaction, row-level messages in Japanese.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tsunagu.resources.models import Service, Visibility
from tsunagu.resources.services import search_refresh

from . import profile, spec
from .nested import rows_from_json

MAX_FILE_BYTES = 20 * 1024 * 1024  # a municipality's whole directory is a few MB; more is a wrong file
MAX_ERRORS = 200
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
REFERENCE_COLUMNS = ("organization_id", "program_id", "service_id", "location_id", "service_at_location_id",
                     "contact_id", "phone_id")


class HsdsImportError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


# ---------- export ----------

def _format(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def table_rows(table: spec.Table, *, public_only: bool) -> tuple[list[str], list[list]]:
    """All rows of one table, as HSDS columns (no selection applied)."""
    model = spec.model_for(table.name)
    names = [spec.attname(table.name, c) for c in table.column_names]
    queryset = model.objects.order_by("id")
    if table.name == "service" and public_only:
        queryset = queryset.filter(visibility=Visibility.PUBLIC, status="active")
    return table.column_names, [list(r) for r in queryset.values_list(*names)]


def collect(*, public_only: bool) -> dict[str, tuple[list[str], list[list]]]:
    """Every table's rows; with public_only, only rows that belong to public services (or to nothing private)."""
    data = {t.name: table_rows(t, public_only=public_only) for t in spec.tables()}
    _add_profile_rows(data)
    if public_only:
        _keep_public(data)
    return data


def _add_profile_rows(data: dict) -> None:
    services = Service.objects.filter(pk__in=[r[0] for r in data["service"][1]]).only(
        "id", "fields", "targets", "kind", "is_consultation_window", "free", "district", "capacity", "vacancy")
    attributes = [row for s in services.iterator(chunk_size=2000) for row in profile.attribute_rows(s)]
    if not attributes:
        return
    for name, rows in (("taxonomy", profile.taxonomy_rows()), ("taxonomy_term", profile.term_rows()),
                       ("attribute", attributes)):
        columns, existing = data[name]
        existing.extend([row.get(c, "") for c in columns] for row in rows)


def _ids(data: dict, name: str) -> set:
    return {row[0] for row in data[name][1]}


def _keep(data: dict, name: str, predicate) -> None:
    columns, rows = data[name]
    index = {c: i for i, c in enumerate(columns)}
    data[name] = (columns, [row for row in rows if predicate(row, index)])


def _keep_public(data: dict) -> None:
    """Drops what belongs to a staff-only service. A reference to an id we do not hold is kept, as imported."""
    before = {name: _ids(data, name) for name in data}
    services = _ids(data, "service")
    before["service"] = set(spec.model_for("service").objects.values_list("id", flat=True))
    _keep(data, "service_at_location", lambda r, i: r[i["service_id"]] in services)
    sal_columns = data["service_at_location"][0]
    locations = {r[sal_columns.index("location_id")] for r in data["service_at_location"][1]}
    service_columns = data["service"][0]
    organizations = {r[service_columns.index("organization_id")] for r in data["service"][1]}
    programs = {r[service_columns.index("program_id")] for r in data["service"][1]}
    _keep(data, "location", lambda r, i: r[0] in locations)
    _keep(data, "organization", lambda r, i: r[0] in organizations)
    _keep(data, "program", lambda r, i: r[0] in programs)
    private = {f"{name}_id": before[name] - _ids(data, name)
               for name in ("service", "location", "organization", "program", "service_at_location")}
    for name in ("contact", "phone", "address", "schedule", "service_area", "language", "accessibility",
                 "cost_option", "funding", "required_document", "organization_identifier"):
        _keep(data, name, lambda r, i: not _references_private(r, i, private))
        if name in ("contact", "phone"):
            private[f"{name}_id"] = before[name] - _ids(data, name)
    hidden = set().union(*private.values())
    _keep(data, "attribute", lambda r, i: r[i["link_id"]] not in hidden)
    _keep(data, "metadata", lambda r, i: r[i["resource_id"]] not in hidden)


def _references_private(row, index, private) -> bool:
    return any(column in index and row[index[column]] in private.get(column, ()) for column in REFERENCE_COLUMNS)


def export_tabular(directory: Path, *, public_only: bool = True) -> dict[str, int]:
    directory.mkdir(parents=True, exist_ok=True)
    data = collect(public_only=public_only)
    counts = {}
    for table in spec.tables():
        columns, rows = data[table.name]
        with (directory / table.path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows([_format(v) for v in row] for row in rows)
        counts[table.name] = len(rows)
    (directory / "datapackage.json").write_text(json.dumps(spec.datapackage(), ensure_ascii=False, indent=2),
                                                encoding="utf-8")
    return counts


# ---------- import: read and check ----------

def decode(raw: bytes, where: str) -> str:
    """UTF-8 (with or without BOM) as the standard says; Shift_JIS too, since Excel on Japanese Windows writes it."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HsdsImportError([f"{where}: 文字コードを判別できません。UTF-8 で保存し直してください。"])


def _type_error(column: spec.Column, value: str) -> str | None:
    try:
        if column.type == "number":
            float(value)
        elif column.type == "date":
            date.fromisoformat(value)
        elif column.type == "datetime":
            datetime.fromisoformat(value)
        elif column.type == "time" and not _TIME.match(value):
            raise ValueError
    except ValueError:
        expected = {"number": "数値", "date": "日付（YYYY-MM-DD）", "datetime": "日時（ISO 8601）",
                    "time": "時刻（HH:MM または HH:MM:SS）"}[column.type]
        return f"{column.name} は{expected}で指定してください（「{value[:40]}」）"
    return None


def check_rows(table: spec.Table, rows: list[dict], where: str) -> list[str]:
    errors = []
    seen: set[str] = set()
    columns = {c.name: c for c in table.columns}
    for number, row in enumerate(rows, start=2):
        prefix = f"{where} {number}行目"
        row_id = row.get("id", "")
        if row_id and row_id in seen:
            errors.append(f"{prefix}: id「{row_id}」が重複しています")
        seen.add(row_id)
        for name, value in row.items():
            column = columns.get(name)
            if column is None:
                continue
            value = "" if value is None else str(value)  # JSON null and numbers arrive as such, not as CSV text
            if not value.strip() and column.required:
                errors.append(f"{prefix}: {name} は必須です")
            elif value and (problem := _type_error(column, value)):
                errors.append(f"{prefix}: {problem}")
        if len(errors) >= MAX_ERRORS:
            break
    return errors


def parse_csv(table: spec.Table, text: str, where: str) -> tuple[list[dict], list[str]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in table.required if c not in header]
        if missing:
            return [], [f"{where}: 必須の列がありません: {', '.join(missing)}"]
        if len(set(header)) != len(header):
            return [], [f"{where}: 同じ名前の列が複数あります"]
        known = set(table.column_names)
        rows = [{k.strip(): (v or "") for k, v in r.items() if k and k.strip() in known} for r in reader]
    except csv.Error as exc:
        return [], [f"{where}: CSV の形式が正しくありません（{exc}）"]
    return rows, check_rows(table, rows, where)


def read_tabular(directory: Path) -> dict[str, list[dict]]:
    if not directory.is_dir():
        raise HsdsImportError([f"{directory}: フォルダが見つかりません"])
    rows_by_table, errors = {}, []
    for table in spec.tables():
        path = directory / table.path
        if not path.exists():
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            errors.append(f"{table.path}: ファイルが大きすぎます（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）")
            continue
        try:
            text = decode(path.read_bytes(), table.path)
        except HsdsImportError as exc:
            errors.extend(exc.errors)
            continue
        rows, problems = parse_csv(table, text, table.path)
        rows_by_table[table.name] = rows
        errors.extend(problems)
    if not rows_by_table and not errors:
        errors.append(f"{directory}: HSDS の CSV ファイル（services.csv など）が見つかりません")
    if errors:
        raise HsdsImportError(errors[:MAX_ERRORS])
    return rows_by_table


# ---------- import: write ----------

def _coerce(table: spec.Table, row: dict) -> dict:
    types = {c.name: c.type for c in table.columns}
    references = {f.attname for f in spec.model_for(table.name)._meta.fields if f.is_relation}
    values = {}
    for name, value in row.items():
        attname = spec.attname(table.name, name)
        if types.get(name) == "number":
            values[attname] = float(value) if value else None
        elif attname in references:
            values[attname] = value or None
        else:
            values[attname] = value
    return values


@transaction.atomic
def write_rows(rows_by_table: dict[str, list[dict]], *, visibility: str = Visibility.PUBLIC) -> ImportResult:
    """Upserts by id. Our own profile taxonomies become profile fields, not rows."""
    result = ImportResult()
    term_ids = profile.tsunagu_term_ids()
    rows_by_table = dict(rows_by_table)
    profile_attributes = _split_profile_attributes(rows_by_table, term_ids)
    rows_by_table["taxonomy"] = [r for r in rows_by_table.get("taxonomy", []) if r["id"] not in profile.tsunagu_taxonomy_ids()]
    rows_by_table["taxonomy_term"] = [r for r in rows_by_table.get("taxonomy_term", []) if r["id"] not in term_ids]
    for table in spec.tables():
        rows = rows_by_table.get(table.name)
        if rows:
            created, updated = _upsert(table, rows, visibility)
            result.created[table.name], result.updated[table.name] = created, updated
    _apply_profiles(rows_by_table.get("service", []), profile_attributes)
    return result


def _split_profile_attributes(rows_by_table: dict, term_ids: dict) -> dict[str, list]:
    by_service: dict[str, list] = {}
    keep = []
    for row in rows_by_table.get("attribute", []):
        term = term_ids.get(row.get("taxonomy_term_id", ""))
        if term is None:
            keep.append(row)
        else:
            by_service.setdefault(row.get("link_id", ""), []).append((*term, row.get("value", "")))
    rows_by_table["attribute"] = keep
    return by_service


def _upsert(table: spec.Table, rows: list[dict], visibility: str) -> tuple[int, int]:
    model = spec.model_for(table.name)
    ids = [r["id"] for r in rows if r.get("id")]
    existing = set()
    for start in range(0, len(ids), 900):
        existing.update(model.objects.filter(pk__in=ids[start:start + 900]).values_list("pk", flat=True))
    new: list[Any] = []  # instances of the table's model
    old: list[Any] = []
    for row in rows:
        values = _coerce(table, row)
        instance = model(**values)
        (old if instance.pk in existing else new).append(instance)
    if table.name == "service":
        today, now = timezone.localdate(), timezone.now()
        for service in new:
            service.visibility, service.verified_on = visibility, today
        for service in new + old:
            service.updated_at = now  # the public pages' cache key follows this
    model.objects.bulk_create(new, batch_size=500)
    columns = sorted({spec.attname(table.name, c) for r in rows for c in r} - {"id"})
    if table.name == "service":
        columns.append("updated_at")
    if old and columns:
        model.objects.bulk_update(old, columns, batch_size=500)
    return len(new), len(old)


def _apply_profiles(service_rows: list[dict], attributes: dict[str, list]) -> None:
    ids = [r["id"] for r in service_rows]
    services: list[Service] = []
    for start in range(0, len(ids), 900):
        services.extend(Service.objects.filter(pk__in=ids[start:start + 900]).select_related("organization"))
    for service in services:
        if service.pk in attributes:
            profile.apply(service, attributes[service.pk])
    Service.objects.bulk_update(services, ["fields", "targets", "kind", "is_consultation_window", "free", "district",
                                           "capacity", "vacancy"], batch_size=500)
    search_refresh(services)


def import_tabular(directory: Path, *, visibility: str = Visibility.PUBLIC) -> ImportResult:
    """A folder of CSV files, or one .json file (a service, an organization, or an API page of them)."""
    if directory.suffix.lower() == ".json" and directory.is_file():
        return import_json(directory, visibility=visibility)
    return write_rows(read_tabular(directory), visibility=visibility)


def read_json(raw: bytes, where: str = "JSON") -> dict[str, list[dict]]:
    if len(raw) > MAX_FILE_BYTES:
        raise HsdsImportError([f"{where}: ファイルが大きすぎます（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）"])
    try:
        rows_by_table = rows_from_json(json.loads(decode(raw, where)))
    except json.JSONDecodeError as exc:
        raise HsdsImportError([f"{where}: JSON の形式が正しくありません（{exc.lineno}行目 {exc.colno}文字目）"]) from exc
    except ValueError as exc:
        raise HsdsImportError([f"{where}: {exc}"]) from exc
    errors = []
    for name, rows in rows_by_table.items():
        table = spec.table(name)
        missing = {c for r in rows for c in table.required if c not in r}
        if missing:
            errors.append(f"{where} の {name}: 必須の項目がありません: {', '.join(sorted(missing))}")
        errors.extend(check_rows(table, rows, f"{where} の {name}"))
    if errors:
        raise HsdsImportError(errors[:MAX_ERRORS])
    return rows_by_table


def import_json(path: Path, *, visibility: str = Visibility.PUBLIC) -> ImportResult:
    return write_rows(read_json(path.read_bytes(), path.name), visibility=visibility)
