"""Dashboard panels: the agency's overdue and upcoming follow-ups, its overdue visits (訪問計画), and for the
coordinator the 制度の狭間 count."""

from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AccessAction
from tsunagu.core.dashboard import Panel
from tsunagu.sharing import policy

from .queries import agency_followups, gap_total, overdue_visits


def panels(actor) -> list[Panel]:
    if actor.agency_id is None or actor.role == "admin":
        return []
    today = timezone.localdate()
    found = agency_followups(actor, limit=8)
    # The panel names the cases, so the read is logged like any list of personal data.
    policy.log_reads(actor, found.cases, action=AccessAction.LIST, path=reverse("dashboard"))
    result = [Panel("フォローアップ（つながり続ける支援）", "followups/panel_followups.html",
                    {"rows": found.rows, "today": today, "overdue": found.overdue}, order=25, count=found.overdue or None)]
    visits, late = overdue_visits(actor)
    if late:
        policy.log_reads(actor, [v.case for v in visits], action=AccessAction.LIST, path=reverse("dashboard"))
        result.append(Panel("訪問予定日を過ぎた訪問", "followups/panel_visits.html",
                            {"rows": visits, "late": late}, order=24, count=late))
    if actor.is_coordinator:
        result.append(Panel("制度の狭間", "followups/panel_gaps.html", {"total": gap_total(today)}, order=12))
    return result
