"""``manage.py daily_maintenance`` runs every daily task; public pages only read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import RetentionSetting
from facilities.models import Closure, ClosureKind, LotteryRound
from facilities.services.closures import year_end_dates
from groups import services as group_services
from groups.models import PendingUpload
from kyodo_center.cache import content_versions
from tests.consultations import factories as consultation_factories
from tests.groups.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def daily_maintenance() -> str:
    out = io.StringIO()
    call_command("daily_maintenance", stdout=out)
    return out.getvalue()


def test_daily_job_purges_an_old_orphan_upload_and_keeps_a_recent_one(
    django_capture_on_commit_callbacks,
):
    old = group_services.bylaws_upload_store(file=SimpleUploadedFile("old.pdf", PDF_BYTES))
    recent = group_services.bylaws_upload_store(file=SimpleUploadedFile("new.pdf", PDF_BYTES))
    # The old one was uploaded two days ago and its application never submitted; no upload
    # has come since, so only a daily job can remove it.
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    old_path, recent_path = old.file.path, recent.file.path

    with django_capture_on_commit_callbacks(execute=True):
        out = daily_maintenance()

    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not open_or_none(old_path) and open_or_none(recent_path) == PDF_BYTES
    assert "未申請のアップロード: 1件" in out


def open_or_none(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def test_daily_job_creates_this_and_next_winters_year_end_closures(facility):
    assert not Closure.objects.exists()
    today = timezone.localdate()
    daily_maintenance()
    closed = set(
        Closure.objects.filter(facility=facility, kind=ClosureKind.YEAR_END).values_list(
            "date", flat=True
        )
    )
    assert set(year_end_dates(today.year)) <= closed
    assert set(year_end_dates(today.year + 1)) <= closed  # next winter's, ahead of time
    daily_maintenance()  # idempotent
    assert Closure.objects.filter(facility=facility).count() == len(closed)


def test_daily_job_schedules_the_lottery_rounds_from_the_default_calendar(facility):
    out = daily_maintenance()
    rounds = list(LotteryRound.objects.filter(facility=facility).order_by("target_month"))
    # This month's round (unless its application period is over) and next month's.
    assert len(rounds) in (1, 2)
    assert rounds[-1].applications_open_on.day == facility.lottery_opens_day
    assert f"抽選の日程: {len(rounds)}回分" in out
    daily_maintenance()  # idempotent
    assert LotteryRound.objects.count() == len(rounds)


def test_daily_job_anonymises_consultations_past_retention(counter_user):
    consultation_factories.defaults()
    setting = RetentionSetting.current()
    setting.retention_months = 12
    setting.save()
    old = consultation_factories.consultation(
        user=counter_user, received_at=timezone.now() - dt.timedelta(days=400)
    )
    out = daily_maintenance()
    old.refresh_from_db()
    assert old.anonymised_at is not None and old.asker_name == ""
    assert "相談記録の匿名化: 1件" in out


def test_public_pages_write_nothing_even_before_closures_exist(client, facility):
    assert facility.year_end_closures_through is None
    # Even the content versions are only read (no row exists yet on this new database).
    assert content_versions("availability") == content_versions("availability")
    today = timezone.localdate()
    paths = [
        "/",
        "/facilities/availability/",
        f"/facilities/availability/?month={today:%Y-%m}",
        f"/facilities/availability/{today:%Y-%m-%d}/",
    ]
    with CaptureQueriesContext(connection) as queries:
        for path in paths:
            assert client.get(path).status_code == 200, path
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        or "FOR UPDATE" in query["sql"].upper()
        or "FOR NO KEY UPDATE" in query["sql"].upper()
    ]
    assert writes == []
    assert not Closure.objects.exists()
