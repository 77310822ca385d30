"""E-mail notices: other apps call ``queue_notice`` inside their own transaction.

``queue_notice(to=…, template=…, context=…, kind=…, group_id=…, link=…)`` renders
``templates/notices/<template>.txt``, writes a ``Notice`` row (the outbox) and defers the
procrastinate job ``notices.tasks.deliver_notice`` for it. Both inserts go through Django's own
connection (procrastinate's ``DjangoConnector`` uses ``django.db.connections``), so they belong
to the caller's transaction: a rolled-back booking sends nothing, a committed one is always sent
(the worker retries while the mail server is down; ``Notice.sent_at`` makes sending idempotent).

Templates are plain text, rendered without HTML escaping. The first non-empty line is the
subject, written ``件名: …``; everything after it is the body, to which the common footer
(``notices/_footer.txt``: the centre's name and contact) is appended. Each template lists the
context keys it expects in a ``{% comment %}`` at its top; every template also receives
``centre_name``, ``contact`` (settings.CENTRE_CONTACT) and ``site_url``. Give templates plain
values (strings already formatted: ``2026年11月23日(月)``, ``14:00〜16:00``), and only the data
of the group the mail goes to.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from email.header import Header
from email.message import Message as PyMessage
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from notices.models import Notice

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "件名:"
FOOTER_TEMPLATE = "notices/_footer.txt"
# Older unsent notices are left for staff to see in the admin: their news is stale by then.
REQUEUE_WITHIN = dt.timedelta(days=7)


class NoticeTemplateError(ValueError):
    """A notice template without its ``件名:`` line."""


class NoticeDeliveryError(RuntimeError):
    """Sending failed; raised from the worker so procrastinate retries the job."""


def absolute_url(path: str) -> str:
    """``/mypage/`` → ``https://kyodo.example.lg.jp/mypage/`` (settings.SITE_URL): mail needs
    absolute links, and the worker has no request to build them from."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"


def render_notice(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The subject and the body (footer included) of ``notices/<template>.txt``."""
    full_context = {
        "centre_name": settings.CENTRE_NAME,
        "contact": settings.CENTRE_CONTACT,
        "site_url": settings.SITE_URL,
        **context,
    }
    text = _render(f"notices/{template}.txt", full_context)
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith(SUBJECT_PREFIX):
        raise NoticeTemplateError(f"notices/{template}.txt は「件名:」の行で始めてください。")
    subject = " ".join(lines[0][len(SUBJECT_PREFIX) :].split())
    body = _tidy("\n".join(lines[1:]))
    footer = _tidy(_render(FOOTER_TEMPLATE, full_context))
    return subject, f"{body}\n\n{footer}\n"


def queue_notice(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping[str, Any],
    kind: str,
    group_id: int | None = None,
    link: str = "",
) -> Notice | None:
    """Queue one e-mail to ``to`` in the current transaction; None when there is nobody to send
    it to (no address, or none valid). The template's ``link`` is the context's, else ``link``;
    the notice stores ``link``, else the context's."""
    recipients = clean_recipients(to)
    if not recipients:
        return None
    subject, body = render_notice(template, {"link": link, **context})
    link = link or str(context.get("link", ""))
    from notices.tasks import deliver_notice  # tasks imports this module

    # The row and its job exist together or not at all: a transaction of their own in
    # autocommit; inside the caller's, no savepoint (two round trips on every booking), so a
    # failure here fails the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        notice = Notice.objects.create(
            kind=kind,
            recipients=recipients,
            subject=subject[:255],
            body=body,
            link=link,
            group_id=group_id,
        )
        deliver_notice.defer(notice_id=notice.pk)
    return notice


def clean_recipients(to: Sequence[str]) -> list[str]:
    """Distinct valid addresses, in order; blank and invalid ones are left out (logged)."""
    if isinstance(to, str):
        to = [to]
    seen: dict[str, None] = {}
    for raw in to:
        address = (raw or "").strip()
        if not address or address.lower() in (a.lower() for a in seen):
            continue
        try:
            validate_email(address)
        except ValidationError:
            logger.warning("notices: invalid address left out: %r", address)
            continue
        seen[address] = None
    return list(seen)


def notice_deliver(*, notice_id: int) -> str:
    """Send one notice (called by the worker). Sent once: the row is locked while sending and
    a notice with ``sent_at`` is skipped. A failure is recorded on the row, then raised."""
    error: Exception | None = None
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None:
            return "削除済みのため送信しません。"
        if notice.sent_at is not None:
            return "送信済みです。"
        notice.attempts += 1
        try:
            notice_message(notice).send(fail_silently=False)
        except Exception as exc:
            error = exc
            notice.last_error = f"{timezone.localtime():%Y-%m-%d %H:%M} {type(exc).__name__}: {exc}"
            notice.save(update_fields=["attempts", "last_error"])
        else:
            notice.sent_at = timezone.now()
            notice.save(update_fields=["attempts", "sent_at"])
    if error is not None:
        raise NoticeDeliveryError(f"通知 {notice_id} を送信できませんでした: {error}") from error
    return f"送信しました（{len(notice.recipients)}件の宛先）。"


def notices_requeue_unsent(*, now: dt.datetime | None = None) -> int:
    """Queue again the notices of the last week that are unsent and have no job waiting or
    running (their job used up its retries during a long mail-server outage)."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from notices.tasks import deliver_notice

    now = now or timezone.now()
    unsent = Notice.objects.filter(
        sent_at__isnull=True,
        created_at__gte=now - REQUEUE_WITHIN,
        created_at__lt=now - dt.timedelta(hours=1),
    ).values_list("pk", flat=True)
    pending = set(
        ProcrastinateJob.objects.filter(
            task_name=deliver_notice.name, status__in=["todo", "doing"]
        ).values_list("args__notice_id", flat=True)
    )
    again = [pk for pk in unsent if pk not in pending]
    for pk in again:
        deliver_notice.defer(notice_id=pk)
    return len(again)


class NoticeEmail(EmailMessage):
    """Plain text, UTF-8 (8bit body, as Django sends it, readable in the local .mail/ files),
    with the RFC 2047 subject folded counting the header's name: Django's own folding starts
    the subject with an empty line, which some parsers read as a leading space."""

    encoding = "utf-8"

    def message(self) -> Any:
        message = super().message()
        del message["Subject"]
        # Message.__setitem__: Django's refuses folded values, which this one is by design.
        PyMessage.__setitem__(
            message, "Subject", Header(self.subject, "utf-8", header_name="Subject")
        )
        return message


def notice_message(notice: Notice) -> EmailMessage:
    """The message as sent, From the centre (DEFAULT_FROM_EMAIL), replies to the centre."""
    reply_to = settings.CENTRE_CONTACT.get("email")
    return NoticeEmail(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        # Each message goes to one group's addresses only (one notice = one group).
        to=list(notice.recipients),
        reply_to=[reply_to] if reply_to else None,
        headers={"X-Kyodo-Notice": f"{notice.kind}-{notice.pk}"},
    )


def _render(name: str, context: Mapping[str, Any]) -> str:
    # Plain text: no HTML escaping of names such as 「A&B の会」.
    return get_template(name).template.render(Context(dict(context), autoescape=False))


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row (template tags leave blank lines)."""
    out: list[str] = []
    for line in (raw.rstrip() for raw in text.strip("\n").splitlines()):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
