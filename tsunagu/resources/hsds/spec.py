"""HSDS 3.0 as data: the tables, columns and types come from the official datapackage.json (vendored here with its
CC BY-SA 4.0 licence), so the importer and exporter follow the standard rather than a copy of it in code."""

import json
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tsunagu.resources import models

HERE = Path(__file__).resolve().parent
DATAPACKAGE = HERE / "datapackage.json"
SCHEMA_DIR = HERE / "schema"
VERSION = "3.0"

# Where a model field's name differs from the HSDS column (a foreign key `taxonomy` owns the column
# `taxonomy_id`, so the free-text column `taxonomy` is stored as `taxonomy_label`).
ALIASES = {("taxonomy_term", "taxonomy"): "taxonomy_label"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, number, date, time, datetime
    required: bool
    format: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


@cache
def datapackage() -> dict:
    return json.loads(DATAPACKAGE.read_text(encoding="utf-8"))


@cache
def tables() -> tuple[Table, ...]:
    found = []
    for resource in datapackage()["resources"]:
        columns = tuple(
            Column(f["name"], f["type"], bool(f.get("constraints", {}).get("required")), f.get("format"))
            for f in resource["schema"]["fields"]
        )
        found.append(Table(resource["name"], resource["path"], columns))
    return tuple(found)


def table(name: str) -> Table:
    return next(t for t in tables() if t.name == name)


@cache
def models_by_table() -> dict:
    found = {}
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, models.HsdsModel) and value.hsds_table:
            found[value.hsds_table] = value
    return found


def model_for(table_name: str):
    return models_by_table()[table_name]


def attname(table_name: str, column: str) -> str:
    return ALIASES.get((table_name, column), column)


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


# The Japanese profile travels as HSDS attributes on the service, against taxonomies of our own whose ids are
# fixed (uuid5), so any HSDS reader keeps them and a Tsunagu reading the file restores them.
TSUNAGU_NAMESPACE = uuid.UUID("6f1c3c52-8d0e-4a59-9d6b-2f8a1e0c7b11")


def tsunagu_id(*parts: str) -> str:
    return str(uuid.uuid5(TSUNAGU_NAMESPACE, ":".join(parts)))
