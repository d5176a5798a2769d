"""`{% load followups_tags %}{% case_followups case %}` — the follow-up panel for the case page (a one-line hook:
the cases app needs no import of this app). `{% gap_rows section %}` and `{% followup_rows rows today empty %}` — the
table rows of the two long lists (a 制度の狭間 section, the agency's follow-ups)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tsunagu.core.dates import DateStyle, date_short

from ..queries import case_panel

register = template.Library()


@register.inclusion_tag("followups/_case_panel.html", takes_context=True)
def case_followups(context, case):
    return {"followup_panel": case_panel(case, context["request"].actor),
            "date_style": context.get("date_style", DateStyle.WAREKI)}


@register.simple_tag(takes_context=True)
def gap_rows(context, section) -> SafeString:
    """A section's rows as <tr> markup. Written here rather than as a template loop: the list has up to six
    hundred rows of five cells, and the template engine spent more time on them than the queries did. Every
    value is escaped."""
    if not section.rows:
        return mark_safe('<tr><td colspan="5">ありません。</td></tr>')  # noqa: S308 -- constant markup
    style = context.get("date_style", DateStyle.WAREKI)
    return mark_safe("\n".join(_gap_row(r, style) for r in section.rows))  # noqa: S308 -- each value escaped in _gap_row


def _gap_row(r, style) -> str:
    subject = f'<a href="{escape(r.url)}">{escape(r.subject)}</a>' if r.url else escape(r.subject)
    since = date_short(r.since, style) if r.since else ""
    return (f"<tr><td>{subject}</td><td>{escape(r.agency)}</td><td>{since}</td><td>{escape(r.reason)}</td>"
            f"<td>{escape(r.remedy)}</td></tr>")


@register.simple_tag(takes_context=True)
def followup_rows(context, rows, today, empty: str) -> SafeString:
    """Follow-ups as <tr> markup (up to three hundred rows: written here for the same reason as gap_rows). Every
    value is escaped."""
    if not rows:
        return mark_safe(f'<tr><td colspan="5">{escape(empty)}</td></tr>')  # noqa: S308 -- escaped
    style = context.get("date_style", DateStyle.WAREKI)
    return mark_safe("\n".join(_followup_row(f, today, style) for f in rows))  # noqa: S308 -- each value escaped


def _followup_row(f, today, style) -> str:
    due = date_short(f.due_on, style)
    overdue = '<span class="tag tag--danger">期限切れ</span> ' if f.due_on < today else ""
    case = f.case
    who = case.person.name if case.person_id else case.household.name
    title = escape(case.label)
    staff = escape(f.staff.name) if f.staff_id and f.staff.name else "未定"
    return (f"<tr><td>{overdue}{due}</td>\n"
            f'<td><a href="{reverse("cases:case_detail", args=[f.case_id])}">{title}</a><br><small>{escape(who)}</small></td>\n'
            f"<td>{escape(f.get_method_display())}</td><td>{staff}</td>\n"
            f'<td><a class="button button--small" href="{reverse("followups:record", args=[f.pk])}">記録する'
            f'<span class="visually-hidden">（{due}・{title}）</span></a></td></tr>')
