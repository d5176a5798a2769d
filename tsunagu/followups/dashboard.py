"""Dashboard panels: the agency's overdue and upcoming follow-ups, and for the coordinator the 制度の狭間 count."""

from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AccessAction
from tsunagu.core.dashboard import Panel
from tsunagu.sharing import policy

from .queries import agency_followups, gap_total, overdue_count


def panels(actor) -> list[Panel]:
    if actor.agency_id is None or actor.role == "admin":
        return []
    today = timezone.localdate()
    rows = agency_followups(actor, limit=8)
    overdue = overdue_count(actor.agency_id)
    # The panel names the cases, so the read is logged like any list of personal data.
    policy.log_reads(actor, list({f.case_id: f.case for f in rows}.values()), action=AccessAction.LIST, path=reverse("dashboard"))
    result = [Panel("フォローアップ（つながり続ける支援）", "followups/panel_followups.html",
                    {"rows": rows, "today": today, "overdue": overdue}, order=25, count=overdue or None)]
    if actor.is_coordinator:
        result.append(Panel("制度の狭間", "followups/panel_gaps.html", {"total": gap_total(today)}, order=12))
    return result
