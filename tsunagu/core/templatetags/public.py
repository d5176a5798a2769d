"""{% load public %}: the language switch of the public pages."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from tsunagu.core.languages import language_of

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, object]]:
    """Each public language with the link that opens this page in it (through the switch, which remembers it)."""
    request = context["request"]
    current = language_of(request.path_info)
    rest = request.path_info[len(current) + 2:] if current else "resources/public/guide/"
    query = request.META.get("QUERY_STRING", "")
    target = rest + (f"?{query}" if query else "")
    return [{"code": code, "name": name, "current": code == current,
             "href": reverse("public_language", args=[code]) + "?" + urlencode({"next": target})}
            for code, name in settings.LANGUAGES]
