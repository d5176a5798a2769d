from tsunagu.core.dashboard import Panel

from . import queries


def panels(actor) -> list[Panel]:
    """受付待ち: the coordinator's count of waiting 相談の申込み; an agency's count of those passed to it (a count, no
    personal data — the list is behind the link)."""
    if actor.agency_id is None or actor.is_admin:
        return []
    waiting = queries.waiting_count(actor)
    if not waiting and not actor.is_coordinator:
        return []
    return [Panel(title="相談の申込み（受付待ち）", template="inquiries/panel_queue.html",
                  context={"waiting": waiting}, order=15, count=waiting or None)]
