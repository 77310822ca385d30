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


# Every 5 minutes: draw the rounds whose draw time has come, then release the wins that were
# not confirmed by their deadline (both do nothing when nothing is due; a round is drawn
# once, however many workers run this at the same moment: services/lottery.py).
@app.periodic(cron="*/5 * * * *")
@app.task(queueing_lock="facilities.lottery_due")
def lottery_due(timestamp: int) -> str:
    from facilities.services.lottery import lottery_draw_due, lottery_release_unconfirmed

    now = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    with pghistory.context(source="worker", service="定期処理 lottery_due"):
        drawn = lottery_draw_due(now=now)
        released = lottery_release_unconfirmed(now=now)
    return f"抽選{drawn}回を実施し、期限切れの当選{released}件を取り消しました。"


# Deferred by the draw in its own transaction: the results reach every applicant once.
@app.task(retry=5)
def lottery_send_results(round_id: int) -> str:
    from facilities.models import LotteryRound
    from facilities.services.lottery import lottery_send_results as send

    with pghistory.context(source="worker", service="抽選結果の通知"):
        sent = send(lottery_round=LotteryRound.objects.get(pk=round_id))
    return f"抽選結果を{sent}団体に送りました。"
