"""``manage.py load_demo`` gives a working centre on a fresh database: the users of every role,
then every app's demo data (registered groups, bookings, consultations, resources, events), in
an order where what needs groups comes after groups; idempotently; and it refuses to run when
an app has no demo command instead of skipping it."""

from __future__ import annotations

import datetime as dt
import io
import types

import pyotp
import pytest
from django.apps import AppConfig, apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from accounts.management.commands.load_demo_accounts import DEMO_TOTP_SECRETS
from consultations.models import Consultation, Referral
from facilities.management.commands.load_demo_facilities import PLANS
from facilities.models import Booking, Closure, Facility, Room
from groups.management.commands.load_demo_groups import Command as GroupsDemo
from groups.models import ApplicationStatus, Group
from groups.services import registered_on_q
from kyodo_center.contributions import project_apps
from kyodo_center.dates import day_bounds, fiscal_year_end, shift_month
from kyodo_center.management.commands import load_demo
from kyodo_center.management.commands.load_demo import DEMO_USERS
from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF
from programs.models import Event, RegistrationStatus
from resources.models import MachineUse, Mailbox, MailboxAssignment, MailboxWaitlistEntry

pytestmark = pytest.mark.django_db

PASSWORDS = {username: password for username, password, _, _, _ in DEMO_USERS}


def demo_sign_in(client, username: str) -> None:
    """With the README's password and, for staff and operators, the README's authenticator
    secret (load_demo_accounts): as a person with an authenticator app would."""
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 302, username
    if username in DEMO_TOTP_SECRETS:
        assert response["Location"].startswith("/accounts/second-factor/"), username
        code = pyotp.TOTP(DEMO_TOTP_SECRETS[username]).now()
        response = client.post("/accounts/second-factor/", {"otp_token": code})
        assert "/accounts/" not in response["Location"], username


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def open_day(day: dt.date) -> dt.date:
    """``day``, or the next day the centre is open (the demo's bookings of today move there)."""
    while Closure.objects.filter(date=day, start_time__isnull=True).exists():
        day += dt.timedelta(days=1)
    return day


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps (history tables included) and of the users."""
    labels = {config.label for config in project_apps()} | {"auth"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


def test_load_demo_twice_gives_the_same_data():
    load()
    first = row_counts()
    load()
    assert row_counts() == first
    assert (Facility.objects.count(), Room.objects.count()) == (1, 2)
    rooms = {room.name: room.capacity for room in Room.objects.all()}
    assert rooms == {"多目的室1": 20, "多目的室2": 16}
    assert Closure.objects.filter(kind="maintenance").count() == 1
    assert Closure.objects.filter(kind="year_end").count() >= 12


def test_every_app_has_its_demo_command_groups_come_first_and_logins_are_listed(monkeypatch):
    ran: list[str] = []

    def spy(name: str, *args, **kwargs):
        ran.append(name)
        return call_command(name, *args, **kwargs)

    monkeypatch.setattr(load_demo, "call_command", spy)
    # An app's demo data may add logins (e.g. group accounts): printed with the others.
    login = ("member@example.jp", "demo-group-2026", "登録団体")
    monkeypatch.setattr(GroupsDemo, "demo_logins", (login,), raising=False)
    output = load()
    assert "  member@example.jp / demo-group-2026  (登録団体)" in output
    labels = {config.label for config in project_apps()}
    assert not labels & {"admin", "auth", "pghistory"}  # .venv/ is in the checkout too
    expected = {f"load_demo_{label}" for label in labels}
    assert {
        "load_demo_facilities",
        "load_demo_resources",
        "load_demo_groups",
        "load_demo_consultations",
        "load_demo_programs",
    } <= expected
    assert set(ran) == expected and len(ran) == len(expected)
    # Bookings, mailboxes, consultations and events are the registered groups'.
    for needs_groups in ("facilities", "resources", "consultations", "programs"):
        assert ran.index("load_demo_groups") < ran.index(f"load_demo_{needs_groups}")
    assert ran.index("load_demo_facilities") < ran.index("load_demo_programs")


def test_an_app_without_a_demo_command_is_an_error_not_a_silent_skip(monkeypatch):
    # A new project app (as ``notices`` will be) that did not say anything about demo data.
    module = types.ModuleType("oshirase")
    module.__file__ = str(settings.BASE_DIR / "oshirase" / "__init__.py")
    newcomer = AppConfig("oshirase", module)
    monkeypatch.setattr(load_demo, "project_apps", lambda: [*project_apps(), newcomer])
    assert "load_demo_oshirase" not in get_commands()

    with pytest.raises(CommandError, match="load_demo_oshirase"):
        load()
    assert not get_user_model().objects.exists()  # refused before anything was written


def test_the_demo_shows_a_directory_statistics_and_a_busy_grid(client):
    output = load()
    assert "登録しませんでした" not in output and "作成しませんでした" not in output, output

    # The public directory: published, valid registrations only.
    page = client.get("/groups/").content.decode()
    assert "NPO法人しゃくじい川みどりネット" in page
    assert "光が丘多文化交流サロン" in page
    for hidden in (
        "ねりま手話サークルひまわり",  # lapsed on 3/31
        "ねりまフードパントリー応援団",  # 申請中
        "石神井ビジネス交流会",  # rejected
        "一般財団法人ねりま協働まちづくり財団",  # did not ask to be listed
    ):
        assert hidden not in page

    # Ward staff see the consultation statistics of this month and of last month.
    demo_sign_in(client, "kuyakusho")
    this_month = timezone.localdate().replace(day=1)
    totals = []
    for month in (this_month, shift_month(this_month, -1)):
        response = client.get(f"/consultations/statistics/?month={month:%Y-%m}")
        assert response.status_code == 200
        totals.append(response.context["total"])
    # Last month always has some (they go back three months); this month unless it is the 1st.
    assert totals[1] > 0
    assert totals[0] > 0 or timezone.localdate().day == 1
    client.logout()

    # The counter's grid: today's bookings (the next open day's, on a closure), and the week's.
    demo_sign_in(client, "madoguchi")
    day = open_day(timezone.localdate())
    today_grid = client.get(f"/counter/bookings/grid/?date={day}").content.decode()
    assert today_grid.count('class="cell-booking"') >= 3
    assert "スマホ相談会の準備会議" in today_grid
    next_week = timezone.localdate() + dt.timedelta(days=7)
    week_grid = client.get(f"/counter/bookings/grid/?view=week&date={next_week}").content.decode()
    assert week_grid.count('class="cell-booking"') >= 5


def test_the_demo_data_covers_every_state():
    load()
    today = timezone.localdate()

    # Groups: ~12 of every kind and state, plus the smaller ones that fill the mailboxes.
    groups = Group.objects.all()
    registered = groups.filter(registered_on_q(today))
    assert registered.count() >= 36
    assert set(registered.values_list("valid_until", flat=True)) == {fiscal_year_end(today)}
    assert set(groups.values_list("kind", flat=True)) == {
        "npo",
        "voluntary",
        "neighbourhood",
        "other",
    }
    assert set(registered.values_list("public_body_category", flat=True)) == {
        "",
        "a",
        "b",
        "c",
        "d",
    }
    lapsed = groups.get(name="ねりま手話サークルひまわり")
    assert lapsed.valid_until == dt.date(fiscal_year_end(today).year - 1, 3, 31)
    assert lapsed.valid_until < today and lapsed.status == ApplicationStatus.APPROVED
    assert groups.get(status=ApplicationStatus.REJECTED).rejection_reason
    assert groups.filter(status=ApplicationStatus.PENDING).count() == 1
    assert registered.filter(publish=True).count() >= 8

    # Every planned booking loaded: past ones, today's, and far ahead for registered groups.
    demo = Booking.objects.filter(event__isnull=True)
    assert demo.count() == len(PLANS)
    assert demo.filter(group__isnull=False).count() >= 12
    midnight, tomorrow = day_bounds(open_day(today))
    assert demo.filter(period__startswith__lt=midnight).count() >= 4
    assert (
        demo.filter(period__startswith__gte=midnight, period__startswith__lt=tomorrow).count() >= 3
    )
    if fiscal_year_end(today) > today + dt.timedelta(days=60):  # else within the validity
        assert demo.filter(period__startswith__gte=tomorrow + dt.timedelta(days=35)).exists()

    # Consultations over three months, referrals in every state, expert sessions booked.
    oldest = Consultation.objects.order_by("received_at").first().received_at
    assert (timezone.now() - oldest).days >= 80
    assert set(Referral.objects.values_list("status", flat=True)) == {
        "referred",
        "in_progress",
        "completed",
    }
    assert Referral.objects.values("operator").distinct().count() == 4
    assert Consultation.objects.filter(group__isnull=False).count() >= 10
    assert Consultation.objects.filter(expert_booking__isnull=False).count() == 3

    # Resources: machine uses; every mailbox taken or offered, and groups waiting.
    assert MachineUse.objects.count() >= 20
    boxes = Mailbox.objects.count()
    held = MailboxAssignment.objects.filter(status="active").count()
    offered = MailboxWaitlistEntry.objects.filter(status="offered").count()
    assert held + offered == boxes
    assert MailboxWaitlistEntry.objects.filter(status="waiting").count() >= 1

    # Events: past ones with attendance, coming ones with registrations, one full.
    assert Event.objects.filter(starts_at__lt=timezone.now()).count() >= 2
    assert Event.objects.filter(registrations__attended=True).distinct().count() >= 2
    assert Event.objects.filter(registrations__status=RegistrationStatus.WAITLISTED).exists()


def test_demo_users_can_log_in_with_the_readme_passwords_and_secrets(client):
    load()
    roles = {}
    for username, _, _, _, _ in DEMO_USERS:
        demo_sign_in(client, username)
        user = get_user_model().objects.get(username=username)
        roles[username] = set(user.groups.values_list("name", flat=True))
        client.logout()
    assert roles["madoguchi"] == {COUNTER_STAFF}
    assert roles["kuyakusho"] == {WARD_STAFF}
    assert roles["unei"] == {OPERATOR}
