"""Dashboard panels: intake in one click, referral notices (the badge is the panel's count), and for the
coordinator the overdue referrals. No personal data on any of them."""

from tsunagu.core.dashboard import Panel
from tsunagu.sharing.queries import open_inquiries

from .queries import overdue_referrals, unread_notifications


def panels(actor) -> list[Panel]:
    if actor.agency_id is None or actor.role == "admin":
        return []
    unread = unread_notifications(actor.agency_id)
    result = [
        Panel("相談受付", "cases/panel_intake.html", order=10),
        Panel("つなぎのお知らせ", "cases/panel_notifications.html", {"rows": list(unread[:5])}, order=20, count=unread.count()),
    ]
    if actor.is_coordinator:
        overdue = overdue_referrals()
        result.append(Panel("期日を過ぎたつなぎ", "cases/panel_overdue.html",
                            {"rows": list(overdue[:5]), "inquiries": open_inquiries().count()}, order=15, count=overdue.count()))
    return result
