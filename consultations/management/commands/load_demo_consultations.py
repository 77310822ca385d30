"""Demo data for consultations (idempotent): topics, the four operators, expert sessions, and the
demo operator user "unei" linked to 練馬区社会福祉協議会. Called by ``load_demo``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from consultations.defaults import ensure_default_topics_and_operators
from consultations.models import (
    ExpertField,
    ExpertSession,
    OperatorMembership,
    OperatorOrganisation,
    RetentionSetting,
)
from kyodo_center.history import HistoryCommand

# field, weeks ahead, weekday (0 = Monday), start, end, expert, slots
DEMO_SESSIONS = (
    (ExpertField.ACCOUNTING, 1, 2, dt.time(13, 0), dt.time(16, 0), "税理士（会計）", 3),
    (ExpertField.TAX, 2, 2, dt.time(13, 0), dt.time(16, 0), "税理士（税務）", 3),
    (ExpertField.LABOUR, 3, 3, dt.time(14, 0), dt.time(16, 0), "社会保険労務士", 2),
)


class Command(HistoryCommand):
    help = (
        "相談受付のデモデータ（相談分類・運営団体・専門相談の日程）を登録します（何度でも実行可）。"
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        ensure_default_topics_and_operators()
        RetentionSetting.current()
        today = timezone.localdate()
        monday = today - dt.timedelta(days=today.weekday())
        for field, weeks, weekday, start, end, expert, slots in DEMO_SESSIONS:
            day = monday + dt.timedelta(weeks=weeks, days=weekday)
            ExpertSession.objects.get_or_create(
                field=field,
                date=day,
                start_time=start,
                defaults={"end_time": end, "expert": expert, "capacity": slots},
            )
        user = get_user_model().objects.filter(username="unei").first()
        if user is not None:
            OperatorMembership.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": OperatorOrganisation.objects.get(name="練馬区社会福祉協議会")
                },
            )
        self.stdout.write(self.style.SUCCESS("相談受付のデモデータを登録しました。"))
