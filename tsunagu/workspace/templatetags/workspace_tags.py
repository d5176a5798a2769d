from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def markfor(marks, column):
    return marks.get(str(column.pk), "")


@register.filter
def percent(value):
    return f"{value * 100:.0f}%"


@register.filter
def delta(value, before):
    diff = value - before
    return f"+{diff}" if diff > 0 else f"{diff}" if diff < 0 else "±0"


@register.filter
def previous_for(analysis, stats):
    return analysis.previous_stats_for(stats)

