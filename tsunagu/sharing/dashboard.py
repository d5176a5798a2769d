"""本人の権利 on the dashboard: the open 開示請求 touching an agency's records, for its managers (受付番号 and dates,
no personal data), and the 転入 bundles waiting for the coordinator."""

from django.utils import timezone

from tsunagu.core.dashboard import Panel

from .models import MoveIn, MoveInStatus
from .rights import open_requests_for


def panels(actor) -> list[Panel]:  # type: ignore[no-untyped-def]  # core.dashboard hands the actor as it is
    if actor.agency_id is None or actor.is_admin:
        return []
    found = []
    if actor.is_manager:
        requests = open_requests_for(actor.agency_id, timezone.localdate())
        if requests:
            found.append(Panel(title="開示請求（貴機関の記録が対象）", template="sharing/panel_disclosure_requests.html",
                               context={"requests": requests}, order=15, count=len(requests)))
    if actor.is_coordinator:
        waiting = MoveIn.objects.filter(status=MoveInStatus.OPEN).count()
        found.append(Panel(title="本人の権利（開示請求・転入）", template="sharing/panel_move_ins.html",
                           context={"waiting": waiting}, order=16, count=waiting or None))
    return found
