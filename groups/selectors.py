"""Reads for the groups pages."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import Q, QuerySet

from groups.models import ApplicationStatus, Group
from groups.services import registered_on_q

# Only these columns ever reach the public directory: no personal data can leak into a template.
PUBLIC_FIELDS = (
    "pk",
    "name",
    "name_kana",
    "kind",
    "registration_number",
    "valid_until",
    "publish_activity",
    "activity",
    "publish_area",
    "activity_area",
    "public_contact",
)


def to_katakana(text: str) -> str:
    """Residents type kana in hiragana; the directory stores フリガナ in katakana."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalise_query(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())[:100]


def public_directory(*, today: dt.date, query: str = "") -> QuerySet[Group]:
    """Approved, currently valid groups that agreed to be listed, searchable by name, kana and
    by activity or area where the group chose to publish them."""
    groups = Group.objects.filter(registered_on_q(today), publish=True)
    for word in normalise_query(query).split():
        groups = groups.filter(
            Q(name__icontains=word)
            | Q(name_kana__icontains=to_katakana(word))
            | Q(publish_activity=True, activity__icontains=word)
            | Q(publish_area=True, activity_area__icontains=word)
        )
    return groups.only(*[f for f in PUBLIC_FIELDS if f != "pk"]).order_by("name_kana", "name", "pk")


def pending_application_count() -> int:
    return Group.objects.filter(status=ApplicationStatus.PENDING).count()
