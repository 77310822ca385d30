"""Markdown for news items and newsletters, rendered to a small, safe subset of HTML.

Staff type Markdown, never HTML: raw HTML in the text is shown as text (Python-Markdown's HTML
passthrough is switched off), and what Markdown produces is then cleaned by nh3 (the Ammonia
sanitiser) against an allow-list: paragraphs, line breaks, emphasis, lists, links to http,
https and mailto only (opened with rel="noopener noreferrer"), headings h2–h4 (the page's own
title is the h1, so a "#" heading becomes an h2), block quotes and tables. No attribute other
than a link's href survives, so no event handler, style or class reaches a public page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# "*": none on every tag (Ammonia would otherwise keep lang and title everywhere).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with their content (the default set of Ammonia, named here to be sure).
REMOVED_WITH_CONTENT = {"script", "style"}
# h1 is the page's title; deeper levels than h4 are folded into h4.
HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}


class _Headings(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in HEADING_LEVELS:
                element.tag = HEADING_LEVELS[element.tag]


class _NoRawHtml(Extension):
    """Raw HTML blocks and inline tags are text, not markup; headings fit under the title."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Headings(md), "news_headings", 5)


def render_markdown(text: str) -> SafeString:
    """``text`` (Markdown) as sanitised HTML, safe to put in a page as it is."""
    html = markdown.markdown(
        text or "",
        extensions=["tables", "sane_lists", _NoRawHtml()],
        output_format="html",
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # cleaned by nh3 against the allow-list above
