"""Demo data for local use: ``python manage.py load_demo`` (idempotent, never run by migrations)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.core.management import call_command, get_commands
from django.db import transaction

from kyodo_center.contributions import project_apps
from kyodo_center.history import HistoryCommand
from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF, sync_role_permissions

# Local demo only; the README lists them. Never use these on a server reachable by others.
DEMO_USERS = [
    # username, password, role, is_staff (admin access), display name
    ("admin", "demo-admin-2026", None, True, "システム管理者"),
    ("kuyakusho", "demo-ward-2026", WARD_STAFF, True, "練馬 区子"),
    ("madoguchi", "demo-counter-2026", COUNTER_STAFF, False, "窓口 花子"),
    ("unei", "demo-operator-2026", OPERATOR, False, "運営 太郎"),
]


def demo_commands() -> list[str]:
    """The apps' demo commands (``load_demo_<app label>``), in INSTALLED_APPS order."""
    available = get_commands()
    return [
        f"load_demo_{config.label}"
        for config in project_apps()
        if f"load_demo_{config.label}" in available
    ]


class Command(HistoryCommand):
    help = (
        "デモデータ（各ロールのユーザーと、各アプリのデモデータ）を登録します（何度でも実行可）。"
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        sync_role_permissions()
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
        # Each app's own demo data: its ``load_demo_<app>`` command, in INSTALLED_APPS order
        # (facilities first: the centre that the others refer to).
        for command in demo_commands():
            call_command(command, stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("デモデータを登録しました。ログイン:"))
        for username, password, role, _, _ in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}  ({role or 'スーパーユーザー'})")
