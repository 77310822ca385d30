"""Writes static/css/noto-sans-jp.css from the installed @fontsource/noto-sans-jp package.

Run it after changing the package's version in package.json (a test fails until then).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kyodo_center.staticfiles import FONT_CSS, font_css


class Command(BaseCommand):
    help = "npm の @fontsource/noto-sans-jp から static/css/noto-sans-jp.css を作り直します。"

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.BASE_DIR / FONT_CSS
        path.write_text(font_css(), encoding="utf-8")
        self.stdout.write(f"{path} を書き出しました。")
