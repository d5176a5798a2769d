"""公表した集計: a 年度 whose figures were published keeps them as published.

`snapshot_of` turns the year's figures (every agency's cells and totals, and the definition each figure was counted
by) into JSON; `published_table` reads them back as a `figures.Table`, so the page, the workbook and the API show
the published values. The records may change afterwards — a consultation taken back (取消) because it was recorded
by mistake, a late entry — and the live figures with them: `corrections` lists every cell whose live value now
differs from the published one (公表後の訂正), without rewriting what was published.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from tsunagu.agencies.models import Agency

from .figures import Cell, Figure, Table, Value, yearly_figures
from .models import Publication


def snapshot_of(table: Table) -> dict[str, Any]:
    """The table as JSON (`Table.as_json`): {"definitions": {key: since}, "agencies": [ids], "cells": {agency|all:
    {key: {month: v}}}, "year": {agency|all: {key: v}}, "firsts": {key: {month: n}}} — "firsts" (each one counted
    in its first month, for the targets' running totals) since 2026-12; an earlier snapshot's are read from the live
    figures."""
    return table.as_json()


def latest(fiscal_year: int) -> Publication | None:
    return Publication.objects.filter(fiscal_year=fiscal_year).order_by("-published_at", "-pk").first()


def published_table(publication: Publication, *, agency_id: int | None = None) -> Table:
    """The published figures as a Table: of every agency (agency_id None), or of one agency alone, as
    `yearly_figures(agency_id=…)` would give them."""
    data = publication.snapshot
    table = Table.from_json(publication.fiscal_year, data)
    if agency_id is not None:
        return table.alone(agency_id)
    if "firsts" not in data:
        table.firsts = yearly_figures(publication.fiscal_year).firsts
    return table


@dataclass(frozen=True)
class Correction:
    figure: Figure
    agency: Agency | None  # None: every agency together
    month: date | None  # None: the year
    published: Cell
    current: Cell

    @property
    def difference(self) -> Value | None:
        if self.published is None or self.current is None:
            return None
        return round(self.current - self.published, 1)


def corrections(publication: Publication, live: Table) -> list[Correction]:
    """Every cell of the published figures whose live value now differs (公表後の訂正): the totals first, then each
    agency, each figure in the 集計's order, the year before its months."""
    published = published_table(publication)
    ids = {pk for pk in (*published.year, *live.year) if pk is not None}
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    found = []
    for agency_id in [None, *sorted(agencies, key=lambda pk: (agencies[pk].kana, agencies[pk].name, pk))]:
        for figure in published.figures:
            for month in (None, *published.months):
                before = published.value(figure.key, agency_id, month)
                now = live.value(figure.key, agency_id, month)
                if before != now:
                    found.append(Correction(figure, agencies.get(agency_id) if agency_id else None, month, before, now))
    return found


def shown(fiscal_year: int, *, agency_id: int | None = None) -> tuple[Table, Publication | None, list[Correction]]:
    """What the 集計 shows of a 年度: its published figures with the corrections since, or the live figures."""
    publication = latest(fiscal_year)
    if publication is None:
        return yearly_figures(fiscal_year, agency_id=agency_id), None, []
    found = corrections(publication, yearly_figures(fiscal_year))
    if agency_id is not None:
        found = [c for c in found if c.agency is not None and c.agency.pk == agency_id]
    return published_table(publication, agency_id=agency_id), publication, found
