"""Every write of news items (お知らせ) and newsletters (情報紙), for the staff pages, the admin
and the demo command alike.

Review (``settings.NEWS_REQUIRE_REVIEW``, on by default): counter staff write and submit
(下書き → 確認待ち) and ward staff publish (→ 公開); when it is off, counter staff publish
directly. Whoever publishes is recorded (reviewed_by/at; the database refuses a published item
without them). While review is on, a published item is changed only by someone who may publish:
anyone else withdraws it first (公開を取り下げる), edits, and submits it again.

Attachments (PDF, PNG, JPEG) and newsletter PDFs are judged by their first bytes, never by
their names, and stored under random names outside the web root.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from facilities.models import Closure
from groups.services import sniff_upload_type
from kyodo_center.dates import fiscal_year_of
from kyodo_center.history import records_actor
from kyodo_center.roles import COUNTER_STAFF, WARD_STAFF, user_has_role
from news.models import (
    ATTACHMENT_EXTENSIONS,
    NewsCategory,
    NewsItem,
    Newsletter,
    NewsStatus,
)
from programs.models import Event

# Within the request cap (settings.REQUEST_BODY_MAX_BYTES), the same as a group's bylaws.
ATTACHMENT_MAX_BYTES: int = settings.BYLAWS_MAX_BYTES
TITLE_MAX = 200
BODY_MAX = 20_000


class NewsError(Exception):
    """A news rule was broken; the message is Japanese and shown to the user as is."""


@dataclass(frozen=True)
class NewsData:
    title: str
    body: str
    category: str
    publish_from: dt.datetime
    publish_until: dt.datetime | None = None


@dataclass(frozen=True)
class NewsletterData:
    issue_number: int
    title: str
    issue_date: dt.date
    contents: str
    is_public: bool = True


# --- Who may do what ----------------------------------------------------------------------------
def review_required() -> bool:
    return bool(getattr(settings, "NEWS_REQUIRE_REVIEW", True))


def may_write(user: Any) -> bool:
    return user_has_role(user, COUNTER_STAFF, WARD_STAFF)


def may_publish(user: Any) -> bool:
    """Ward staff always; counter staff too when review is switched off."""
    if user_has_role(user, WARD_STAFF):
        return True
    return not review_required() and user_has_role(user, COUNTER_STAFF)


# --- Checks -------------------------------------------------------------------------------------
def news_data_problems(data: NewsData) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("件名を入力してください。")
    elif len(data.title) > TITLE_MAX:
        problems.append(f"件名は{TITLE_MAX}文字以内にしてください。")
    if not data.body.strip():
        problems.append("本文を入力してください。")
    elif len(data.body) > BODY_MAX:
        problems.append(f"本文は{BODY_MAX:,}文字以内にしてください。")
    if data.category not in NewsCategory.values:
        problems.append("分類を一覧から選んでください。")
    if data.publish_until is not None and data.publish_until <= data.publish_from:
        problems.append("掲載終了日時は掲載開始日時より後にしてください。")
    return problems


def _sniffed(file: UploadedFile) -> str | None:
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return sniff_upload_type(head)


def attachment_problem(file: UploadedFile) -> str | None:
    """Why ``file`` cannot be a news attachment (PDF, PNG or JPEG by its bytes), or None."""
    if file.size is not None and file.size > ATTACHMENT_MAX_BYTES:
        return (
            f"添付ファイルが大きすぎます（{file.size / 1024 / 1024:.1f}MB）。"
            f"{ATTACHMENT_MAX_BYTES // 1024 // 1024}MB以下にしてください。"
        )
    if not file.size:
        return "添付ファイルが空です。PDFまたは画像（JPEG・PNG）を選んでください。"
    if _sniffed(file) not in ATTACHMENT_EXTENSIONS:
        return (
            "添付ファイルはPDFまたは画像（JPEG・PNG）にしてください。"
            "ファイルの中身がこれらの形式ではありません。"
        )
    return None


def newsletter_pdf_problem(file: UploadedFile) -> str | None:
    """Why ``file`` cannot be a newsletter's PDF (judged by its bytes), or None."""
    if file.size is not None and file.size > ATTACHMENT_MAX_BYTES:
        return (
            f"PDFが大きすぎます（{file.size / 1024 / 1024:.1f}MB）。"
            f"{ATTACHMENT_MAX_BYTES // 1024 // 1024}MB以下にしてください。"
        )
    if not file.size:
        return "PDFファイルが空です。"
    if _sniffed(file) != "application/pdf":
        return "情報紙はPDFでアップロードしてください。ファイルの中身がPDFではありません。"
    return None


# --- News items ---------------------------------------------------------------------------------
def _locked(item: NewsItem) -> NewsItem:
    return NewsItem.objects.select_for_update(of=("self",), no_key=True).get(pk=item.pk)


def _apply(item: NewsItem, data: NewsData) -> None:
    item.title = data.title.strip()
    item.body = data.body
    item.category = data.category
    item.publish_from = data.publish_from
    item.publish_until = data.publish_until


def _attach(item: NewsItem, file: UploadedFile) -> None:
    problem = attachment_problem(file)
    if problem:
        raise NewsError(problem)
    item.attachment_type = _sniffed(file) or ""
    # The name given here is thrown away by upload_to (news.models.attachment_path).
    item.attachment.save("upload", file, save=False)


def _forget_file_after_commit(field_file: Any) -> None:
    """Delete a file being replaced or removed once the change is committed (never before: a
    rollback would leave the row pointing at nothing). Call before the field changes."""
    storage, name = field_file.storage, field_file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@records_actor("author")
def news_item_create(
    *, data: NewsData, author: Any, attachment: UploadedFile | None = None
) -> NewsItem:
    """A new news item, as 下書き."""
    if not may_write(author):
        raise NewsError("お知らせを作成できるのはセンターの職員だけです。")
    problems = news_data_problems(data)
    if problems:
        raise NewsError(" ".join(problems))
    item = NewsItem(author=author, status=NewsStatus.DRAFT)
    _apply(item, data)
    with transaction.atomic():
        if attachment is not None:
            _attach(item, attachment)
        item.save()
    return item


@records_actor("updated_by")
def news_item_update(
    *,
    item: NewsItem,
    data: NewsData,
    updated_by: Any,
    attachment: UploadedFile | None = None,
    remove_attachment: bool = False,
) -> NewsItem:
    """Change a news item's text, period, category or attachment."""
    if not may_write(updated_by):
        raise NewsError("お知らせを変更できるのはセンターの職員だけです。")
    problems = news_data_problems(data)
    if problems:
        raise NewsError(" ".join(problems))
    with transaction.atomic():
        locked = _locked(item)
        if locked.status == NewsStatus.PUBLISHED and not may_publish(updated_by):
            raise NewsError(
                "公開中のお知らせは区職員が変更します。"
                "変更するときは、公開を取り下げてから編集し、もう一度確認を依頼してください。"
            )
        _apply(locked, data)
        if attachment is not None or remove_attachment:
            _forget_file_after_commit(locked.attachment)
        if attachment is not None:
            _attach(locked, attachment)
        elif remove_attachment:
            locked.attachment = ""
            locked.attachment_type = ""
        locked.save()
    return locked


@records_actor("by")
def news_item_submit(*, item: NewsItem, by: Any, now: dt.datetime | None = None) -> NewsItem:
    """下書き → 確認待ち: ask ward staff to publish."""
    if not may_write(by):
        raise NewsError("確認を依頼できるのはセンターの職員だけです。")
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != NewsStatus.DRAFT:
            raise NewsError(
                f"このお知らせは「{locked.get_status_display()}」のため、確認を依頼できません。"
            )
        locked.status = NewsStatus.PENDING
        locked.submitted_at = now or timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
    return locked


@records_actor("by")
def news_item_publish(*, item: NewsItem, by: Any, now: dt.datetime | None = None) -> NewsItem:
    """下書き or 確認待ち → 公開, by someone who may publish (recorded as the reviewer)."""
    now = now or timezone.now()
    if not may_publish(by):
        raise NewsError(
            "お知らせを公開できるのは区職員です。確認を依頼してください。"
            if review_required()
            else "お知らせを公開できるのはセンターの職員だけです。"
        )
    with transaction.atomic():
        locked = _locked(item)
        if locked.status == NewsStatus.PUBLISHED:
            raise NewsError("このお知らせはすでに公開しています。")
        if locked.publish_until is not None and locked.publish_until <= now:
            raise NewsError(
                "掲載終了日時が過ぎているため公開できません。掲載期間を直してください。"
            )
        locked.status = NewsStatus.PUBLISHED
        locked.reviewed_by = by
        locked.reviewed_at = now
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return locked


@records_actor("by")
def news_item_unpublish(*, item: NewsItem, by: Any) -> NewsItem:
    """公開 → 下書き: taken off the public pages at once (any staff member may do this)."""
    if not may_write(by):
        raise NewsError("公開を取り下げられるのはセンターの職員だけです。")
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != NewsStatus.PUBLISHED:
            raise NewsError("このお知らせは公開していません。")
        locked.status = NewsStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
    return locked


@records_actor("by")
def news_item_return(*, item: NewsItem, by: Any) -> NewsItem:
    """確認待ち → 下書き (差し戻し), by someone who may publish."""
    if not may_publish(by):
        raise NewsError("差し戻しできるのは区職員です。")
    with transaction.atomic():
        locked = _locked(item)
        if locked.status != NewsStatus.PENDING:
            raise NewsError("確認待ちのお知らせだけを差し戻せます。")
        locked.status = NewsStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
    return locked


@records_actor("by")
def news_item_links_set(
    *, item: NewsItem, closure_ids: Iterable[int], event_ids: Iterable[int], by: Any
) -> None:
    """Link ``item`` to exactly these closures and events (the calendar and the event page
    show the link while the item is public). Only the link is written: the closure's and the
    event's own rules are not involved."""
    if not may_write(by):
        raise NewsError("関連付けできるのはセンターの職員だけです。")
    closure_ids, event_ids = set(closure_ids), set(event_ids)
    with transaction.atomic():
        _locked(item)  # one writer of the item's links at a time
        Closure.objects.filter(news_item=item).exclude(pk__in=closure_ids).update(news_item=None)
        Closure.objects.filter(pk__in=closure_ids).exclude(news_item=item).update(news_item=item)
        Event.objects.filter(news_item=item).exclude(pk__in=event_ids).update(news_item=None)
        Event.objects.filter(pk__in=event_ids).exclude(news_item=item).update(news_item=item)


# --- Newsletters --------------------------------------------------------------------------------
def newsletter_data_problems(data: NewsletterData) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("題名を入力してください。")
    if not data.contents.strip():
        problems.append(
            "内容（テキスト版）を入力してください。PDFだけでは読み上げソフトで読めない方がいます。"
        )
    elif len(data.contents) > BODY_MAX * 5:
        problems.append(f"内容は{BODY_MAX * 5:,}文字以内にしてください。")
    if not 1 <= data.issue_number <= 999:
        problems.append("号は1〜999の数字で入力してください。")
    return problems


DUPLICATE_ISSUE = "{year}年度の第{number}号はすでに登録されています。号をご確認ください。"


@records_actor("by")
def newsletter_create(*, data: NewsletterData, pdf: UploadedFile, by: Any) -> Newsletter:
    if not may_write(by):
        raise NewsError("情報紙を登録できるのはセンターの職員だけです。")
    problems = newsletter_data_problems(data)
    problem = newsletter_pdf_problem(pdf)
    if problem:
        problems.append(problem)
    if problems:
        raise NewsError(" ".join(problems))
    fiscal_year = fiscal_year_of(data.issue_date)
    newsletter = Newsletter(created_by=by, fiscal_year=fiscal_year)
    _apply_newsletter(newsletter, data)
    try:
        with transaction.atomic():
            newsletter.pdf.save("upload", pdf, save=False)
            newsletter.save()
    except IntegrityError:
        if newsletter.pdf:
            newsletter.pdf.storage.delete(newsletter.pdf.name)
        raise NewsError(
            DUPLICATE_ISSUE.format(year=fiscal_year, number=data.issue_number)
        ) from None
    return newsletter


@records_actor("by")
def newsletter_update(
    *, newsletter: Newsletter, data: NewsletterData, by: Any, pdf: UploadedFile | None = None
) -> Newsletter:
    if not may_write(by):
        raise NewsError("情報紙を変更できるのはセンターの職員だけです。")
    problems = newsletter_data_problems(data)
    if pdf is not None:
        problem = newsletter_pdf_problem(pdf)
        if problem:
            problems.append(problem)
    if problems:
        raise NewsError(" ".join(problems))
    fiscal_year = fiscal_year_of(data.issue_date)
    new_file = None
    try:
        with transaction.atomic():
            locked = Newsletter.objects.select_for_update(no_key=True).get(pk=newsletter.pk)
            _apply_newsletter(locked, data)
            locked.fiscal_year = fiscal_year
            if pdf is not None:
                _forget_file_after_commit(locked.pdf)
                locked.pdf.save("upload", pdf, save=False)
                new_file = locked.pdf.name
            locked.save()
    except IntegrityError:
        if new_file:
            Newsletter.pdf.field.storage.delete(new_file)
        raise NewsError(
            DUPLICATE_ISSUE.format(year=fiscal_year, number=data.issue_number)
        ) from None
    return locked


def _apply_newsletter(newsletter: Newsletter, data: NewsletterData) -> None:
    newsletter.issue_number = data.issue_number
    newsletter.title = data.title.strip()
    newsletter.issue_date = data.issue_date
    newsletter.contents = data.contents
    newsletter.is_public = data.is_public
