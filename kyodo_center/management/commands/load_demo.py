"""Demo data for local use: ``python manage.py load_demo`` (idempotent, never run by migrations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from facilities.models import Closure, ClosureKind, DisplayBlock, Equipment, Facility, Room
from facilities.services import closure_ensure_year_end
from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF, sync_role_permissions

# Local demo only; the README lists them. Never use these on a server reachable by others.
DEMO_USERS = [
    # username, password, role, is_staff (admin access), display name
    ("admin", "demo-admin-2026", None, True, "システム管理者"),
    ("kuyakusho", "demo-ward-2026", WARD_STAFF, True, "練馬 区子"),
    ("madoguchi", "demo-counter-2026", COUNTER_STAFF, False, "窓口 花子"),
    ("unei", "demo-operator-2026", OPERATOR, False, "運営 太郎"),
]


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


class Command(BaseCommand):
    help = "デモデータ（施設・部屋・休館日・各ロールのユーザー）を登録します（何度でも実行可）。"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        sync_role_permissions()
        facility, _ = Facility.objects.update_or_create(
            name="練馬区立区民協働交流センター",
            defaults={
                "address": "東京都練馬区練馬1-17-1 ココネリ3階",
                "phone": "03-0000-0000（デモ用の番号です）",
                "opens_at": dt.time(9, 0),
                "closes_at": dt.time(22, 0),
            },
        )
        rooms = [
            ("多目的室1", 20, 1),
            ("多目的室2", 16, 2),
        ]
        for name, capacity, order in rooms:
            Room.objects.update_or_create(
                facility=facility,
                name=name,
                defaults={
                    "capacity": capacity,
                    "sort_order": order,
                    "notes": "可動式の机・椅子、ホワイトボードあり",
                },
            )
        for name, start, end in (("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 22)):
            DisplayBlock.objects.update_or_create(
                facility=facility,
                name=name,
                defaults={"start_time": dt.time(start), "end_time": dt.time(end)},
            )
        # 貸出備品 (seed 000 §1(3) ア): スクリーン、プロジェクター、パソコン
        for order, (name, stock) in enumerate(
            (("スクリーン", 2), ("プロジェクター", 2), ("パソコン", 2)), start=1
        ):
            Equipment.objects.update_or_create(
                facility=facility, name=name, defaults={"stock": stock, "sort_order": order}
            )
        closure_ensure_year_end(facility=facility, today=today)
        # One maintenance day (保守点検日): the second Tuesday of next month.
        first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        maintenance_day = next_weekday(first_of_next_month, 1) + dt.timedelta(days=7)
        Closure.objects.get_or_create(
            facility=facility,
            date=maintenance_day,
            kind=ClosureKind.MAINTENANCE,
            defaults={"note": "設備保守点検のため休館"},
        )

        user_model = get_user_model()
        for username, password, role, is_staff, full_name in DEMO_USERS:
            user, created = user_model.objects.get_or_create(username=username)
            last, _, first = full_name.partition(" ")
            user.last_name, user.first_name = last, first
            user.is_staff = is_staff
            user.is_superuser = role is None
            if created or not user.check_password(password):
                user.set_password(password)
            user.save()
            if role:
                user.groups.set([Role.objects.get(name=role)])
        self.stdout.write(self.style.SUCCESS("デモデータを登録しました。ログイン:"))
        for username, password, role, _, _ in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}  ({role or 'スーパーユーザー'})")
