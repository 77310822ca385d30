"""Business rules of the coordination board: the only place that writes posts, responses and
outcomes (pages, the admin, the demo command and the daily job all call these).

- A group posts 募集/提供 from マイページ: a 下書き, or 確認待ち when it asks for review. A change
  to a post that is already public takes it off the board until staff approve it again:
  nothing a group typed is public before review.
- Staff enter 協働提案の募集 (ward staff only: a department's invitation) and 企業のCSR (a
  company has no login), or a group's 募集/提供 on its behalf; those start 確認待ち too.
- Staff approve (公開) or reject with a reason (非公開（却下）); the group hears by e-mail.
- Posts past their 掲載期限 become 終了 (the daily job); the board hides them from that day on.
- A response (public or a group account) is sent to the poster by e-mail through the worker,
  with the responder's message and contact; a responder who gave an e-mail address gets a
  receipt. Both are queued in the response's transaction.
- Staff note the coordination's outcome (つないだ / 成立 / 不成立), as often as it changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from coordination.models import (
    GROUP_KINDS,
    Outcome,
    OutcomeKind,
    Post,
    PostKind,
    PostStatus,
    Response,
)
from groups import selectors as group_selectors
from groups.models import Group
from kyodo_center.dates import jdate
from kyodo_center.forms import half_width
from kyodo_center.history import records_actor
from kyodo_center.roles import STAFF_ROLES, WARD_STAFF, user_has_role
from notices.services import absolute_url, queue_notice

# A post stays on the board for at most a year; longer offers are posted again.
MAX_LISTING_DAYS = 366
MAX_MESSAGE_LENGTH = 2000
# The public form: responses from one client address in an hour (spam and mistakes).
RESPONSES_PER_ADDRESS_PER_HOUR = 10
# The same response sent twice (a double click, a reload) within this time is one response.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)

EMAIL_IN_CONTACT = re.compile(r"[^@\s,;、（）()]+@[^@\s,;、（）()]+\.[^@\s,;、（）()]+")
PHONE_DIGITS = re.compile(r"^\+?[0-9]{10,13}$")


class CoordinationError(Exception):
    """A coordination rule was broken; the message is Japanese and shown to the user as is."""


@dataclasses.dataclass
class PostData:
    """What a post says, from the group's or the staff's form."""

    kind: str
    title: str
    description: str
    activity_field: str
    area: str
    needs: str
    how_to_respond: str
    expires_on: dt.date
    period_from: dt.date | None = None
    period_until: dt.date | None = None
    group: Group | None = None
    organisation_name: str = ""
    notice_email: str = ""

    def cleaned(self) -> PostData:
        """Text trimmed; one-line fields with their runs of spaces (and newlines) made one."""
        text = {}
        for name in TEXT_FIELDS:
            value = str(getattr(self, name) or "")
            text[name] = " ".join(value.split()) if name in ONE_LINE else value.strip()
        return dataclasses.replace(self, **text)


ONE_LINE = {"title", "area", "organisation_name", "notice_email"}
TEXT_FIELDS = (
    "title",
    "description",
    "area",
    "needs",
    "how_to_respond",
    "organisation_name",
    "notice_email",
)
POST_FIELDS = (
    "kind",
    "title",
    "description",
    "activity_field",
    "area",
    "needs",
    "how_to_respond",
    "expires_on",
    "period_from",
    "period_until",
    "group",
    "organisation_name",
    "notice_email",
)


# --- Checks ---------------------------------------------------------------------------------
def post_problems(data: PostData, *, today: dt.date) -> str | None:
    """The first thing wrong with a post's content (Japanese), or None."""
    if data.kind not in PostKind.values:
        return "種類を一覧から選んでください。"
    for name, label in (
        ("title", "タイトル"),
        ("description", "内容"),
        ("needs", "求めること・提供できること"),
        ("how_to_respond", "応答の方法"),
    ):
        if not getattr(data, name):
            return f"{label}を入力してください。"
    if data.period_from and data.period_until and data.period_until < data.period_from:
        return "活動期間の終わりは始まり以降の日付にしてください。"
    if data.expires_on < today:
        return f"掲載期限は今日（{jdate(today)}）以降の日付にしてください。"
    if data.expires_on > today + dt.timedelta(days=MAX_LISTING_DAYS):
        return "掲載期限は1年以内にしてください。"
    if data.period_until and data.expires_on > data.period_until:
        return f"掲載期限は活動期間の終わり（{jdate(data.period_until)}）までにしてください。"
    if data.kind in GROUP_KINDS:
        if data.group is None:
            return "募集・提供は登録団体の投稿です。団体を選んでください。"
    else:
        if not data.organisation_name:
            name = "区の所管課" if data.kind == PostKind.WARD else "企業"
            return f"{name}の名称を入力してください。"
        if not data.notice_email:
            return "応答の通知先メールアドレスを入力してください。"
        try:
            validate_email(data.notice_email)
        except ValidationError:
            return "応答の通知先メールアドレスを正しく入力してください。"
    return None


def _check(data: PostData, *, today: dt.date) -> PostData:
    data = data.cleaned()
    problem = post_problems(data, today=today)
    if problem:
        raise CoordinationError(problem)
    if data.kind in GROUP_KINDS:
        data = dataclasses.replace(data, organisation_name="", notice_email="")
    else:
        data = dataclasses.replace(data, group=None)
    return data


def _apply(post: Post, data: PostData) -> None:
    for name in POST_FIELDS:
        setattr(post, name, getattr(data, name))


def _locked(post: Post) -> Post:
    """The post's row, locked for the rest of the transaction: one decision at a time."""
    return (
        Post.objects.select_for_update(of=("self",), no_key=True)
        .select_related("group")
        .get(pk=post.pk)
    )


def _refresh(post: Post, current: Post) -> Post:
    """Copy the saved state back onto the caller's object (views keep using it)."""
    for model_field in Post._meta.concrete_fields:
        setattr(post, model_field.attname, getattr(current, model_field.attname))
    return post


def group_may_post(group: Group, today: dt.date) -> tuple[bool, str]:
    """A group posts while its registration is valid (the rule of online requests)."""
    if group.is_registered_on(today):
        return True, ""
    return False, (
        "協働マッチングへの投稿は、団体登録が有効な登録団体だけができます。"
        "団体登録の更新などは、センターの窓口（電話）でご相談ください。"
    )


# --- Posts by a group (マイページ) ------------------------------------------------------------
@records_actor("author")
def post_create_by_group(
    *, group: Group, data: PostData, author: Any, submit: bool, now: dt.datetime | None = None
) -> Post:
    """A group's 募集 or 提供: a 下書き, or 確認待ち when ``submit``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    allowed, reason = group_may_post(group, today)
    if not allowed:
        raise CoordinationError(reason)
    if data.kind not in GROUP_KINDS:
        raise CoordinationError("団体から投稿できるのは「募集」と「提供」です。")
    data = _check(dataclasses.replace(data, group=group), today=today)
    post = Post(author=author, created_at=now)
    _apply(post, data)
    post.status = PostStatus.PENDING if submit else PostStatus.DRAFT
    post.submitted_at = now if submit else None
    post.save()
    return post


@records_actor("updated_by")
def post_update_by_group(
    *,
    post: Post,
    group: Group,
    data: PostData,
    updated_by: Any,
    submit: bool,
    now: dt.datetime | None = None,
) -> Post:
    """The group changes its own post. Whatever it was, it is now a 下書き (or 確認待ち when
    ``submit``): a public post leaves the board until staff approve the change."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        current = _locked(post)
        if current.group_id != group.pk:
            raise CoordinationError("この投稿は見つかりません。")
        if not current.is_editable_by_group():
            raise CoordinationError("終了した投稿は変更できません。新しく投稿してください。")
        if data.kind not in GROUP_KINDS:
            raise CoordinationError("団体から投稿できるのは「募集」と「提供」です。")
        data = _check(dataclasses.replace(data, group=group), today=today)
        _apply(current, data)
        current.status = PostStatus.PENDING if submit else PostStatus.DRAFT
        current.submitted_at = now if submit else current.submitted_at
        current.rejection_reason = ""
        current.save()
    return _refresh(post, current)


@records_actor("by")
def post_submit(*, post: Post, group: Group, by: Any, now: dt.datetime | None = None) -> Post:
    """A 下書き (or a rejected post, after changes) goes to the review queue: 確認待ち."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        current = _locked(post)
        if current.group_id != group.pk:
            raise CoordinationError("この投稿は見つかりません。")
        if current.status == PostStatus.PENDING:
            return _refresh(post, current)  # pressed twice: already waiting
        if current.status not in (PostStatus.DRAFT, PostStatus.REJECTED):
            raise CoordinationError(
                f"この投稿は「{current.get_status_display()}」のため、確認を依頼できません。"
            )
        if current.expires_on < today:
            raise CoordinationError(
                "掲載期限が過ぎています。掲載期限を変更してから依頼してください。"
            )
        current.status = PostStatus.PENDING
        current.submitted_at = now
        current.rejection_reason = ""
        current.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    return _refresh(post, current)


# --- Posts by staff ---------------------------------------------------------------------------
def _check_staff(user: Any, kind: str) -> None:
    if not user_has_role(user, *STAFF_ROLES):
        raise CoordinationError("職員だけが操作できます。")
    if kind == PostKind.WARD and not user_has_role(user, WARD_STAFF):
        raise CoordinationError("協働提案の募集は区職員が入力します。")


@records_actor("author")
def post_create_by_staff(*, data: PostData, author: Any, now: dt.datetime | None = None) -> Post:
    """A department's 協働提案の募集 (ward staff), a company's CSR offer, or a group's
    募集/提供 taken at the counter. It waits in the review queue (確認待ち) like any post."""
    now = now or timezone.now()
    _check_staff(author, data.kind)
    data = _check(data, today=timezone.localdate(now))
    post = Post(author=author, created_at=now)
    _apply(post, data)
    post.status = PostStatus.PENDING
    post.submitted_at = now
    post.save()
    return post


@records_actor("updated_by")
def post_update_by_staff(
    *, post: Post, data: PostData, updated_by: Any, now: dt.datetime | None = None
) -> Post:
    """Staff correct a post; its state stays (staff wrote or reviewed the text)."""
    now = now or timezone.now()
    _check_staff(updated_by, data.kind)
    with transaction.atomic():
        current = _locked(post)
        if current.status == PostStatus.CLOSED:
            raise CoordinationError("終了した投稿は変更できません。")
        if current.kind == PostKind.WARD and not user_has_role(updated_by, WARD_STAFF):
            raise CoordinationError("協働提案の募集は区職員が変更します。")
        data = _check(data, today=timezone.localdate(now))
        if current.published_on and data.expires_on < current.published_on:
            raise CoordinationError("掲載期限は掲載開始日以降にしてください。")
        _apply(current, data)
        current.save()
    return _refresh(post, current)


# --- Review ------------------------------------------------------------------------------------
@records_actor("by")
def post_approve(*, post: Post, by: Any, now: dt.datetime | None = None) -> Post:
    """確認待ち → 公開: on the board from today until its 掲載期限."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not user_has_role(by, *STAFF_ROLES):
        raise CoordinationError("職員だけが公開できます。")
    with transaction.atomic():
        current = _locked(post)
        if current.status == PostStatus.PUBLISHED:
            return _refresh(post, current)  # pressed twice
        if current.status != PostStatus.PENDING:
            raise CoordinationError(
                f"この投稿は「{current.get_status_display()}」のため、公開できません。"
            )
        if current.expires_on < today:
            raise CoordinationError(
                "掲載期限が過ぎているため公開できません。掲載期限を変更してから公開してください。"
            )
        current.status = PostStatus.PUBLISHED
        current.reviewed_by = by
        current.reviewed_at = now
        # A post approved again after a change keeps the day it first went public.
        if current.published_on is None:
            current.published_on = today
        current.rejection_reason = ""
        current.save()
        _notify_group_of_review(current, template="coordination_post_approved")
    return _refresh(post, current)


@records_actor("by")
def post_reject(*, post: Post, by: Any, reason: str, now: dt.datetime | None = None) -> Post:
    """確認待ち (or 公開: taken down) → 非公開（却下）, with the reason the group is told."""
    now = now or timezone.now()
    reason = reason.strip()
    if not user_has_role(by, *STAFF_ROLES):
        raise CoordinationError("職員だけが操作できます。")
    if not reason:
        raise CoordinationError("非公開にする理由を入力してください。")
    with transaction.atomic():
        current = _locked(post)
        if current.status not in (PostStatus.PENDING, PostStatus.PUBLISHED):
            raise CoordinationError(
                f"この投稿は「{current.get_status_display()}」のため、非公開にできません。"
            )
        current.status = PostStatus.REJECTED
        current.reviewed_by = by
        current.reviewed_at = now
        current.rejection_reason = reason[:1000]
        current.save()
        _notify_group_of_review(current, template="coordination_post_rejected")
    return _refresh(post, current)


@records_actor("by")
def post_close(
    *, post: Post, by: Any, group: Group | None = None, now: dt.datetime | None = None
) -> Post:
    """終了: the poster found what it looked for (or staff end it). A closed post stays on the
    board, marked 受付終了, until its 掲載期限; it takes no more responses."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(post)
        if group is not None and current.group_id != group.pk:
            raise CoordinationError("この投稿は見つかりません。")
        if group is None and not user_has_role(by, *STAFF_ROLES):
            raise CoordinationError("職員だけが操作できます。")
        if current.status == PostStatus.CLOSED:
            return _refresh(post, current)
        if current.status == PostStatus.REJECTED:
            raise CoordinationError("非公開（却下）の投稿は終了にできません。")
        current.status = PostStatus.CLOSED
        current.closed_at = now
        current.save(update_fields=["status", "closed_at", "updated_at"])
    return _refresh(post, current)


def posts_expire(*, now: dt.datetime | None = None) -> int:
    """The daily job: published and waiting posts past their 掲載期限 become 終了."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Post.objects.filter(
        status__in=(PostStatus.PUBLISHED, PostStatus.PENDING), expires_on__lt=today
    ).update(status=PostStatus.CLOSED, closed_at=now, updated_at=now)


def _notify_group_of_review(post: Post, *, template: str) -> None:
    """A group's post was approved or rejected: tell the group (departments and companies
    hear from the staff who entered their post)."""
    if not post.group_id:
        return
    link = absolute_url(reverse("coordination:group_post", args=[post.pk]))
    queue_notice(
        to=group_selectors.notice_recipients(post.group),
        template=template,
        context={
            "group": post.group.name,
            "title": post.title,
            "kind": post.get_kind_display(),
            "expires_on": jdate(post.expires_on),
            "reason": post.rejection_reason,
            "board_link": absolute_url(reverse("coordination:detail", args=[post.pk])),
            "link": link,
        },
        kind=template,
        group_id=post.group_id,
        link=link,
    )


# --- Responses ---------------------------------------------------------------------------------
def contact_problem(contact: str) -> str | None:
    """A contact is an e-mail address or a phone number (full-width digits accepted)."""
    text = half_width(contact)
    if not text:
        return "連絡先（メールアドレスまたは電話番号）を入力してください。"
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            return "メールアドレスを正しく入力してください（例: taro@example.jp）。"
        return None
    digits = re.sub(r"[\s\-()（）]", "", text)
    if PHONE_DIGITS.match(digits):
        return None
    return "連絡先は、メールアドレスか電話番号（例: 03-0000-1234）を入力してください。"


def email_in(contact: str) -> str:
    match = EMAIL_IN_CONTACT.search(half_width(contact))
    return match.group(0) if match else ""


def _check_response_limit(*, client_address: str, now: dt.datetime) -> None:
    """One client address sends at most RESPONSES_PER_ADDRESS_PER_HOUR responses an hour.
    Counted in PostgreSQL (every app server sees the same count), under an advisory lock per
    address, so simultaneous submissions from it are counted one after the other."""
    limit = getattr(
        settings, "COORDINATION_RESPONSES_PER_ADDRESS_PER_HOUR", RESPONSES_PER_ADDRESS_PER_HOUR
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"coordination.respond:{client_address}"],
        )
    recent = Response.objects.filter(
        submitted_from=client_address, created_at__gt=now - dt.timedelta(hours=1)
    ).count()
    if recent >= limit:
        raise CoordinationError(
            f"同じ接続元からの応答は1時間に{limit}件までです。"
            "しばらく時間をおいてから、もう一度お試しください。"
        )


@records_actor("account")
def response_create(
    *,
    post: Post,
    name: str,
    contact: str,
    message: str,
    responding_group: Group | None = None,
    account: Any = None,
    client_address: str | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """A response to a public post. The poster is e-mailed the message and the contact; the
    responder gets a receipt when the contact is an e-mail address. Sending the same response
    twice within a few minutes returns the first one (nothing is sent again)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    name = " ".join(name.split())
    contact = " ".join(half_width(contact).split())
    message = message.strip()
    if not name:
        raise CoordinationError("お名前を入力してください。")
    if len(name) > 100:
        raise CoordinationError("お名前は100文字以内で入力してください。")
    problem = contact_problem(contact)
    if problem:
        raise CoordinationError(problem)
    if len(contact) > 200:
        raise CoordinationError("連絡先は200文字以内で入力してください。")
    if not message:
        raise CoordinationError("メッセージを入力してください。")
    if len(message) > MAX_MESSAGE_LENGTH:
        raise CoordinationError(f"メッセージは{MAX_MESSAGE_LENGTH}文字以内で入力してください。")
    with transaction.atomic():
        current = _locked(post)
        if not current.takes_responses(today):
            raise CoordinationError("この投稿は応答の受付を終了しました。")
        if responding_group is not None and current.group_id == responding_group.pk:
            raise CoordinationError("自分の団体の投稿には応答できません。")
        same = Response.objects.filter(
            post=current,
            name=name,
            contact=contact,
            message=message,
            responding_group=responding_group,
            created_at__gt=now - DUPLICATE_WINDOW,
        ).first()
        if same is not None:
            return same
        if client_address:
            _check_response_limit(client_address=client_address, now=now)
        response = Response.objects.create(
            post=current,
            name=name,
            contact=contact,
            message=message,
            responding_group=responding_group,
            created_at=now,
            submitted_from=client_address or None,
        )
        _notify_poster(current, response)
        _send_receipt(current, response)
    return response


def _response_facts(post: Post, response: Response) -> dict[str, Any]:
    return {
        "title": post.title,
        "kind": post.get_kind_display(),
        "poster": post.poster_name,
        "name": response.name,
        "contact": response.contact,
        "responding_group": response.responding_group.name if response.responding_group_id else "",
        "message": response.message,
        "received": f"{jdate(timezone.localdate(response.created_at))} "
        f"{timezone.localtime(response.created_at):%H:%M}",
        "board_link": absolute_url(reverse("coordination:detail", args=[post.pk])),
    }


def _notify_poster(post: Post, response: Response) -> None:
    """The poster hears of the response with its message and contact: the group's addresses,
    or the department's/company's notice address."""
    if post.group_id:
        recipients = group_selectors.notice_recipients(post.group)
        link = absolute_url(reverse("coordination:group_post", args=[post.pk]))
    else:
        recipients = [post.notice_email]
        link = ""
    queue_notice(
        to=recipients,
        template="coordination_response",
        context={**_response_facts(post, response), "link": link},
        kind="coordination_response",
        group_id=post.group_id,
        link=link,
    )


def _send_receipt(post: Post, response: Response) -> None:
    address = email_in(response.contact)
    if not address:
        return
    queue_notice(
        to=[address],
        template="coordination_response_receipt",
        context=_response_facts(post, response),
        kind="coordination_response_receipt",
        group_id=response.responding_group_id,
    )


# --- Outcomes (調整の結果) ------------------------------------------------------------------------
@records_actor("recorded_by")
def outcome_record(
    *,
    post: Post,
    outcome: str,
    note: str = "",
    recorded_by: Any,
    now: dt.datetime | None = None,
) -> Outcome:
    """Staff note how the coordination on a post went; the latest note is the post's result."""
    now = now or timezone.now()
    if not user_has_role(recorded_by, *STAFF_ROLES):
        raise CoordinationError("職員だけが記録できます。")
    if outcome not in OutcomeKind.values:
        raise CoordinationError("調整の結果を一覧から選んでください。")
    with transaction.atomic():
        current = _locked(post)
        if current.published_on is None:
            raise CoordinationError("公開した投稿にだけ調整の結果を記録できます。")
        return Outcome.objects.create(
            post=current,
            outcome=outcome,
            note=note.strip()[:2000],
            recorded_by=recorded_by,
            recorded_at=now,
        )
