from tsunagu.core.dashboard import Panel

from . import queries


def panels(actor) -> list[Panel]:
    """The coordinator sees how many pairs wait for her 名寄せ review (a count, no personal data), when 名寄せ last
    succeeded, whether that is overdue, a run in progress and the latest failed or skipped attempt."""
    if not actor.is_coordinator:
        return []
    state = queries.run_state()
    run = state.last_done
    waiting = queries.open_review_count(run) if run else 0
    return [Panel(title="名寄せの確認待ち", template="linkage/panel_review.html",
                  context={"waiting": waiting, "run": run, "state": state}, order=40, count=waiting or None)]
