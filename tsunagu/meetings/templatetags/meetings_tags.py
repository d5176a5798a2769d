"""`{% load meetings_tags %}{% case_meetings case %}` — the meetings the case is on (of those the actor sits on),
for the case page, and a link to put it on a meeting's agenda."""

from django import template
from django.utils import timezone

from tsunagu.core.dates import DateStyle
from tsunagu.sharing import policy

from ..models import AgendaItem, Meeting

register = template.Library()


@register.inclusion_tag("meetings/_case_meetings.html", takes_context=True)
def case_meetings(context, case):
    actor = context["request"].actor
    meetings = policy.visible_meetings(Meeting.objects.all(), actor).values("pk")
    items = (AgendaItem.objects.filter(case=case, meeting_id__in=meetings).select_related("meeting")
             .order_by("removed_on", "-added_on"))
    return {"items": list(items), "case": case, "today": timezone.localdate(),
            "date_style": context.get("date_style", DateStyle.WAREKI)}
