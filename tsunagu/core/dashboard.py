"""The dashboard: panels contributed by each app's `dashboard.py`, for the acting staff member's role."""

from dataclasses import dataclass, field
from typing import Any

from .registry import app_modules


@dataclass
class Panel:
    """One box on the dashboard. `template` renders `context`; `order` sorts panels (lower first)."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    count: int | None = None


def panels_for(actor: object) -> list[Panel]:
    """`actor` is the acting staff member (agencies.actor.Actor), handed to each app's panels as it is."""
    panels: list[Panel] = []
    for module in app_modules("dashboard"):
        if module.__name__ == __name__:
            continue
        panels.extend(module.panels(actor))
    return sorted(panels, key=lambda p: p.order)
