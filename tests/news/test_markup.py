"""The Markdown of news and newsletters becomes a small, safe subset of HTML: never raw HTML,
never a script, an event handler or a javascript: link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from news.markup import ALLOWED_TAGS, render_markdown


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found.append((tag, dict(attrs)))


def assert_only_safe_markup(html: str) -> None:
    for tag, attrs in Elements(html).found:
        assert tag in ALLOWED_TAGS, (tag, html)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}, html
            assert attrs["rel"] == "noopener noreferrer"
            href = attrs.get("href")
            assert href is None or href.split(":")[0] in {"http", "https", "mailto"}, html
        else:
            assert attrs == {}, (tag, attrs)


def test_markdown_formats_the_allowed_subset():
    html = render_markdown(
        "# 大見出し\n\n## 見出し\n\n段落の**太字**と*斜体*。\n\n- 一つ目\n- 二つ目\n\n"
        "1. 手順\n\n> 引用\n\n| 項目 | 内容 |\n|---|---|\n| 日時 | 12月1日 |\n\n"
        "[区のページ](https://www.city.nerima.tokyo.jp/) [メール](mailto:kyodo@example.jp)"
    )
    assert "<h2>大見出し</h2>" in html  # the page's title is the h1
    assert "<h2>見出し</h2>" in html
    assert "<strong>太字</strong>" in html and "<em>斜体</em>" in html
    assert "<ul>" in html and "<ol>" in html and "<blockquote>" in html
    assert "<table>" in html and "<th>項目</th>" in html and "<td>12月1日</td>" in html
    assert (
        '<a href="https://www.city.nerima.tokyo.jp/" rel="noopener noreferrer">区のページ</a>'
        in html
    )
    assert 'href="mailto:kyodo@example.jp"' in html
    assert_only_safe_markup(html)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('xss')</script>",
        "本文<script>document.cookie</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">押す</a>',
        "<div onclick=alert(1)>ブロック</div>",
        "<iframe src=https://evil.example></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(text):
    html = render_markdown(text)
    assert_only_safe_markup(html)
    assert "&lt;" in html  # the typed tag is visible as text, not run


@pytest.mark.parametrize(
    "link",
    [
        "[押す](javascript:alert(1))",
        "[押す](JaVaScRiPt:alert(1))",
        "[押す](java&#x73;cript:alert(1))",
        "[押す](data:text/html;base64,PHNjcmlwdD4=)",
        "[押す](vbscript:msgbox)",
        "[押す](/counter/)",
        "[押す](//evil.example/)",
        "<javascript:alert(1)>",
    ],
)
def test_links_other_than_http_https_mailto_lose_their_target(link):
    html = render_markdown(link)
    assert_only_safe_markup(html)
    assert all("href" not in attrs for _, attrs in Elements(html).found), html


def test_images_and_unknown_attributes_are_dropped():
    html = render_markdown('![写真](https://example.jp/a.png "t")\n\n[x](https://example.jp "題")')
    assert_only_safe_markup(html)
    assert "<img" not in html
    assert 'href="https://example.jp"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
