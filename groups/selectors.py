"""Reads for the groups pages."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from groups.models import (
    PROFILE_FIELDS,
    ApplicationStatus,
    Group,
    GroupMembership,
    GroupProfileRevision,
    ProfileRevisionStatus,
)
from groups.services import registered_on_q
from kyodo_center.dates import jdate

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
    "activity_field",
    "meeting_place",
    "meeting_schedule",
    "recruiting",
    "profile_published_at",
)


def to_katakana(text: str) -> str:
    """Residents type kana in hiragana; the directory stores フリガナ in katakana."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalise_query(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())[:100]


def directory_search_q(query: str) -> Q:
    """Every word in the name, the kana, or the activity or area the group chose to publish."""
    condition = Q()
    for word in normalise_query(query).split():
        condition &= (
            Q(name__icontains=word)
            | Q(name_kana__icontains=to_katakana(word))
            | Q(publish_activity=True, activity__icontains=word)
            | Q(publish_area=True, activity_area__icontains=word)
        )
    return condition


def public_directory(*, today: dt.date, query: str = "") -> QuerySet[Group]:
    """Approved, currently valid groups that agreed to be listed, searchable by name, kana and
    by activity or area where the group chose to publish them."""
    groups = Group.objects.filter(registered_on_q(today), publish=True)
    if query:
        groups = groups.filter(directory_search_q(query))
    return groups.only(*[f for f in PUBLIC_FIELDS if f != "pk"]).order_by("name_kana", "name", "pk")


def public_group(*, pk: int, today: dt.date) -> Group | None:
    """One group of the directory (its public columns only), or None if it is not listed."""
    return public_directory(today=today).filter(pk=pk).first()


def pending_application_count() -> int:
    return Group.objects.filter(status=ApplicationStatus.PENDING).count()


# --- The counter's group picker (booking form, office machines) ---------------------------------
GROUP_PICKER_LIMIT = 10
# Only these columns are read for a match: enough to recognise the group and call it.
PICKER_FIELDS = (
    "name",
    "name_kana",
    "registration_number",
    "status",
    "valid_from",
    "valid_until",
    "contact_name",
    "representative_name",
    "phone",
)


@dataclass(frozen=True)
class GroupMatch:
    """One group as the clerk sees it in the picker. Only a group registered today can be
    picked (it books and uses machines as a registered group); the others are shown with
    their status so the clerk knows why."""

    pk: int
    name: str
    name_kana: str
    registration_number: str
    status: str  # registered / lapsed / not_yet / pending
    status_label: str
    selectable: bool
    contact_name: str
    phone: str
    valid_until: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "name": self.name,
            "kana": self.name_kana,
            "number": self.registration_number,
            "status": self.status,
            "status_label": self.status_label,
            "selectable": self.selectable,
            "contact": self.contact_name,
            "phone": self.phone,
            "valid_until": self.valid_until,
        }


def group_match(group: Group, today: dt.date) -> GroupMatch:
    if group.status == ApplicationStatus.PENDING:
        status, label = "pending", "申請中"
    elif group.is_registered_on(today):
        status, label = "registered", "登録中"
    elif group.valid_from and group.valid_from > today:
        status, label = "not_yet", f"{jdate(group.valid_from)}から登録"
    else:
        status, label = "lapsed", "失効"
    return GroupMatch(
        pk=group.pk,
        name=group.name,
        name_kana=group.name_kana,
        registration_number=group.registration_number or "",
        status=status,
        status_label=label,
        selectable=status == "registered",
        # The person the centre calls; the representative when no contact person was given.
        contact_name=group.contact_name or group.representative_name,
        phone=group.phone,
        valid_until=jdate(group.valid_until) if group.valid_until else "",
    )


def group_search_q(query: str) -> Q:
    """Every word of the query (full-width or half-width, hiragana or katakana) in the name,
    the フリガナ or the registration number."""
    condition = Q()
    for word in normalise_query(query).split():
        condition &= (
            Q(name__icontains=word)
            | Q(name_kana__icontains=to_katakana(word))
            | Q(registration_number__icontains=word)
        )
    return condition


def group_picker_search(
    *, query: str, today: dt.date, limit: int = GROUP_PICKER_LIMIT
) -> tuple[list[GroupMatch], bool]:
    """Groups matching ``query`` for the counter's picker, registered ones first, then by
    フリガナ; at most ``limit`` and whether there were more. One query."""
    if not normalise_query(query):
        return [], False
    groups = list(
        Group.objects.filter(group_search_q(query))
        .filter(status__in=(ApplicationStatus.APPROVED, ApplicationStatus.PENDING))
        .annotate(
            rank=Case(
                When(registered_on_q(today), then=Value(0)),
                When(status=ApplicationStatus.PENDING, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .only(*PICKER_FIELDS)
        .order_by("rank", "name_kana", "name", "pk")[: limit + 1]
    )
    return [group_match(group, today) for group in groups[:limit]], len(groups) > limit


def group_picker_get(*, pk: int, today: dt.date) -> GroupMatch | None:
    """The group already chosen in a form (shown again after a reload), whatever its status."""
    group = (
        Group.objects.filter(pk=pk)
        .exclude(status=ApplicationStatus.REJECTED)
        .only(*PICKER_FIELDS)
        .first()
    )
    return group_match(group, today) if group else None


# --- Group accounts (登録団体) ----------------------------------------------------------------
def membership_of(user: Any) -> GroupMembership | None:
    """The signed-in user's group account (with its group), or None for anyone else.

    One query per request at most: the answer is kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_membership_cache"):
        user._membership_cache = (
            GroupMembership.objects.select_related("group").filter(user_id=user.pk).first()
        )
    return user._membership_cache


def group_may_request(group: Group, today: dt.date) -> tuple[bool, str]:
    """Whether a group account may ask for anything online today (bookings, キャンセル待ち),
    and if not, why, in words the group reads on its page."""
    if group.status == ApplicationStatus.PENDING:
        return False, "団体登録の審査中です。承認されるとオンラインで申し込めるようになります。"
    if group.status == ApplicationStatus.REJECTED:
        return False, (
            "団体登録が承認されていないため、オンラインでは申し込めません。"
            "窓口・電話でお申し込みください。"
        )
    if group.valid_from and today < group.valid_from:
        return False, f"団体登録の有効期間は{jdate(group.valid_from)}からです。"
    if not group.is_registered_on(today):
        return False, (
            f"団体登録の有効期間が{jdate(group.valid_until)}で終了しています。"
            "更新の手続きは窓口（電話）でご相談ください。これまでの予約はマイページで確認できます。"
        )
    return True, ""


# Notices a group may turn off (GroupMembership preferences); all others always go.
OPTIONAL_NOTICES = {"reminder": "wants_reminders", "waiting": "wants_waiting_notices"}


def notice_recipients(group: Group, preference: str = "always") -> list[str]:
    """Where a group's notices go: its contact e-mail and its member accounts' addresses
    (deduplicated, lower-cased); ``preference`` "reminder"/"waiting" honours each account's
    choice (the contact e-mail of the registration always gets them)."""
    addresses = [group.email] if group.email else []
    members = GroupMembership.objects.filter(group=group, user__is_active=True)
    flag = OPTIONAL_NOTICES.get(preference)
    if flag:
        members = members.filter(**{flag: True})
    addresses.extend(members.exclude(user__email="").values_list("user__email", flat=True))
    seen: dict[str, None] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), None)
    return [address for address in seen if address]


def group_by_calendar_token(token: Any) -> Group | None:
    return Group.objects.filter(calendar_token=token).first()


# --- The public profile (団体紹介) and its review at the counter ---------------------------------
# Long texts are compared piece by piece; short ones are shown whole, before and after.
DIFFED_TEXT_FIELDS = ("activity",)


@dataclass(frozen=True)
class DiffRow:
    """One profile field, as it is live and as the group proposes it."""

    name: str
    label: str
    current: str
    proposed: str
    changed: bool
    # For long texts: (kind, text) pieces, kind "same" / "removed" / "added".
    pieces: tuple[tuple[str, str], ...] = ()


def _display(source: Any, name: str) -> str:
    value = getattr(source, name)
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if name == "activity_field":
        return str(source.get_activity_field_display()) if value else ""
    return str(value or "")


def _pieces(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Character-level changes (Japanese has no spaces to split words on). One or two
    characters left alone between two changes join them: 「親子の」→「子どもたちと川の」 reads as
    one replaced phrase, not as 親 removed, 子 kept and どもたちと川 added."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    opcodes = matcher.get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (tag, a1, a2, b1, b2) in enumerate(opcodes):
        short_gap = tag == "equal" and a2 - a1 <= 2 and index < len(opcodes) - 1
        if merged and merged[-1][0] != "equal" and (tag != "equal" or short_gap):
            merged[-1] = ("replace", merged[-1][1], a2, merged[-1][3], b2)
        else:
            merged.append((tag, a1, a2, b1, b2))
    pieces: list[tuple[str, str]] = []
    for tag, a1, a2, b1, b2 in merged:
        if tag == "equal":
            pieces.append(("same", before[a1:a2]))
            continue
        if a2 > a1:
            pieces.append(("removed", before[a1:a2]))
        if b2 > b1:
            pieces.append(("added", after[b1:b2]))
    return tuple(pieces)


def profile_diff(revision: GroupProfileRevision, live: Group | None = None) -> list[DiffRow]:
    """Each profile field: the live value (the group's now) beside the proposed one."""
    live = live or revision.group
    rows = []
    for name in PROFILE_FIELDS:
        current, proposed = _display(live, name), _display(revision, name)
        changed = getattr(live, name) != getattr(revision, name)
        pieces = (
            _pieces(current, proposed)
            if changed and name in DIFFED_TEXT_FIELDS and current and proposed
            else ()
        )
        label = str(Group._meta.get_field(name).verbose_name)
        rows.append(DiffRow(name, label, current, proposed, changed, pieces))
    return rows


def contact_is_registration_contact(revision: GroupProfileRevision) -> bool:
    """The public contact proposed is the registration's e-mail or phone: a clerk checks it is
    not a person's own (the group may still choose it)."""
    contact = normalise_query(revision.public_contact).lower()
    group = revision.group
    own = {normalise_query(group.email).lower(), normalise_query(group.phone)} - {""}
    return bool(contact) and any(value in contact for value in own)


def pending_profile_revisions() -> QuerySet[GroupProfileRevision]:
    """The counter's queue: proposals waiting, oldest first, with their group (one query)."""
    return (
        GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING)
        .select_related("group", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def pending_profile_revision_count() -> int:
    return GroupProfileRevision.objects.filter(status=ProfileRevisionStatus.PENDING).count()


def profile_revision_get(pk: int) -> GroupProfileRevision | None:
    return (
        GroupProfileRevision.objects.select_related("group", "submitted_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )


def group_profile_revisions(group: Group, limit: int = 5) -> list[GroupProfileRevision]:
    """The group's latest proposals, newest first (マイページ: 確認待ち, 差戻しとその理由)."""
    return list(
        GroupProfileRevision.objects.filter(group=group)
        .exclude(status=ProfileRevisionStatus.REPLACED)
        .order_by("-submitted_at", "-pk")[:limit]
    )
