"""Every text/background pair the stylesheets use meets WCAG 2.x AA (issue 20).

The stylesheets are read as the pages load them: the ones base.html links, in its order (the
DADS tokens from npm, Bootstrap, tokens-map.css, site.css) and staff.css, each found through
the static files finders, so the file checked is the file served. Their declarations are
collected per selector (``@media print`` aside: print is black on white), ``var()`` chains are
resolved (a selector's own custom properties first, then ``:root``), and the pairs below, named
by selector and property, are measured: 4.5:1 for text, 3:1 for large text and for the
boundaries of controls and the focus indicator (WCAG 1.4.3, 1.4.11). A pair changed to a
colour that fails, or a selector or property that disappears, fails this test.

axe's colour-contrast rule checks the rendered pages too (tests/browser/test_design_sweep.py);
this test also covers states axe never sees (hover, active, visited, each notification).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

TEXT, LARGE, UI = 4.5, 3.0, 3.0
WHITE = (1.0, 1.0, 1.0, 1.0)

NAMED = {"white": "#ffffff", "black": "#000000", "transparent": "#00000000"}


# --- Reading the stylesheets ---------------------------------------------------------------------
def stylesheet_paths() -> list[Path]:
    """base.html's stylesheets in order, then staff.css (linked on staff pages)."""
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text(encoding="utf-8")
    names = re.findall(r"""<link rel="stylesheet" href="\{% static '([^']+\.css)' %\}">""", base)
    assert "css/site.css" in names and "css/staff.css" in names, names
    paths = []
    for name in names:
        found = finders.find(name)
        assert found, f"{name} is linked from base.html but no static files finder has it"
        paths.append(Path(found))
    return paths


def _blocks(css: str) -> list[tuple[str, str]]:
    """(prelude, body) of each top-level block; at-rules keep their inner text as the body."""
    out, depth, start, prelude_start = [], 0, 0, 0
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                out.append((css[prelude_start:start].strip(), css[start + 1 : i]))
                prelude_start = i + 1
        elif ch == ";" and depth == 0:
            prelude_start = i + 1  # @charset / @import
    return out


def _rules(css: str) -> list[tuple[str, str]]:
    rules = []
    for prelude, body in _blocks(css):
        if prelude.startswith("@"):
            at = prelude.lower()
            if at.startswith(("@media", "@supports", "@layer", "@container")) and "print" not in at:
                rules.extend(_rules(body))
            continue  # @font-face, @keyframes, @page, @media print
        rules.append((prelude, body))
    return rules


def _declarations(body: str) -> dict[str, str]:
    found = {}
    for part in re.split(r";(?![^(]*\))", body):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            found[name.strip().lower()] = value.replace("!important", "").strip()
    return found


@dataclass
class Sheet:
    """Declarations by selector (each selector of a list on its own), later files winning."""

    rules: dict[str, dict[str, str]]

    @classmethod
    def load(cls) -> Sheet:
        rules: dict[str, dict[str, str]] = {}
        for path in stylesheet_paths():
            css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
            for prelude, body in _rules(css):
                declarations = _declarations(body)
                for selector in re.split(r",(?![^(]*\))", prelude):
                    key = " ".join(selector.split())
                    rules.setdefault(key, {}).update(declarations)
        return cls(rules)

    def value(self, selector: str, prop: str) -> str:
        declared = self.rules.get(selector, {})
        assert prop in declared, f"{selector} declares no {prop}"
        return declared[prop]

    def resolve(self, value: str, selector: str = ":root", seen: tuple[str, ...] = ()) -> str:
        """Replace var(--x, fallback) with the selector's own --x, else :root's, recursively."""
        match = re.search(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)", value)
        if not match:
            return value.strip()
        name, fallback = match.group(1), match.group(2)
        assert name not in seen, f"var() loop through {name}"
        own = self.rules.get(selector, {})
        if name in own and selector != ":root":
            replacement = self.resolve(own[name], selector, (*seen, name))
        elif name in self.rules.get(":root", {}):
            replacement = self.resolve(self.rules[":root"][name], ":root", (*seen, name))
        else:
            assert fallback is not None, f"{name} (used by {selector}) is defined nowhere"
            replacement = fallback
        return self.resolve(value[: match.start()] + replacement + value[match.end() :], selector)

    def colour(self, ref: str) -> tuple[float, float, float, float]:
        """``"selector|property"`` → RGBA in 0..1; the property may be a custom property."""
        selector, prop = ref.split("|")
        text = self.resolve(self.value(selector, prop), selector)
        # A border or outline shorthand: the colour is its last word.
        if prop.startswith(("border", "outline", "box-shadow")) and " " in text:
            text = re.findall(r"#[0-9a-fA-F]{3,8}|rgba?\([^)]*\)|\b[a-z]+\b", text)[-1]
        return parse_colour(text)


def parse_colour(text: str) -> tuple[float, float, float, float]:
    text = NAMED.get(text.strip().lower(), text.strip().lower())
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        channels = [int(digits[i : i + 2], 16) / 255 for i in range(0, len(digits), 2)]
        return (*channels[:3], channels[3] if len(channels) == 4 else 1.0)
    match = re.fullmatch(r"rgba?\(([^)]*)\)", text)
    assert match, f"not a colour: {text!r}"
    parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
    rgb = [float(p) / 255 for p in parts[:3]]
    alpha = (
        float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1)
        if len(parts) > 3
        else 1.0
    )
    return (*rgb, alpha)


def over(top: tuple[float, ...], below: tuple[float, ...]) -> tuple[float, float, float, float]:
    a = top[3]
    return (*(top[i] * a + below[i] * (1 - a) for i in range(3)), 1.0)


def luminance(c: tuple[float, ...]) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    bg = over(bg, WHITE)  # the page under a translucent background is white
    fg = over(fg, bg)
    high, low = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- The pairs the stylesheets use ---------------------------------------------------------------
PAGE = ":root|--bs-body-bg"
ALT = ":root|--kc-surface-alt"

PAIRS: list[tuple[str, str, str, float]] = [
    # (what, foreground, background, minimum)
    ("本文", "body|color", PAGE, TEXT),
    ("見出し", ":root|--bs-heading-color", PAGE, TEXT),
    ("補足・ヒント", ".form-text|color", PAGE, TEXT),
    ("text-muted", ".text-muted|color", PAGE, TEXT),
    ("リンク", "a|color", PAGE, TEXT),
    ("訪問済みリンク", "main a:not(.btn):not(.page-link):visited|color", PAGE, TEXT),
    ("押下中のリンク", "a:active|color", PAGE, TEXT),
    ("本文へ移動", ".skip-link|color", ".skip-link|background", TEXT),
    ("ヘッダーの区の帯", ".site-header-band|color", ".site-header-band|background", TEXT),
    ("サイト名", ".site-brand|color", ".site-header|background", TEXT),
    ("メニュー", ".site-header .nav-link|color", ".site-header|background", TEXT),
    (
        "メニュー（表示中）",
        '.site-header .nav-link[aria-current="page"]|color',
        ".site-header|background",
        TEXT,
    ),
    ("フッター", ".site-footer|color", ".site-footer|background", TEXT),
    ("フッターのリンク", ".site-footer a|color", ".site-footer|background", TEXT),
    ("パンくず（区切り）", ".breadcrumb-nav li + li::before|color", PAGE, TEXT),
    # Buttons: DADS primary (filled), secondary (outlined), danger.
    ("主ボタン", ".btn-primary|--bs-btn-color", ".btn-primary|--bs-btn-bg", TEXT),
    ("主ボタン hover", ".btn-primary|--bs-btn-hover-color", ".btn-primary|--bs-btn-hover-bg", TEXT),
    (
        "主ボタン active",
        ".btn-primary|--bs-btn-active-color",
        ".btn-primary|--bs-btn-active-bg",
        TEXT,
    ),
    ("副ボタン", ".btn-outline-primary|--bs-btn-color", ".btn-outline-primary|--bs-btn-bg", TEXT),
    (
        "副ボタン hover",
        ".btn-outline-primary|--bs-btn-hover-color",
        ".btn-outline-primary|--bs-btn-hover-bg",
        TEXT,
    ),
    (
        "副ボタン active",
        ".btn-outline-primary|--bs-btn-active-color",
        ".btn-outline-primary|--bs-btn-active-bg",
        TEXT,
    ),
    ("副ボタンの枠", ".btn-outline-primary|--bs-btn-border-color", PAGE, UI),
    ("危険ボタン", ".btn-danger|--bs-btn-color", ".btn-danger|--bs-btn-bg", TEXT),
    ("危険ボタン hover", ".btn-danger|--bs-btn-hover-color", ".btn-danger|--bs-btn-hover-bg", TEXT),
    (
        "危険ボタン active",
        ".btn-danger|--bs-btn-active-color",
        ".btn-danger|--bs-btn-active-bg",
        TEXT,
    ),
    (
        "危険ボタン（枠）",
        ".btn-outline-danger|--bs-btn-color",
        ".btn-outline-danger|--bs-btn-bg",
        TEXT,
    ),
    (
        "危険ボタン（枠）hover",
        ".btn-outline-danger|--bs-btn-hover-color",
        ".btn-outline-danger|--bs-btn-hover-bg",
        TEXT,
    ),
    ("危険の確認欄", "body|color", ".danger-confirm-box|background", TEXT),
    ("成功ボタン", ".btn-success|--bs-btn-color", ".btn-success|--bs-btn-bg", TEXT),
    ("成功ボタン（枠）", ".btn-outline-success|--bs-btn-color", PAGE, TEXT),
    ("警告ボタン", ".btn-warning|--bs-btn-color", ".btn-warning|--bs-btn-bg", TEXT),
    ("リンク型ボタン", ".btn-link|--bs-btn-color", PAGE, TEXT),
    # Form fields: the boundary of a control, the required mark, the error text.
    ("入力欄の枠", ".form-control|border-color", PAGE, UI),
    ("チェックボックスの枠", ".form-check-input|border-color", PAGE, UI),
    ("必須", ".required-mark|color", ".required-mark|background", TEXT),
    ("任意", ".optional-mark|color", PAGE, TEXT),
    ("エラー文", ".field-error|color", PAGE, TEXT),
    ("エラーの一覧（見出し）", ".error-summary h2|color", ".error-summary|background", TEXT),
    ("エラーの一覧（リンク）", ".error-summary a|color", ".error-summary|background", TEXT),
    # Focus: a black outline outside a yellow ring, seen against the page and the grey areas.
    ("フォーカス枠（白地）", ":root|--kc-focus-outline", PAGE, UI),
    ("フォーカス枠（灰地）", ":root|--kc-focus-outline", ALT, UI),
    ("フォーカス枠（区の帯）", ":root|--kc-focus-outline", ".site-header-band|background", UI),
    ("フォーカス枠と黄色の輪", ":root|--kc-focus-outline", ":root|--kc-focus-ring", UI),
    # Notifications and alerts: text, the word (完了・エラー・注意), the mark.
    ("通知の本文（成功）", ".notification|color", ".notification-success|background", TEXT),
    ("通知の本文（エラー）", ".notification|color", ".notification-error|background", TEXT),
    ("通知の本文（注意）", ".notification|color", ".notification-warning|background", TEXT),
    ("通知の本文（お知らせ）", ".notification|color", ".notification-info|background", TEXT),
    (
        "通知の見出し（成功）",
        ".notification-success .notification-label|color",
        ".notification-success|background",
        TEXT,
    ),
    (
        "通知の見出し（エラー）",
        ".notification-error .notification-label|color",
        ".notification-error|background",
        TEXT,
    ),
    (
        "通知の見出し（注意）",
        ".notification-warning .notification-label|color",
        ".notification-warning|background",
        TEXT,
    ),
    (
        "通知の見出し（お知らせ）",
        ".notification-info .notification-label|color",
        ".notification-info|background",
        TEXT,
    ),
    (
        "通知の記号（成功）",
        ".notification-mark|color",
        ".notification-success .notification-mark|background",
        TEXT,
    ),
    (
        "通知の記号（エラー）",
        ".notification-mark|color",
        ".notification-error .notification-mark|background",
        TEXT,
    ),
    (
        "通知の記号（注意）",
        ".notification-warning .notification-mark|color",
        ".notification-warning .notification-mark|background",
        TEXT,
    ),
    (
        "通知の記号（お知らせ）",
        ".notification-mark|color",
        ".notification-info .notification-mark|background",
        TEXT,
    ),
    ("alert（成功）", ".alert|color", ".alert-success|background", TEXT),
    ("alert（エラー）", ".alert|color", ".alert-danger|background", TEXT),
    ("alert（注意）", ".alert|color", ".alert-warning|background", TEXT),
    ("alert（お知らせ）", ".alert|color", ".alert-info|background", TEXT),
    # Badges.
    ("バッジ 成功", ".text-bg-success|color", ".text-bg-success|background-color", TEXT),
    ("バッジ 危険", ".text-bg-danger|color", ".text-bg-danger|background-color", TEXT),
    ("バッジ 注意", ".text-bg-warning|color", ".text-bg-warning|background-color", TEXT),
    ("バッジ 情報", ".text-bg-info|color", ".text-bg-info|background-color", TEXT),
    ("バッジ 主", ".text-bg-primary|color", ".text-bg-primary|background-color", TEXT),
    ("バッジ 副", ".text-bg-secondary|color", ".text-bg-secondary|background-color", TEXT),
    ("バッジ 濃", ".text-bg-dark|color", ".text-bg-dark|background-color", TEXT),
    ("バッジ 淡", ".text-bg-light|color", ".text-bg-light|background-color", TEXT),
    ("text-danger", ".text-danger|color", PAGE, TEXT),
    ("text-success", ".text-success|color", PAGE, TEXT),
    # Tables: the header row, stripes, hover.
    ("表の見出し行", ".table > thead|--bs-table-color", ".table > thead|--bs-table-bg", TEXT),
    ("表の縞", ".table|--bs-table-color", ".table|--bs-table-striped-bg", TEXT),
    ("表の hover", ".table|--bs-table-color", ".table|--bs-table-hover-bg", TEXT),
    ("固定見出し", "body|color", ".table-scroll-long thead th|background", TEXT),
    ("表のキャプション", ".table caption|color", PAGE, TEXT),
    ("横スクロールの案内", ".table-scroll-hint|color", PAGE, TEXT),
    # Days: 土 blue, 日・祝 red, on white and on a header row.
    ("土曜", ".sat|color", PAGE, TEXT),
    ("日曜・祝日", ".sun|color", PAGE, TEXT),
    ("土曜（見出し行）", ".sat|color", ".availability-table thead th|background", TEXT),
    ("日曜・祝日（見出し行）", ".sun|color", ".availability-table thead th|background", TEXT),
    # The ○△×/休館/抽 legend marks, as in the availability tables and the legend.
    ("○ 空き", ".state-free|color", PAGE, TEXT),
    ("△ 一部空き", ".state-partly|color", ".state-partly|background", TEXT),
    ("× 満室", ".state-full|color", ".state-full|background", TEXT),
    ("休館", ".state-closed|color", ".state-closed|background", TEXT),
    ("抽 抽選", ".state-lottery|color", ".state-lottery|background", TEXT),
    ("抽選の窓口名", ".availability-table tbody th a.window-label|color", PAGE, TEXT),
    # Step indicator, pagination.
    (
        "手順（現在）",
        '.steps li[aria-current="step"]|color',
        '.steps li[aria-current="step"]|background',
        TEXT,
    ),
    ("手順（済）", ".steps li.is-done|color", ".steps li.is-done|background", TEXT),
    ("手順の矢印", ".steps li + li::before|color", PAGE, TEXT),
    ("手順（未）", ".steps li|color", ".steps li|background", TEXT),
    ("ページ送り", ".pagination|--bs-pagination-color", PAGE, TEXT),
    (
        "ページ送り（現在）",
        ".pagination|--bs-pagination-active-color",
        ".pagination|--bs-pagination-active-bg",
        TEXT,
    ),
    ("ページ送り（無効）", ".pagination|--bs-pagination-disabled-color", PAGE, TEXT),
    # Staff: the booking grid (staff.css).
    ("予約表の見出し", ".booking-grid thead th|color", ".booking-grid thead th|background", TEXT),
    (
        "予約表の見出し（土）",
        ".booking-grid thead th.sat|color",
        ".booking-grid thead th|background",
        TEXT,
    ),
    (
        "予約表の見出し（日・祝）",
        ".booking-grid thead th.sun|color",
        ".booking-grid thead th|background",
        TEXT,
    ),
    (
        "予約表の予約",
        ".booking-grid .cell-booking a|color",
        ".booking-grid .cell-booking|background",
        TEXT,
    ),
    (
        "予約表の予約の印",
        ".booking-grid .cell-booking|border-left",
        ".booking-grid .cell-booking|background",
        UI,
    ),
    (
        "予約表の休館",
        ".booking-grid .cell-closed|color",
        ".booking-grid .cell-closed|background",
        TEXT,
    ),
    ("予約表の空き", ".booking-grid .cell-free a|color", PAGE, TEXT),
    (
        "予約表の空き（hover）",
        ".booking-grid .cell-free a|color",
        ".booking-grid .cell-free a:hover|background",
        TEXT,
    ),
    ("予約表の過去", "body|color", ".booking-grid .cell-past|background", TEXT),
    (
        "団体検索（選べない団体）",
        '.group-picker-option[aria-disabled="true"]|color',
        '.group-picker-option[aria-disabled="true"]|background',
        TEXT,
    ),
    ("団体検索（選択中）", "body|color", ".group-picker-option.is-active|background", TEXT),
]


@pytest.fixture(scope="module")
def sheet() -> Sheet:
    return Sheet.load()


@pytest.mark.parametrize(("what", "fg", "bg", "minimum"), PAIRS, ids=[p[0] for p in PAIRS])
def test_pair_meets_wcag_aa(sheet: Sheet, what: str, fg: str, bg: str, minimum: float) -> None:
    ratio = contrast(sheet.colour(fg), sheet.colour(bg))
    assert ratio >= minimum, f"{what}: {fg} on {bg} is {ratio:.2f}:1, needs {minimum}:1"


def test_bootstrap_rgb_triples_match_their_colours(sheet: Sheet) -> None:
    """Bootstrap's utilities draw with ``rgba(var(--bs-x-rgb), …)``: each triple tokens-map.css
    writes by hand must be the colour its token names, or a utility would show another colour."""
    root = sheet.rules[":root"]
    checked = 0
    for name, value in root.items():
        colour_name = name.removesuffix("-rgb")
        if not name.endswith("-rgb") or colour_name not in root or "var(" not in root[colour_name]:
            continue
        expected = sheet.colour(f":root|{colour_name}")
        triple = tuple(round(c * 255) for c in expected[:3])
        written = tuple(int(p) for p in re.split(r"[\s,]+", sheet.resolve(value)) if p)
        assert written == triple, f"{name} is {written}, but {colour_name} is {triple}"
        checked += 1
    assert checked >= 10


def test_the_check_catches_a_failing_colour() -> None:
    """The arithmetic itself: grey #767676 is the lightest grey that passes on white."""
    assert contrast(parse_colour("#767676"), WHITE) >= TEXT
    assert contrast(parse_colour("#777777"), WHITE) < TEXT
    assert round(contrast(parse_colour("#000"), WHITE), 1) == 21.0
