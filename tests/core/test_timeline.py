"""One TimelineEntry: cases' timeline and every app's plug-in build the same entry (core.timeline)."""

from tsunagu.core.registry import app_modules
from tsunagu.core.timeline import TimelineEntry


def test_every_timeline_plug_in_builds_the_one_entry():
    modules = [m for m in app_modules("timeline") if m.__name__ != "tsunagu.core.timeline"]
    assert len(modules) >= 2
    for module in modules:
        assert getattr(module, "TimelineEntry", TimelineEntry) is TimelineEntry, module.__name__
