"""国の様式: the national 帳票's items, in order, read from docs/NATIONAL_FORMS.md — the one home of the lists, so a
print, a screen's bold frame (国への報告事項) and a figure all ask the same file.

The file holds a sources table (under 「## 出典」) and, for each form, a heading `## 様式 <key>: <title>` followed by
one table `section | item | label | choices | 国への報告 | source`. Anything else in the file is prose for people. A
malformed row, an item key used twice in a form, or a source key the sources table does not hold is refused with
the line it is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "NATIONAL_FORMS.md"
TEAM_DECISION = "（チームの判断）"
REPORTED = "○"
FORM_COLUMNS = ("section", "item", "label", "choices", "国への報告", "source")
SOURCE_COLUMNS = ("source", "title", "publisher", "date", "where found")

_FORM_HEADING = re.compile(r"^## 様式 (?P<key>[a-z][a-z0-9_]*): (?P<title>.+)$")
_ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_KEY = re.compile(r"\bS\d+\b")


class FormsFileError(ValueError):
    """docs/NATIONAL_FORMS.md does not read as the forms' tables: the message names the line."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    date: str
    where: str


@dataclass(frozen=True)
class FormItem:
    section: str
    key: str
    label: str
    choices: tuple[str, ...]
    reported: bool  # 国への報告事項
    source: str  # as written: source keys, and 「（チームの判断）」 where the team decided

    @property
    def source_keys(self) -> tuple[str, ...]:
        return tuple(_SOURCE_KEY.findall(self.source))

    @property
    def team_decision(self) -> bool:
        return TEAM_DECISION in self.source


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class NationalForm:
    key: str
    title: str
    items: tuple[FormItem, ...]

    @property
    def sections(self) -> tuple[Section, ...]:
        """The items grouped by section, in the form's order (a section is one run of rows)."""
        groups: list[Section] = []
        for item in self.items:
            if groups and groups[-1].title == item.section:
                groups[-1] = Section(item.section, (*groups[-1].items, item))
            else:
                groups.append(Section(item.section, (item,)))
        return tuple(groups)

    @property
    def reported_items(self) -> tuple[FormItem, ...]:
        return tuple(item for item in self.items if item.reported)

    def item(self, key: str) -> FormItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(f"{self.key} has no item {key!r}")


@dataclass(frozen=True)
class NationalForms:
    sources: dict[str, Source]
    forms: dict[str, NationalForm]

    def __getitem__(self, key: str) -> NationalForm:
        return self.forms[key]


@cache
def national_forms() -> NationalForms:
    """The forms of docs/NATIONAL_FORMS.md, read once per process."""
    return parse(DOCUMENT.read_text(encoding="utf-8"))


def form(key: str) -> NationalForm:
    return national_forms()[key]


def parse(text: str) -> NationalForms:
    lines = text.splitlines()
    sources: dict[str, Source] = {}
    forms: dict[str, NationalForm] = {}
    heading: tuple[str, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            heading = _heading(line)
        elif line.startswith("|") and heading is not None:
            rows, index = _table(lines, index)
            kind, title = heading
            if kind == "出典":
                sources.update(_sources(rows))
            elif kind not in forms:
                forms[kind] = NationalForm(kind, title, _items(kind, rows))
            heading = None
            continue
        index += 1
    _check_sources(forms, sources)
    return NationalForms(sources, forms)


def _heading(line: str) -> tuple[str, str] | None:
    if line.strip() == "## 出典":
        return ("出典", "出典")
    match = _FORM_HEADING.match(line)
    return (match["key"], match["title"].strip()) if match else None


_Row = tuple[int, tuple[str, ...]]


def _table(lines: list[str], start: int) -> tuple[list[_Row], int]:
    """The rows of the pipe table starting at `start` (header first, the |---| line left out), and the next line."""
    rows: list[_Row] = []
    index = start
    while index < len(lines) and lines[index].startswith("|"):
        cells = tuple(cell.strip() for cell in lines[index].strip().strip("|").split("|"))
        if not all(set(cell) <= set("-: ") for cell in cells):
            rows.append((index + 1, cells))
        index += 1
    return rows, index


def _columns(rows: list[_Row], expected: tuple[str, ...]) -> list[_Row]:
    if not rows:
        raise FormsFileError("a table without rows")
    line, header = rows[0]
    if header != expected:
        raise FormsFileError(f"line {line}: the columns must be {' | '.join(expected)}, not {' | '.join(header)}")
    for number, cells in rows[1:]:
        if len(cells) != len(expected):
            raise FormsFileError(f"line {number}: {len(cells)} cells, {len(expected)} columns")
    return rows[1:]


def _sources(rows: list[_Row]) -> dict[str, Source]:
    return {cells[0]: Source(*cells) for _, cells in _columns(rows, SOURCE_COLUMNS)}


def _items(form_key: str, rows: list[_Row]) -> tuple[FormItem, ...]:
    items: list[FormItem] = []
    seen: set[str] = set()
    for line, (section, key, label, choices, reported, source) in _columns(rows, FORM_COLUMNS):
        if not _ITEM_KEY.match(key) or key in seen:
            raise FormsFileError(f"line {line}: item {key!r} of {form_key} is not a new lower-case key")
        if reported not in ("", REPORTED) or not (section and label and source):
            raise FormsFileError(f"line {line}: a section, a label and a source, and 国への報告 empty or {REPORTED}")
        seen.add(key)
        items.append(FormItem(section, key, label, tuple(c for c in choices.split("／") if c), reported == REPORTED,
                              source))
    if not items:
        raise FormsFileError(f"the form {form_key} has no items")
    return tuple(items)


def _check_sources(forms: dict[str, NationalForm], sources: dict[str, Source]) -> None:
    for national_form in forms.values():
        for item in national_form.items:
            unknown = [key for key in item.source_keys if key not in sources]
            if unknown or not (item.source_keys or item.team_decision):
                raise FormsFileError(f"{national_form.key}.{item.key}: source {item.source!r} is not in 出典")
