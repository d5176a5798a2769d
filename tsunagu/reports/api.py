"""/api/reports/figures — the yearly figures (J12) as JSON, with the page's rules: the planner
(tsunagu.agencies.permissions.is_planner) may ask for every agency or one; anyone else gets her own agency's, and 404 for
another's. A published year gives its published figures (reports.published). Counts only: no person is named,
nothing is logged."""

from datetime import datetime

from ninja import P, QueryEx, Router, Schema
from ninja.errors import HttpError

from tsunagu.agencies.actor import ActorRequest
from tsunagu.core.fiscal import EARLIEST_YEAR

from . import published
from .figures import NOT_YET, agency_in_scope

PREFIX = "reports/"
router = Router(tags=["集計"])


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    months: list[int | float | None]  # April … March; null: a month still to come, or (answer_days) nothing answered
    year: int | float | None


class AgencyFiguresOut(Schema):
    agency_id: int
    name: str
    year: dict[str, int | float | None]  # figure key → the year's value


class FiguresOut(Schema):
    fiscal_year: int
    published_at: datetime | None  # the year's figures as published then (公表値), or null: the live figures
    corrections: int  # cells whose live value differs from the published one since (公表後の訂正)
    label: str
    agency_id: int | None
    months: list[str]  # "2025-04" … "2026-03"
    figures: list[FigureOut]
    agencies: list[AgencyFiguresOut]  # every agency's year, when all agencies were asked for


@router.get("/figures", response=FiguresOut, summary="年度の実績（月別・機関別）")
def figures(request: ActorRequest, year: QueryEx[int, P(ge=EARLIEST_YEAR, le=2100)],
            agency_id: QueryEx[int | None, P(ge=1, le=2**31 - 1)] = None) -> dict[str, object]:
    agency, as_asked = agency_in_scope(request.actor, agency_id) if request.actor.agency else (None, False)
    if not as_asked:
        raise HttpError(404, "見つかりません。")
    agency_id = agency.pk if agency else None
    table, publication, corrections = published.shown(year, agency_id=agency_id)
    return {
        "fiscal_year": year, "label": table.label, "agency_id": agency_id,
        "published_at": publication.published_at if publication else None, "corrections": len(corrections),
        "months": [m.strftime("%Y-%m") for m in table.months],
        "figures": [{"key": row["figure"].key, "label": row["figure"].label, "unit": row["figure"].unit,
                     "months": [None if v == NOT_YET else v for v in row["months"]], "year": row["year"]}
                    for row in table.rows_by_month(agency_id)],
        "agencies": [] if agency_id is not None else [
            {"agency_id": one["agency"].pk, "name": one["agency"].name,
             "year": {f.key: v for f, v in zip(table.figures, one["values"], strict=True)}} for one in table.rows_by_agency()],
    }
