"""Meeting entries for a case's timeline: the sittings that discussed it, with the decisions taken.

Plug-in for tsunagu.cases.timeline (found through core.registry.app_modules("timeline")). Only meetings the
actor currently sits on contribute, so what a 要保護児童対策地域協議会 recorded stays with its members.
"""

from django.urls import reverse

from tsunagu.core.timeline import TimelineEntry
from tsunagu.sharing import policy

from .models import Decision, Meeting, SittingItem


def case_entries(case_ids, actor, *, limit: int = 100) -> list[TimelineEntry]:
    meetings = policy.visible_meetings(Meeting.objects.all(), actor).values("pk")
    talks = (SittingItem.objects.filter(agenda_item__case_id__in=case_ids, sitting__meeting_id__in=meetings)
             .select_related("sitting__meeting").order_by("-sitting__held_on")[:limit])
    decided: dict[tuple[int, int | None], list[str]] = {}
    for d in Decision.objects.filter(agenda_item__case_id__in=case_ids, sitting__meeting_id__in=meetings).order_by("pk"):
        decided.setdefault((d.sitting_id, d.agenda_item_id), []).append(d.text)
    return [TimelineEntry(t.sitting.held_on, "会議", f"{t.sitting.meeting.title} 第{t.sitting.number}回",
                          "\n".join([t.discussion, *("決定: " + x for x in decided.get((t.sitting_id, t.agenda_item_id), []))]).strip(),
                          reverse("meetings:sitting", args=[t.sitting_id]), "", t.sitting.meeting.get_kind_display()) for t in talks]
