"""Issue 20, the design system's foundation: the DADS tokens and the Noto Sans JP font come from
npm (package-lock.json) and are served by the app itself; the font's CSS matches the installed
package; the shared components (templates/components/) say what they mean in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template

from kyodo_center.staticfiles import FILE_NAME, FONT_CSS, NotoSansJPFinder, font_css, package_dir

pytestmark = pytest.mark.django_db


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_font_css_is_generated_from_the_installed_package():
    # After a version bump of @fontsource/noto-sans-jp: `python manage.py build_font_css`.
    assert (settings.BASE_DIR / FONT_CSS).read_text(encoding="utf-8") == font_css()


def test_only_the_two_weights_in_woff2_are_served():
    package_css = (package_dir() / "400.css").read_text(encoding="utf-8")
    subsets = package_css.count("@font-face")
    names = [name for name, _ in NotoSansJPFinder().list(None)]
    assert len(names) == 2 * subsets
    assert all(FILE_NAME.fullmatch(name) for name in names)
    assert finders.find("vendor/noto-sans-jp/noto-sans-jp-0-700-normal.woff2")
    assert not finders.find("vendor/noto-sans-jp/noto-sans-jp-0-300-normal.woff2")
    assert not finders.find("vendor/noto-sans-jp/noto-sans-jp-0-400-normal.woff")
    # Every file the CSS names is one the finder serves (the font never 404s).
    urls = set(re.findall(r"url\(\.\./vendor/noto-sans-jp/([^)]+)\)", font_css()))
    assert urls == set(names)


def test_pages_load_the_tokens_and_the_font_from_this_site(client, facility):
    body = client.get("/").content.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
    assert stylesheets == [
        "/static/vendor/dads/tokens.css",
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/css/tokens-map.css",
        "/static/css/site.css",
        "/static/css/noto-sans-jp.css",  # last, at the end of <body>: it never delays the page
    ]
    tokens = served(client, "/static/vendor/dads/tokens.css").decode()
    assert "--color-primitive-green-800: #197a4b;" in tokens
    font = served(client, "/static/css/noto-sans-jp.css").decode()
    assert "font-display:swap" in font and "woff'" not in font
    woff2 = served(client, "/static/vendor/noto-sans-jp/noto-sans-jp-119-400-normal.woff2")
    assert woff2[:4] == b"wOF2"
    # The site's CSS names DADS tokens, not colours of its own.
    site_css = served(client, "/static/css/site.css").decode()
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", site_css)


class SampleForm(forms.Form):
    name = forms.CharField(label="団体名", help_text="正式な名称を入力してください。")
    kind = forms.ChoiceField(
        label="種別", choices=[("a", "任意団体"), ("b", "NPO法人")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="備考", required=False)


def render(source: str, **context) -> str:
    return Template("{% load ui crispy_forms_tags %}" + source).render(Context(context))


def test_a_field_says_required_hint_and_error_and_the_summary_links_to_it():
    form = SampleForm(data={"name": "", "note": "x"})
    assert not form.is_valid()
    html = render(
        '{% include "components/error_summary.html" %}{{ form.name|as_crispy_field }}'
        "{{ form.kind|as_crispy_field }}{{ form.note|as_crispy_field }}",
        form=form,
    )
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in html and "入力内容を確認してください（2件）" in summary
    assert '<a href="#id_name">団体名：このフィールドは必須です。</a>' in summary
    assert '<a href="#id_kind_0">種別：このフィールドは必須です。</a>' in summary
    assert '団体名<span class="required-mark">必須</span></label>' in html
    assert "備考</label>" in html  # optional: no mark
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    name_input = re.search(r"<input[^>]*id=\"id_name\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_name_helptext id_name_error"' in name_input
    assert 'aria-invalid="true"' in name_input
    # The hint comes before the input, the error text after it.
    assert html.index("正式な名称") < html.index('id="id_name"') < html.index('id="id_name_error"')


def test_components_say_it_in_words():
    crumbs = render('{% breadcrumb "講座・イベント" "programs:event_list" "はじめての講座" %}')
    assert '<nav class="breadcrumb-nav" aria-label="パンくずリスト">' in crumbs
    assert '<a href="/programs/">講座・イベント</a>' in crumbs
    assert '<span aria-current="page">はじめての講座</span>' in crumbs
    steps = render("{% steps 2 %}")
    assert '<li aria-current="step">2. 確認' in steps
    assert '1. 入力<span class="step-state">（済）</span>' in steps
    holiday = render("{% date_display day %}", day=dt.date(2026, 11, 23))
    assert '<time datetime="2026-11-23" class="jdate holiday">2026年11月23日(月)</time>' in holiday
    assert '<span class="day-mark">祝</span> 勤労感謝の日' in holiday
    saturday = render("{% date_display day short=True %}", day=dt.date(2026, 11, 28))
    assert ">28日(土)</time>" in saturday
    table = render('{% table_scroll "予約の一覧" %}<table></table>{% endtable_scroll %}')
    label = 'aria-label="予約の一覧（表は横にスクロールできます）"'
    assert f'role="region" {label} tabindex="0"' in table
    note = render('{% include "components/notification.html" with level="warning" message="m" %}')
    assert 'role="status"' in note and "注意：" in note
    danger = render(
        '{% include "components/danger_confirm.html" with action="/x/" label="取り消す" '
        'question="取り消しますか？" %}'
    )
    assert "<details" in danger and 'class="btn btn-danger">取り消す</button>' in danger
