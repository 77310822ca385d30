"""Demo data for local use: ``python manage.py load_demo`` (idempotent, never run by migrations)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.core.management import CommandError, call_command, get_commands, load_command_class
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
    """Every project app's demo command (``load_demo_<app label>``), in the order they must run.

    No app is skipped in silence: an app without the command is an error (CommandError). An
    app that has no demo data still has the command, one that only says so, so that "no demo
    data" is a decision written down in the app, not an accident.

    Order: INSTALLED_APPS order, except that a command runs after the apps it names in its
    class attribute ``demo_after`` (e.g. ``demo_after = ("groups",)`` in facilities: its demo
    bookings are made by registered groups). The ground floor names no app: each app says
    what its own demo data needs.
    """
    available = get_commands()
    labels = [config.label for config in project_apps()]
    names = {label: f"load_demo_{label}" for label in labels}
    missing = [name for name in names.values() if name not in available]
    if missing:
        raise CommandError(
            "デモデータのコマンドがないアプリがあります: "
            + "、".join(missing)
            + "。各アプリの management/commands/ に load_demo_<アプリ名>.py を置いてください"
            "（デモデータのないアプリは、そう表示するだけのコマンドを置きます）。"
        )
    after: dict[str, tuple[str, ...]] = {}
    for label, name in names.items():
        command = load_command_class(available[name], name)
        after[label] = tuple(getattr(command, "demo_after", ()))
        unknown = [other for other in after[label] if other not in names]
        if unknown:
            raise CommandError(
                f"{name} の demo_after に、このプロジェクトにないアプリがあります: "
                + "、".join(unknown)
            )
    ordered: list[str] = []
    while len(ordered) < len(labels):
        ready = [
            label
            for label in labels
            if label not in ordered and all(other in ordered for other in after[label])
        ]
        if not ready:
            waiting = [label for label in labels if label not in ordered]
            raise CommandError(
                "デモデータのコマンドの demo_after が循環しています: " + "、".join(waiting)
            )
        ordered.append(ready[0])
    return [names[label] for label in ordered]


def demo_logins(commands: list[str]) -> list[tuple[str, str, str]]:
    """The logins an app's demo data adds (e.g. group member accounts): (username, password,
    who) from its command's ``demo_logins`` attribute, printed with the users above."""
    available = get_commands()
    return [
        login
        for name in commands
        for login in getattr(load_command_class(available[name], name), "demo_logins", ())
    ]


class Command(HistoryCommand):
    help = (
        "デモデータ（各ロールのユーザーと、各アプリのデモデータ）を登録します（何度でも実行可）。"
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        commands = demo_commands()  # refused before anything is written
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
        # except where a command names the apps it needs first (``demo_after``).
        for command in commands:
            call_command(command, stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("デモデータを登録しました。ログイン:"))
        for username, password, role, _, _ in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}  ({role or 'スーパーユーザー'})")
        for username, password, who in demo_logins(commands):
            self.stdout.write(f"  {username} / {password}  ({who})")
