from tsunagu.core.dashboard import Panel

from .queries import locked_login_ids


def panels(actor) -> list[Panel]:
    if not actor.is_admin:
        return []
    locked = locked_login_ids()
    return [Panel(title="ロック中のアカウント", template="agencies/panel_locked.html",
                  context={"locked": locked}, order=10, count=len(locked) or None)]
