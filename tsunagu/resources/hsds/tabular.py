"""The HSDS tabular data package: a folder of CSV files and datapackage.json, written and read.

Export writes every table of the standard (empty ones with their header), so any HSDS tool can read the folder.
Import checks the whole folder first — columns, required values, types, duplicate ids, encoding, size — and
writes nothing unless every row is good: one transaction, row-level messages in Japanese.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from tsunagu.core.progress import Progress
from tsunagu.resources import search
from tsunagu.resources.models import Address, Service, ServiceAtLocation, Visibility

from . import checks, profile, publish, spec
from .nested import rows_from_json

MAX_FILE_BYTES = 20 * 1024 * 1024  # a municipality's whole directory is a few MB; more is a wrong file
MAX_ERRORS = 200
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
    published_in: float = 0.0  # seconds of the publishing transaction

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
# An import reads and checks everything first (nothing is written while a problem remains), then builds every row
# in memory and writes it into staging tables of its own connection, and finally publishes them into the directory
# with one INSERT … SELECT per table in one short transaction (publish.py). So nothing is ever half-written, and on
# SQLite the one lock every save waits for is held for the publication only, not for the reading and checking.

@dataclass
class Parsed:
    """The rows of each table, and where each row was read (file and line, or JSON object)."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    places: dict[str, list[checks.Where]] = field(default_factory=dict)


def decode(raw: bytes, where: str) -> str:
    """UTF-8 (with or without BOM) as the standard says; Shift_JIS too, since Excel on Japanese Windows writes it."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise HsdsImportError([f"{where}: 文字コードを判別できません。UTF-8 で保存し直してください。"])


def parse_csv(table: spec.Table, text: str, where: str) -> tuple[list[dict], list[checks.Where], list[str]]:
    """The rows of one CSV file with the line each starts on (a quoted value may run over several lines)."""
    rows: list[dict] = []
    places: list[checks.Where] = []
    try:
        # csv refuses a field longer than its limit with an English message; the check below names it in Japanese
        csv.field_size_limit(MAX_FILE_BYTES)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in table.required if c not in header]
        if missing:
            return [], [], [f"{where}: 必須の列がありません: {', '.join(missing)}"]
        if len(set(header)) != len(header):
            return [], [], [f"{where}: 同じ名前の列が複数あります"]
        known = [(i, h) for i, h in enumerate(header) if h in set(table.column_names)]
        line = reader.line_num + 1
        for values in reader:
            if values:  # csv skips nothing on its own; a blank line is no row
                if any(v.strip() for v in values[len(header):]):  # a trailing empty column is harmless
                    return [], [], [f"{where} {line}行目: 列の数が見出し（{len(header)} 列）より多くなっています"
                                    f"（{len(values)} 列）。値の中の「,」は値全体を \"\" で囲んでください"]
                rows.append({h: values[i] if i < len(values) else "" for i, h in known})
                places.append(checks.Where(where, line))
            line = reader.line_num + 1
    except csv.Error as exc:
        return [], [], [f"{where} {reader.line_num}行目: CSV の形式が正しくありません（{_csv_problem(exc)}）。"
                        "Excel などで CSV（UTF-8）として保存し直してください"]
    return rows, places, checks.check_rows(table, rows, places, limit=MAX_ERRORS)


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text:
        return "NUL 文字が含まれています"
    if "field larger" in text:
        return "値が長すぎます"
    if "quote" in text or "EOF" in text:
        return "「\"」で囲んだ値が閉じられていません"
    return "区切りや引用符が正しくありません"


def read_tabular(directory: Path) -> Parsed:
    if not directory.is_dir():
        raise HsdsImportError([f"{directory}: フォルダが見つかりません"])
    parsed, errors = Parsed(), []
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
        rows, places, problems = parse_csv(table, text, table.path)
        parsed.rows[table.name], parsed.places[table.name] = rows, places
        errors.extend(problems)
    if not parsed.rows and not errors:
        errors.append(f"{directory}: HSDS の CSV ファイル（services.csv など）が見つかりません")
    _finish_checks(parsed, errors)
    return parsed


def _finish_checks(parsed: Parsed, errors: list[str]) -> None:
    """The references, once every value is good; raises with every problem found."""
    if not errors:
        errors.extend(checks.check_references(parsed.rows, parsed.places, checks.existing_ids, limit=MAX_ERRORS))
    if errors:
        raise HsdsImportError(errors[:MAX_ERRORS])


def read_json(raw: bytes, where: str = "JSON") -> Parsed:
    if len(raw) > MAX_FILE_BYTES:
        raise HsdsImportError([f"{where}: ファイルが大きすぎます（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）"])
    try:
        rows_by_table = rows_from_json(json.loads(decode(raw, where)))
    except json.JSONDecodeError as exc:
        raise HsdsImportError([f"{where}: JSON の形式が正しくありません（{exc.lineno}行目 {exc.colno}文字目）"]) from exc
    except RecursionError as exc:
        raise HsdsImportError([f"{where}: JSON の入れ子が深すぎます"]) from exc
    except ValueError as exc:
        raise HsdsImportError([f"{where}: {exc}"]) from exc
    parsed, errors = Parsed(), []
    for name, rows in rows_by_table.items():
        table = spec.table(name)
        places = [checks.Where(where, item=f"の {name} {n}件目" + (f"（id {str(r.get('id'))[:40]}）" if r.get("id") else ""))
                  for n, r in enumerate(rows, start=1)]
        parsed.rows[name], parsed.places[name] = rows, places
        missing = {c for r in rows for c in table.required if c not in r}
        if missing:
            errors.append(f"{where} の {name}: 必須の項目がありません: {', '.join(sorted(missing))}")
        errors.extend(checks.check_rows(table, rows, places, limit=MAX_ERRORS))
    _finish_checks(parsed, errors)
    return parsed


# ---------- import: build the rows, then publish ----------

def import_tabular(directory: Path, *, visibility: str = Visibility.PUBLIC, progress: Progress | None = None
                   ) -> ImportResult:
    """A folder of CSV files, or one .json file (a service, an organization, or an API page of them)."""
    progress = progress or Progress(io.StringIO())
    progress.stage("ファイルを読み、すべての行を確認しています")
    if directory.suffix.lower() == ".json" and directory.is_file():
        parsed = read_json(directory.read_bytes(), directory.name)
    else:
        parsed = read_tabular(directory)
    return write_rows(parsed, visibility=visibility, progress=progress)


def import_json(path: Path, *, visibility: str = Visibility.PUBLIC) -> ImportResult:
    return write_rows(read_json(path.read_bytes(), path.name), visibility=visibility)


def write_rows(parsed: Parsed, *, visibility: str = Visibility.PUBLIC, progress: Progress | None = None
               ) -> ImportResult:
    """Upserts by id. Our own profile taxonomies become profile fields, not rows."""
    progress = progress or Progress(io.StringIO())
    progress.stage("書き込む行を用意しています")
    rows_by_table = dict(parsed.rows)
    term_ids = profile.tsunagu_term_ids()
    profile_attributes = _split_profile_attributes(rows_by_table, term_ids)
    rows_by_table["taxonomy"] = [r for r in rows_by_table.get("taxonomy", []) if r["id"] not in profile.tsunagu_taxonomy_ids()]
    rows_by_table["taxonomy_term"] = [r for r in rows_by_table.get("taxonomy_term", []) if r["id"] not in term_ids]
    result = ImportResult()
    batches: list[publish.Batch] = []
    tables = [t for t in spec.tables() if rows_by_table.get(t.name)]
    for done, table in enumerate(tables):
        batch = _batch(table, rows_by_table[table.name], visibility)
        batches.append(batch)
        result.created[table.name], result.updated[table.name] = batch.created, batch.updated
        progress.update(done + 1, len(tables), " 表")
    services = next((b for b in batches if b.model is Service), None)
    if services is not None:
        _apply_profiles(services, profile_attributes, rows_by_table)
    result.published_in = publish.publish(batches, progress=progress)
    progress.done(f"読み込みました（{result.total:,} 行）")
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


@cache
def _conversions(table_name: str) -> dict[str, tuple[str, str]]:
    """HSDS column → (model attname, "number" | "reference" | "text")."""
    table = spec.table(table_name)
    references = {f.attname for f in spec.model_for(table_name)._meta.fields if f.is_relation}
    found = {}
    for column in table.columns:
        attname = spec.attname(table_name, column.name)
        kind = "number" if column.type == "number" else "reference" if attname in references else "text"
        found[column.name] = (attname, kind)
    return found


def _coerce(table: spec.Table, row: dict) -> dict:
    conversions = _conversions(table.name)
    values: dict[str, Any] = {}
    for name, value in row.items():
        attname, kind = conversions[name]
        if kind == "number":
            values[attname] = float(value) if value not in ("", None) else None
        elif kind == "reference":
            values[attname] = value or None
        else:
            values[attname] = "" if value is None else str(value)
    return values


def _batch(table: spec.Table, rows: list[dict], visibility: str) -> publish.Batch:
    """Every row of one table as a model instance, in memory: a new row with the model's defaults, a service
    already held with its stored values and the file's over them (its search text is computed from both)."""
    model = spec.model_for(table.name)
    ids = [r["id"] for r in rows if r.get("id")]
    columns = sorted({spec.attname(table.name, c) for r in rows for c in r} - {"id"})
    if model is Service:
        held: dict[str, Any] = {}
        for start in range(0, len(ids), 900):
            held.update(Service.objects.in_bulk(ids[start:start + 900]))
    else:
        held = dict.fromkeys(checks.existing_ids(table.name, ids))
    instances: list[Any] = []
    today, now = timezone.localdate(), timezone.now()
    for row in rows:
        values = _coerce(table, row)
        stored = held.get(values.get("id") or "")
        if stored is not None:
            for name, value in values.items():
                setattr(stored, name, value)
            instance = stored
        else:
            instance = model(**values)
            if model is Service:
                instance.visibility, instance.verified_on = visibility, today
        if model is Service:
            instance.updated_at = now  # the public pages' cache key follows this
        instances.append(instance)
    if model is Service:
        columns += ["updated_at", *PROFILE_COLUMNS, *SEARCH_COLUMNS]
    updated = sum(1 for i in ids if i in held)
    return publish.Batch(model, instances, columns, created=len(instances) - updated, updated=updated)


PROFILE_COLUMNS = ["fields", "targets", "kind", "is_consultation_window", "free", "district", "capacity", "vacancy"]
SEARCH_COLUMNS = ["search_text", "search_name", "search_chars"]


def _apply_profiles(batch: publish.Batch, attributes: dict[str, list], rows_by_table: dict[str, list[dict]]) -> None:
    """The profile read from our own attributes, and each service's search text from what it will be once
    published: its organization's name and its places' names and addresses, from the file or else the directory."""
    services: list[Service] = batch.instances
    for service in services:
        if service.pk in attributes:
            profile.apply(service, attributes[service.pk])
    organizations = _names("organization", {s.organization_id for s in services if s.organization_id},
                           rows_by_table, "name")
    places = _place_words(services, rows_by_table)
    for service in services:
        service.search_text = search.search_text_for(service, organization_name=organizations.get(service.organization_id or "", ""),
                                                     extra=places.get(service.pk))
        service.search_name = search.normalize(service.name)
        service.search_chars = search.chars(service.search_text)


def _names(table_name: str, ids: set, rows_by_table: dict[str, list[dict]], column: str) -> dict[str, str]:
    found = {r["id"]: r.get(column, "") for r in rows_by_table.get(table_name, []) if r.get("id") in ids}
    rest = [i for i in ids if i not in found]
    model = spec.model_for(table_name)
    for start in range(0, len(rest), 900):
        found.update(model.objects.filter(pk__in=rest[start:start + 900]).values_list("pk", column))
    return found


def _place_words(services: list[Service], rows_by_table: dict[str, list[dict]]) -> dict[str, list[str]]:
    ids = [s.pk for s in services]
    links = {(r["service_id"], r["location_id"]) for r in rows_by_table.get("service_at_location", [])
             if r.get("service_id") and r.get("location_id")}
    for start in range(0, len(ids), 900):
        links.update(ServiceAtLocation.objects.filter(service_id__in=ids[start:start + 900])
                     .exclude(location_id=None).values_list("service_id", "location_id"))
    locations = {location for _, location in links}
    names = _names("location", locations, rows_by_table, "name")
    addresses: dict[str, list[str]] = {}
    for row in rows_by_table.get("address", []):
        if row.get("location_id") in locations and row.get("address_1"):
            addresses.setdefault(row["location_id"], []).append(row["address_1"])
    missing = [location for location in locations if location not in addresses]
    for start in range(0, len(missing), 900):
        for location, line in Address.objects.filter(location_id__in=missing[start:start + 900]).values_list(
                "location_id", "address_1"):
            if line:
                addresses.setdefault(location, []).append(line)
    words: dict[str, list[str]] = {}
    for service, location in sorted(links):
        words.setdefault(service, []).extend(w for w in (names.get(location), *addresses.get(location, [])) if w)
    return words
