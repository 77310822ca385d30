"""The site's components (templates/components/) as template tags: breadcrumb, steps, a
scrollable table, a date with 土・日・祝, pagination helpers and the error summary's links.

Each component template starts with a usage note; this module only prepares their context.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField, CheckboxSelectMultiple, Form, RadioSelect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from kyodo_center.dates import WEEKDAYS, jdate
from kyodo_center.holidays import holiday_name

register = template.Library()

DEFAULT_STEPS = ("入力", "確認", "完了")


def _url(value: str) -> str:
    """A URL name (``programs:event_list``) or a path/URL as given."""
    if not value or "/" in value or value.startswith("?") or value.startswith("#"):
        return value
    try:
        return reverse(value)
    except NoReverseMatch:
        return value


@register.inclusion_tag("components/breadcrumb.html")
def breadcrumb(*trail: Any) -> dict[str, Any]:
    """``{% breadcrumb "講座・イベント" "programs:event_list" event.title %}``: labels and URLs
    in turn, ending with the current page's label; ホーム comes first."""
    crumbs: list[tuple[str, str]] = [("ホーム", reverse("home"))]
    items = list(trail)
    current = str(items.pop()) if len(items) % 2 else ""
    for label, url in zip(items[::2], items[1::2], strict=True):
        crumbs.append((str(label), _url(str(url))))
    if current:
        crumbs.append((current, ""))
    return {"crumbs": crumbs}


@register.inclusion_tag("components/steps.html")
def steps(current: int, *names: str, label: str = "手続きの流れ") -> dict[str, Any]:
    """``{% steps 2 %}`` (入力・確認・完了) or ``{% steps 1 "申込み" "確認" "完了" %}``."""
    names = names or DEFAULT_STEPS
    return {
        "label": label,
        "steps": [
            {"number": i, "name": name, "current": i == current, "done": i < current}
            for i, name in enumerate(names, start=1)
        ],
    }


def day_css(day: dt.date, holiday: str | None) -> str:
    if holiday:
        return "holiday"
    return {5: "sat", 6: "sun"}.get(day.weekday(), "")


@register.inclusion_tag("components/date.html")
def date_display(day: dt.date | dt.datetime, short: bool = False) -> dict[str, Any]:
    """2026年11月23日(月) (or 23日(月) with ``short``) and the holiday's name, if any."""
    if isinstance(day, dt.datetime):
        day = jdate_day(day)
    holiday = holiday_name(day) or ""
    text = f"{day.day}日({WEEKDAYS[day.weekday()]})" if short else jdate(day)
    return {"day": day, "text": text, "holiday": holiday, "css": day_css(day, holiday)}


def jdate_day(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


class TableScrollNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: Any, options: dict[str, Any]):
        self.nodelist, self.label, self.options = nodelist, label, options

    def render(self, context: template.Context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        return render_to_string(
            "components/table_scroll.html",
            {
                "content": self.nodelist.render(context),
                "label": self.label.resolve(context),
                "long": bool(options.get("long", False)),
                "hint": bool(options.get("hint", True)),
            },
        )


@register.tag
def table_scroll(parser: template.base.Parser, token: template.base.Token) -> TableScrollNode:
    """``{% table_scroll "予約の一覧" long=True hint=False %}…{% endtable_scroll %}``"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("table_scroll needs a label")
    label = parser.compile_filter(bits[1])
    options = {}
    for bit in bits[2:]:
        name, _, value = bit.partition("=")
        options[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endtable_scroll",))
    parser.delete_first_token()
    return TableScrollNode(nodelist, label, options)


@register.filter
def page_numbers(page_obj: Any, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and ``around`` pages each side (None: a gap)."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@register.filter
def error_count(form: Form) -> int:
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id the error summary links to: the input itself, or the first choice of a group of
    radio buttons or check boxes (the group has no element of its own)."""
    if isinstance(field.field.widget, (RadioSelect, CheckboxSelectMultiple)):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


@register.filter
def described_by(field: BoundField) -> str:
    """The ids of the field's hint and error text (bootstrap5/field.html writes them)."""
    ids = [field.field.widget.attrs.get("aria-describedby", "")]
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(i for i in ids if i)


@register.filter
def dads_input(field: BoundField, css: str) -> str:
    """The field's widget with the DADS classes, ``is-invalid`` on error and described by its
    hint and error text (Django adds aria-invalid)."""
    own = field.field.widget.attrs.get("class", "")
    attrs = {"class": " ".join(c for c in (own, css, "is-invalid" if field.errors else "") if c)}
    described = described_by(field)
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def startswith(value: str, prefix: str) -> bool:
    """The menu marks the section a page belongs to (aria-current)."""
    return str(value).startswith(prefix)
