"""`{% load followups_tags %}{% case_followups case %}` — the follow-up panel for the case page (a one-line hook:
the cases app needs no import of this app)."""

from django import template

from ..queries import case_panel

register = template.Library()


@register.inclusion_tag("followups/_case_panel.html", takes_context=True)
def case_followups(context, case):
    return {"followup_panel": case_panel(case, context["request"].actor)}
