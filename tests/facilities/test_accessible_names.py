"""aria-label only where ARIA allows a name: the Nu HTML checker refuses it on a <p>, a <div> or
a <span> without a role (ARIA 1.2 prohibits naming the paragraph and generic roles), and screen
readers ignore it there, so the availability legend must say what it is with visible text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Elements whose implicit role may be named (landmarks, widgets, tables, lists, figures …).
NAMEABLE_TAGS = {
    "a",
    "area",
    "article",
    "aside",
    "button",
    "details",
    "dialog",
    "fieldset",
    "figure",
    "form",
    "iframe",
    "img",
    "input",
    "main",
    "meter",
    "nav",
    "ol",
    "output",
    "progress",
    "section",
    "select",
    "table",
    "textarea",
    "ul",
}
# Roles that must not carry a name (ARIA 1.2 "name prohibited").
UNNAMEABLE_ROLES = {
    "caption",
    "code",
    "deletion",
    "emphasis",
    "generic",
    "insertion",
    "none",
    "paragraph",
    "presentation",
    "strong",
    "subscript",
    "superscript",
}


class AriaLabelCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.misplaced: list[str] = []
        self.ids: set[str] = set()
        self.labelledby: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if attributes.get("aria-labelledby"):
            self.labelledby.extend(attributes["aria-labelledby"].split())
        if "aria-label" not in attributes:
            return
        role = (attributes.get("role") or "").split()
        allowed = role[0] not in UNNAMEABLE_ROLES if role else tag in NAMEABLE_TAGS
        if not allowed:
            self.misplaced.append(f"<{tag} aria-label={attributes['aria-label']!r}>")


def check(html: str) -> AriaLabelCheck:
    parser = AriaLabelCheck()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("view", ["month", "day"])
def test_availability_pages_name_only_elements_that_may_be_named(client, facility, view):
    today = timezone.localdate()
    if view == "month":
        path = f"/facilities/availability/?month={today:%Y-%m}"
    else:
        path = f"/facilities/availability/{today.isoformat()}/"
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    result = check(html)
    assert result.misplaced == []
    # The legend is still announced as a named list of the symbols' meanings.
    assert "availability-legend-title" in result.labelledby
    assert set(result.labelledby) <= result.ids
    assert "記号の説明" in html


def test_the_check_itself_catches_a_named_paragraph():
    assert check('<p aria-label="記号の説明">○ 空き</p>').misplaced
    assert check('<span role="generic" aria-label="x"></span>').misplaced
    assert not check(
        '<nav aria-label="月の切り替え"></nav><svg role="img" aria-label="x"></svg>'
    ).misplaced
