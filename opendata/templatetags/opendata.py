"""``{% event_json_ld event %}``: the schema.org Event data of an event page.

Built here, not in a template file: the data is escaped like ``json_script`` (no ``</script>``
can come out of a title), and the element carries the request's CSP nonce. A JSON-LD block is
data, which browsers never run; the nonce keeps it inside a strict policy all the same
(``script-src 'self' 'nonce-…'``, never 'unsafe-inline'), and django-csp adds the nonce to the
header only on pages that use one."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from opendata.jsonld import event_structured_data, json_ld_text

register = template.Library()


@register.simple_tag(takes_context=True)
def event_json_ld(context: dict[str, Any], event: Any) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    data = event_structured_data(
        event,
        url=request.build_absolute_uri(reverse("programs:event_detail", args=[event.pk])),
        site_url=request.build_absolute_uri(reverse("home")),
    )
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        str(getattr(request, "csp_nonce", "")),
        mark_safe(json_ld_text(data)),  # escaped by json_ld_text: no markup can come out
    )
