"""Sections that a higher app adds to a lower app's page, found through core.registry.

A person's page shows her cases (from `cases`) and her consents (from `sharing`), yet `people` imports neither: each
app's `sections.py` has one function per page it adds to — `person(request, person)`,
`household(request, household, members)` — returning `Section`s, each read through the policy by the app that owns
the rows. The page includes each section's template (with `section` in its context) where its `slot` is, in `order`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .registry import app_modules


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    slot: str = "main"


def sections_for(page: str, request: HttpRequest, **rows: Any) -> list[Section]:
    """Every app's sections for `page` (the name of the function in its `sections.py`), lowest `order` first."""
    found: list[Section] = []
    for module in app_modules("sections"):
        provider = getattr(module, page, None)
        if provider is not None:
            found.extend(provider(request, **rows))
    return sorted(found, key=lambda section: section.order)
