"""Dashboard and home-page sections for the centre's resources.

The counter sees today's chores (boxes to reclaim, posters to take down, machines out of order,
machines in use); the public home page says what each resource is and who may use it, with the
利用区分 table of seed 000 (◎ 優先利用可 ○ 利用可 × 利用不可).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from resources import selectors

# Seed 000, 利用区分: (resource, registered groups, others, what it is).
USAGE_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("多目的室", "◎", "○", "定員16〜20人の部屋2室。登録団体は早くから予約できます。"),
    ("交流スペース", "○", "○", "打ち合わせ用の机と椅子。予約なしで使えます。"),
    (
        "事務機器",
        "◎",
        "○",
        "コピー機・印刷機・拡大機・紙折り機・作業台。混み合うときは登録団体が優先です。",
    ),
    (
        "メールボックス",
        "◎",
        "×",
        "メールボックス兼ロッカー。登録団体に登録の有効期間中お貸しします。",
    ),
    ("ポスター掲示", "○", "○", "掲示板に期間を決めて掲示します。窓口でお申し込みください。"),
    (
        "パンフレットスタンド",
        "○",
        "○",
        "パンフレットを期間を決めて置けます。窓口でお申し込みください。",
    ),
)
SYMBOLS = {"◎": "優先利用可", "○": "利用可", "×": "利用不可"}


def counter_context(today: dt.date) -> dict[str, Any]:
    """Today's resource chores for the counter dashboard (four queries)."""
    return {
        "to_reclaim": selectors.mailboxes_to_reclaim(today=today),
        "to_take_down": selectors.display_items_to_take_down(today=today),
        "out_of_order": selectors.machines_out_of_order(),
        "in_use": selectors.machine_uses_in_progress(),
    }


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    return {
        "template": "resources/counter_section.html",
        "resources": counter_context(today),
    }


def home_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    """The 利用区分 table; static, so the public home page pays no query for it."""
    rows = [
        {
            "name": name,
            "registered": registered,
            "registered_label": SYMBOLS[registered],
            "others": others,
            "others_label": SYMBOLS[others],
            "description": description,
        }
        for name, registered, others, description in USAGE_TABLE
    ]
    return {"template": "resources/home_section.html", "usage_rows": rows}
