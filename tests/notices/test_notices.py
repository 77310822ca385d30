"""E-mail notices: queued in the caller's transaction, delivered by the worker over real SMTP."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.periodic import PeriodicDeferrer

from facilities.models import Closure, ClosureKind
from facilities.services.closures import year_end_dates
from kyodo_center.tasks import daily_maintenance
from notices.models import Notice
from notices.services import (
    absolute_url,
    notice_deliver,
    notices_requeue_unsent,
    queue_notice,
    render_notice,
)
from notices.tasks import deliver_notice
from tests.conftest import sign_in
from tests.mail import empty_job_queue, jobs, make_jobs_due

CONFIRMED = {
    "group": "練馬子育てネットワーク",
    "facility": "練馬区立区民協働交流センター",
    "room": "多目的室1",
    "date": "2026年11月23日(月)",
    "time": "14:00〜16:00",
    "number": 42,
}
SUBJECT = "【練馬区立区民協働交流センター】ご予約が確定しました（2026年11月23日(月) 多目的室1）"

TEMPLATES = {
    "invitation": {"group": "A&Bの会", "username": "ab-kai", "link": "https://x.jp/set/abc/"},
    "password_reset": {"username": "ab-kai", "link": "https://x.jp/reset/abc/"},
    "booking_requested": CONFIRMED,
    "booking_confirmed": CONFIRMED,
    "booking_cancelled": {**CONFIRMED, "reason": "会場の設備故障のため", "by_group": False},
    "booking_refused": {**CONFIRMED, "reason": "センターの講座と重なるため"},
    "waiting_slot_free": CONFIRMED,
    "booking_reminder": CONFIRMED,
    "closure_hits_booking": {**CONFIRMED, "closure": "保守点検日", "note": "電気設備の点検"},
}


def queue_confirmation(**extra):
    return queue_notice(
        to=["kosodate@example.jp", " member@example.jp ", "", "KOSODATE@example.jp"],
        template="booking_confirmed",
        context=CONFIRMED,
        kind="booking_confirmed",
        group_id=7,
        link=absolute_url("/mypage/"),
        **extra,
    )


def test_a_queued_notice_arrives_with_its_recipients_japanese_subject_and_footer(
    smtp_server, worker
):
    with transaction.atomic():
        notice = queue_confirmation()
    worker()

    (message,) = smtp_server.wait_for(1)
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["kosodate@example.jp", "member@example.jp"]
    assert message["To"].addresses[0].addr_spec == "kosodate@example.jp"
    # Decoded back by a real parser; on the wire it is MIME-encoded (RFC 2047), never raw UTF-8.
    assert message["Subject"] == SUBJECT
    raw_subject = next(line for line in envelope.raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert raw_subject.startswith(b"Subject: =?utf-8?")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    name, address = parseaddr(str(message["From"]))
    assert (name, address) == (settings.CENTRE_NAME, settings.CENTRE_CONTACT["email"])
    assert parseaddr(str(message["Reply-To"]))[1] == settings.CENTRE_CONTACT["email"]

    assert message["Content-Transfer-Encoding"] == "8bit"
    body = message.get_content().replace("\r\n", "\n")
    assert "練馬子育てネットワーク 様" in body
    assert "日時：2026年11月23日(月) 14:00〜16:00" in body
    assert "予約番号：42" in body
    assert "http://127.0.0.1:8000/mypage/" in body
    # The centre's name and contact at the foot of every mail.
    footer = body.split("――――")[-1]
    assert settings.CENTRE_NAME in footer
    assert settings.CENTRE_CONTACT["phone"] in footer
    assert settings.CENTRE_CONTACT["address"] in footer

    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 1 and notice.last_error == ""
    assert notice.subject == SUBJECT and notice.group_id == 7
    # Sent once: neither a second worker run nor a duplicated job sends it again.
    assert notice_deliver(notice_id=notice.pk) == "送信済みです。"
    deliver_notice.defer(notice_id=notice.pk)
    worker()
    assert len(smtp_server.envelopes) == 1


def test_a_rolled_back_transaction_sends_nothing(smtp_server, worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        get_user_model().objects.create_user("booker")
        queue_confirmation()
        assert Notice.objects.count() == 1 and len(jobs()) == 1  # on Django's own connection
        raise RuntimeError("the booking failed")
    assert not Notice.objects.exists()
    assert jobs() == []
    worker()
    assert smtp_server.envelopes == []


def test_with_the_mail_server_down_the_caller_commits_and_the_mail_comes_later_once(
    smtp_server, worker
):
    smtp_server.stop()
    with transaction.atomic():
        user = get_user_model().objects.create_user("booker")
        notice = queue_confirmation()
    # The caller's work committed: nothing in it waited for the mail server.
    assert get_user_model().objects.filter(pk=user.pk).exists()

    worker()
    notice.refresh_from_db()
    assert notice.sent_at is None and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.last_error
    (job,) = jobs("notices.tasks.deliver_notice")
    assert job["status"] == "todo" and job["attempts"] == 1  # retried later, not lost
    worker()  # the back-off has not elapsed: nothing is tried
    notice.refresh_from_db()
    assert notice.attempts == 1

    smtp_server.start()
    assert make_jobs_due() == 1
    worker()
    assert len(smtp_server.wait_for(1)) == 1
    make_jobs_due()
    worker()
    assert len(smtp_server.envelopes) == 1  # exactly once
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.attempts == 2
    (job,) = jobs("notices.tasks.deliver_notice")
    assert job["status"] == "succeeded"


def test_no_recipient_queues_nothing(db):
    assert (
        queue_notice(
            to=["", "  ", "not-an-address"], template="booking_confirmed", context={}, kind="x"
        )
        is None
    )
    assert queue_notice(to=[], template="booking_confirmed", context={}, kind="x") is None
    assert not Notice.objects.exists()


def test_an_unsent_notice_whose_job_gave_up_is_queued_again(worker):
    notice = queue_confirmation()
    empty_job_queue()  # as if its job had failed for good
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert notices_requeue_unsent() == 1
    assert notices_requeue_unsent() == 0  # one waiting job is enough
    assert [job["args"] for job in jobs()] == [{"notice_id": notice.pk}]


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_has_a_subject_a_body_and_the_footer(template):
    subject, body = render_notice(template, TEMPLATES[template])
    assert subject.startswith("【練馬区立区民協働交流センター】")
    assert "\n" not in subject and "{" not in subject + body
    assert body.rstrip().endswith("上記の電話でお問い合わせください。")
    assert "&amp;" not in body  # plain text: no HTML escaping
    assert "\n\n\n" not in body
    for value in TEMPLATES[template].values():
        if isinstance(value, str):
            assert value in body, value


def test_cancelled_by_the_group_or_by_the_centre_reads_differently():
    _, by_group = render_notice(
        "booking_cancelled", {**CONFIRMED, "reason": "都合により", "by_group": True}
    )
    _, by_centre = render_notice(
        "booking_cancelled", {**CONFIRMED, "reason": "設備故障", "by_group": False}
    )
    assert "お申し出により" in by_group and "センターにより" not in by_group
    assert "センターにより取り消させていただきました" in by_centre
    assert "取消の理由：設備故障" in by_centre


def test_the_daily_periodic_task_runs_every_daily_task(facility, worker):
    # Scheduled at 03:10 JST (cron in UTC) by whichever worker's deferrer comes first.
    (periodic,) = [
        task
        for task in app.periodic_registry.periodic_tasks.values()
        if task.task.name == "kyodo_center.tasks.daily_maintenance"
    ]
    due = dt.datetime(2026, 11, 25, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    deferred = PeriodicDeferrer(registry=app.periodic_registry).get_previous_tasks(
        at=due.timestamp() + 30
    )
    assert (periodic, int(due.timestamp())) in list(deferred)

    assert not Closure.objects.exists()
    daily_maintenance.defer(timestamp=int(due.timestamp()))
    worker()
    closed = set(Closure.objects.filter(kind=ClosureKind.YEAR_END).values_list("date", flat=True))
    year = timezone.localdate().year
    assert set(year_end_dates(year)) | set(year_end_dates(year + 1)) <= closed
    (job,) = jobs("kyodo_center.tasks.daily_maintenance")
    assert job["status"] == "succeeded"


def test_local_development_writes_mail_to_files_and_production_uses_smtp():
    def backend(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))}
        code = (
            "from kyodo_center.settings import base as s; "
            "print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_FILE_PATH', ''))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**clean, "SECRET_KEY": "x" * 50, **env},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert backend(DJANGO_DEBUG="1") == (
        f"django.core.mail.backends.filebased.EmailBackend {settings.BASE_DIR / '.mail'}"
    )
    assert backend(DJANGO_DEBUG="1", EMAIL_HOST="smtp.example.jp").startswith(
        "django.core.mail.backends.smtp.EmailBackend"
    )
    assert backend().startswith("django.core.mail.backends.smtp.EmailBackend")


def test_ward_staff_read_notices_in_the_admin_and_cannot_change_them(client, ward_user):
    notice = queue_confirmation()
    sign_in(client, ward_user)
    assert client.get("/admin/notices/notice/").status_code == 200
    page = client.get(f"/admin/notices/notice/{notice.pk}/change/")
    assert page.status_code == 200 and "練馬子育てネットワーク" in page.content.decode()
    found = client.get("/admin/notices/notice/", {"q": "member@example.jp"})
    assert SUBJECT in found.content.decode()
    assert (
        SUBJECT not in client.get("/admin/notices/notice/", {"q": "x@example.jp"}).content.decode()
    )
    assert client.get("/admin/notices/notice/add/").status_code == 403
    assert client.post(f"/admin/notices/notice/{notice.pk}/delete/").status_code == 403
