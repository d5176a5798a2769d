"""Dashboard panel: the entries the acting agency maintains that nobody has confirmed for twelve months."""

from tsunagu.core.dashboard import Panel

from . import queries


def panels(actor) -> list[Panel]:
    if actor.agency is None:
        return []
    stale = list(queries.stale_for(actor.agency)[:5])
    if not stale:
        return []
    count = queries.stale_for(actor.agency).count()
    return [Panel(title="確認が必要な社会資源", template="resources/_panel_stale.html",
                  context={"stale": stale, "count": count}, order=60, count=count)]
