"""Background jobs of the facilities app (procrastinate; the pattern is in kyodo_center/tasks.py).

Overdue online requests need no job: the counter's list computes 期限超過 when it is read, and
キャンセル待ち entries lapse by date in the same way (facilities.selectors).
"""

from __future__ import annotations

import datetime as dt

import pghistory
from procrastinate.contrib.django import app


# Every day at 10:00 JST (cron is in UTC): the reminder for tomorrow's bookings.
@app.periodic(cron="0 1 * * *")
@app.task(queueing_lock="facilities.day_before_reminders")
def day_before_reminders(timestamp: int) -> str:
    from facilities.services.reminders import send_day_before_reminders

    with pghistory.context(source="worker", service="定期処理 day_before_reminders"):
        sent = send_day_before_reminders(now=dt.datetime.fromtimestamp(timestamp, tz=dt.UTC))
    return f"明日のご利用のお知らせを{sent}件送りました。"
