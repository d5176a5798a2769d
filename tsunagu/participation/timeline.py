"""The case-timeline hook: 参加支援 entries for the cases the actor may see (policy decides which cases).

cases.timeline.case_timeline adds `case_entries(case_ids, actor)` to its own entries (core.timeline.TimelineEntry).
"""

from django.urls import reverse

from tsunagu.core.timeline import TimelineEntry

from .queries import visible_placements


def case_entries(case_ids, actor) -> list[TimelineEntry]:
    entries = []
    for p in visible_placements(case_ids, actor).prefetch_related("check_ins"):
        url = reverse("participation:placement_detail", args=[p.pk])
        entries.append(TimelineEntry(p.started_on, "参加支援", f"{p.service.name}（{p.get_purpose_display()}）開始",
                                     p.arrangement, url, p.agency.name, p.get_status_display()))
        for check_in in p.check_ins.all():
            entries.append(TimelineEntry(check_in.on, "参加支援", f"{p.service.name} の様子", check_in.note, url,
                                         p.agency.name))
        if p.ended_on:
            entries.append(TimelineEntry(p.ended_on, "参加支援", f"{p.service.name} 終了", p.end_reason, url,
                                         p.agency.name, "終了"))
    return entries
