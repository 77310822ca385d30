"""Background jobs (procrastinate, in PostgreSQL) and the daily maintenance as a periodic task.

How jobs are found: procrastinate's Django app imports the ``tasks`` module of every installed
app (``PROCRASTINATE_AUTODISCOVER_MODULE_NAME``), this one included. An app adds a job or a
periodic job in its own ``<app>/tasks.py``, with no change here::

    from procrastinate.contrib.django import app

    @app.periodic(cron="0 21 * * *")  # cron is in UTC: 21:00 UTC = 06:00 JST
    @app.task(queueing_lock="facilities.send_reminders")
    def send_reminders(timestamp: int) -> str:  # periodic tasks receive their due timestamp
        from facilities.services.reminders import send_day_before_reminders
        return send_day_before_reminders()

Keep the task thin (the rules live in the app's services) and idempotent: with several
workers a periodic job is deferred once per due time, but any job may run again after a crash.
Work that belongs to the once-a-day run goes into ``<app>/maintenance.py`` ``DAILY_TASKS``
instead, which ``daily_maintenance`` below runs (and ``manage.py daily_maintenance`` by hand).
Workers: ``python manage.py procrastinate worker`` (``make run`` starts one beside runserver).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pghistory
from django.utils import timezone
from procrastinate.contrib.django import app

from kyodo_center.contributions import app_modules

logger = logging.getLogger(__name__)

DailyTask = tuple[str, Callable[[dt.datetime], str]]


class DailyTasksFailed(RuntimeError):
    """One or more daily tasks failed (the others still ran)."""


def daily_tasks() -> list[DailyTask]:
    """Every app's ``maintenance.DAILY_TASKS``, in INSTALLED_APPS order."""
    return [task for module in app_modules("maintenance") for task in module.DAILY_TASKS]


def run_daily_tasks(
    now: dt.datetime | None = None, *, report: Callable[[str], None] = logger.info
) -> list[str]:
    """Run every daily task; one that fails does not stop the others. Returns the labels of
    the failed ones (each logged with its traceback). ``report`` gets one line per task."""
    now = now or timezone.now()
    failed = []
    for label, task in daily_tasks():
        try:
            report(f"{label}: {task(now)}")
        except Exception:
            logger.exception("daily maintenance: %s failed", label)
            failed.append(label)
    return failed


# Every day at 03:10 JST (cron is in UTC). The queueing lock keeps a single waiting copy.
@app.periodic(cron="10 18 * * *")
@app.task(queueing_lock="kyodo_center.daily_maintenance")
def daily_maintenance(timestamp: int) -> str:
    # 履歴 of what the tasks change names this job (経路: 処理 定期処理 daily_maintenance).
    with pghistory.context(source="worker", service="定期処理 daily_maintenance"):
        failed = run_daily_tasks(dt.datetime.fromtimestamp(timestamp, tz=dt.UTC))
    if failed:
        # Raised so the job shows as failed in procrastinate and in the logs.
        raise DailyTasksFailed("失敗した処理があります: " + "、".join(failed))
    return "毎日の保守処理が完了しました。"
