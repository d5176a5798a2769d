from tsunagu.core.dashboard import Panel

from .actor import Actor
from .queries import MEMBERSHIP_CHANGE_DAYS, admin_locked_staff, failed_sign_in_locks, membership_changes

_SHOWN = 20


def panels(actor: Actor) -> list[Panel]:
    if actor.is_admin:
        failed = failed_sign_in_locks()
        by_admin = list(admin_locked_staff())
        return [Panel(title="ロック中のアカウント", template="agencies/panel_locked.html",
                      context={"failed": failed, "by_admin": by_admin}, order=10,
                      count=len(failed) + len(by_admin) or None)]
    if actor.is_manager and actor.agency_id is not None:
        # Who was given (or lost) a way into this agency's persons, and by whom: never silent.
        changes = list(membership_changes(agency_id=actor.agency_id, days=MEMBERSHIP_CHANGE_DAYS)[:_SHOWN + 1])
        if not changes:
            return []
        return [Panel(title="システム管理者による所属の変更", template="agencies/panel_membership_changes.html",
                      context={"changes": changes[:_SHOWN], "more": len(changes) > _SHOWN,
                               "days": MEMBERSHIP_CHANGE_DAYS}, order=15, count=len(changes[:_SHOWN]))]
    return []
