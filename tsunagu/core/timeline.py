"""One entry of a case's or household's timeline: the shape every app's `timeline.py` plug-in returns.

cases.timeline merges its own entries with those of each app's `case_entries(case_ids, actor)` (found through
core.registry), so the entry lives here, where every app may import it, lower apps included.
"""

from dataclasses import dataclass
from datetime import date


@dataclass
class TimelineEntry:
    on: date
    kind: str
    title: str
    body: str = ""
    url: str = ""
    agency: str = ""
    tag: str = ""
