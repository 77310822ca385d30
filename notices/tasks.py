"""Background jobs of the notices app (procrastinate; see kyodo_center/tasks.py for the pattern).

``deliver_notice`` sends one queued ``Notice``. Retries back off exponentially (5 s, 25 s,
2 min, 10 min, 52 min, 4.3 h, 21.7 h: about 27 hours over 8 attempts), so a mail server that is
down delays mail but does not lose it; a notice still unsent after that stays in the admin
(送信日時 empty, 最後のエラー) and ``requeue_unsent_notices`` queues it again (hourly, for a week).
"""

from __future__ import annotations

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

MAIL_QUEUE = "mail"
MAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=5)


@app.task(queue=MAIL_QUEUE, retry=MAIL_RETRY)
def deliver_notice(notice_id: int) -> str:
    from notices.services import notice_deliver

    return notice_deliver(notice_id=notice_id)


@app.periodic(cron="25 * * * *")  # hourly
@app.task(queue=MAIL_QUEUE, queueing_lock="requeue_unsent_notices")
def requeue_unsent_notices(timestamp: int) -> str:
    from notices.services import notices_requeue_unsent

    return f"{notices_requeue_unsent()}件の未送信の通知を再送に回しました。"
