"""Validation against the official HSDS 3.0 JSON schemas (vendored in tsunagu/resources/hsds/schema), with the
cross-file `$ref`s resolved through a `referencing` registry."""

import csv
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tsunagu.resources.hsds import spec

BASE = "https://tsunagu.invalid/hsds/"


@cache
def registry() -> Registry:
    resources = []
    for path in spec.SCHEMA_DIR.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((BASE + path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": BASE + f"{name}.json"}, registry=registry(), format_checker=FormatChecker())


def errors_for(name: str, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(document)]


def typed_row(table: spec.Table, row: dict) -> dict:
    """A CSV row as the JSON object the schema describes: numbers as numbers, empty cells left out."""
    types = {c.name: c.type for c in table.columns}
    out = {}
    for key, value in row.items():
        if value == "":
            continue
        out[key] = float(value) if types.get(key) == "number" else value
    return out


def export_errors(directory: Path) -> list[str]:
    problems = []
    for table in spec.tables():
        with (directory / table.path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == table.column_names, f"{table.path} の列が HSDS と違います"
            for number, row in enumerate(reader, start=2):
                problems += [f"{table.path}:{number} {e}" for e in errors_for(table.name, typed_row(table, row))]
    return problems
