"""Every URL of the project × every kind of user → the status they get.

The URL list is walked from the resolver, so a new page fails this test until its row is
written here: access is decided on purpose, never by accident. GET requests; ids point at real
records where a page shows one (a booking, an event, a consultation referred to operator A),
else at a missing one (999999), which staff see as 404 only after the role check.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from facilities.services.bookings import booking_create
from facilities.services.series import SeriesPattern, series_create
from tests.consultations import factories as consultation_factories
from tests.facilities.conftest import ask, open_day
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db

ANON, COUNTER, WARD, OP_A, OP_B, GROUP = (
    "anonymous",
    "窓口職員",
    "区職員",
    "運営団体A",
    "運営団体B",
    "登録団体",
)
USERS = (ANON, COUNTER, WARD, OP_A, OP_B, GROUP)

PUBLIC = (200, 200, 200, 200, 200, 200)
# Login redirect, staff see it, operators and group accounts are refused.
STAFF = (302, 200, 200, 403, 403, 403)
STAFF_POST_ONLY = (302, 405, 405, 403, 403, 403)
STAFF_MISSING = (302, 404, 404, 403, 403, 403)  # a record that does not exist
WARD_ONLY = (302, 403, 200, 403, 403, 403)
# A group account's own pages: anyone else signed in finds no such page.
GROUP_ONLY = (302, 404, 404, 404, 404, 200)
GROUP_POST_ONLY = (302, 404, 404, 404, 404, 405)


def EVERYONE(status: int) -> tuple[int, ...]:  # named like the constants it sits with
    return (status,) * len(USERS)


# url name: statuses for (anonymous, 窓口職員, 区職員, 運営団体A, 運営団体B, 登録団体)
MATRIX: dict[str, tuple[int, ...]] = {
    "home": PUBLIC,
    "login": (200, 302, 302, 302, 302, 302),  # a logged-in user is sent to their start page
    "logout": EVERYONE(405),  # POST only
    "favicon": EVERYONE(302),
    # group accounts: the invitation link (a forged one here) and a forgotten password
    "invitation_accept": EVERYONE(400),
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # a forged link: the page says it cannot be used
    "password_reset_complete": PUBLIC,
    "mypage:index": GROUP_ONLY,
    "mypage:calendar_reset": GROUP_POST_ONLY,
    "counter:dashboard": STAFF,
    # facilities: public calendar
    "facilities:availability_month": PUBLIC,
    "facilities:availability_day": PUBLIC,
    # facilities: a group account's online requests and キャンセル待ち
    "facilities:request_new": GROUP_ONLY,
    "facilities:request_done": GROUP_ONLY,  # its own booking; another group's is 404 (tests)
    "facilities:request_cancel": GROUP_ONLY,
    "facilities:waiting_new": GROUP_ONLY,
    "facilities:waiting_withdraw": GROUP_POST_ONLY,
    "facilities:group_calendar": PUBLIC,  # the secret URL is the key
    # facilities: counter bookings
    "bookings:list": STAFF,
    "bookings:grid": STAFF,
    "bookings:create": STAFF,
    "bookings:detail": STAFF,
    "bookings:edit": STAFF,
    "bookings:cancel": STAFF_POST_ONLY,
    "bookings:print": STAFF,
    "bookings:requests": STAFF,
    "bookings:confirm": STAFF_POST_ONLY,
    "bookings:refuse": STAFF_POST_ONLY,
    "bookings:series_create": STAFF,
    "bookings:series_detail": STAFF,
    "bookings:series_edit": STAFF_POST_ONLY,
    "bookings:series_cancel": STAFF_POST_ONLY,
    # resources: office machines, mailboxes and displays at the counter
    "resources:index": EVERYONE(302),  # a plain redirect to the machines page
    "resources:machines": STAFF,
    "resources:machine_uses": STAFF,
    "resources:machine_use_create": STAFF,
    "resources:machine_use_finish": STAFF_POST_ONLY,
    "resources:machine_queue_join": STAFF,
    "resources:machine_queue_start": STAFF_POST_ONLY,
    "resources:machine_queue_cancel": STAFF_POST_ONLY,
    "resources:machine_status": STAFF_POST_ONLY,
    "resources:machine_statistics": WARD_ONLY,
    "resources:machine_statistics_csv": WARD_ONLY,
    "resources:machine_statistics_xlsx": WARD_ONLY,
    "resources:mailboxes": STAFF,
    "resources:mailbox_apply": STAFF,
    "resources:mailbox_release": STAFF_POST_ONLY,
    "resources:mailbox_extend": STAFF_POST_ONLY,
    "resources:waitlist_action": STAFF_POST_ONLY,
    "resources:displays": STAFF,
    "resources:display_create": STAFF,
    "resources:display_take_down": STAFF_POST_ONLY,
    # groups
    "groups:directory": PUBLIC,
    "groups:apply": PUBLIC,
    "groups:apply_done": EVERYONE(302),  # nothing applied in this session: back
    "groups:counter_apply": STAFF,
    "groups:counter_apply_done": (302, 302, 302, 403, 403, 403),
    "groups:bylaws": STAFF_MISSING,
    "groups:staff_search": STAFF,  # the counter forms' group picker (JSON)
    # programs
    "programs:event_list": PUBLIC,
    "programs:event_detail": PUBLIC,
    "programs:events_ics": PUBLIC,
    "programs:registration": EVERYONE(404),  # a forged cancellation link
    "programs:registration_cancel": EVERYONE(404),  # its forged confirmation page
    "programs:staff_events": STAFF,
    "programs:event_create": STAFF,
    "programs:series_create": STAFF,
    "programs:staff_event": STAFF,
    "programs:event_edit": STAFF,
    "programs:event_cancel": STAFF,  # the confirmation page; cancelling is a POST
    "programs:counter_register": STAFF,
    "programs:roster": STAFF,
    "programs:roster_csv": STAFF,
    "programs:roster_xlsx": STAFF,
    "programs:staff_registration_cancel": EVERYONE(405),  # POST only, checked below
    "programs:promotion_call_done": STAFF_POST_ONLY,  # 要連絡 → 連絡済
    # consultations: personal data
    "consultations:list": STAFF,
    "consultations:create": STAFF,
    # Operator A is sent to its own referral of the record; operator B cannot see it exists.
    "consultations:detail": (302, 200, 200, 302, 404, 403),
    "consultations:referral_list": (302, 403, 403, 200, 200, 403),
    "consultations:referral_detail": (302, 403, 403, 200, 404, 403),
    "consultations:statistics": WARD_ONLY,
    "consultations:statistics_csv": WARD_ONLY,
}


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own login and permission checks (tested apart)
            child = namespace
            if pattern.namespace:
                child = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), child)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


@pytest.fixture
def world(facility, room1, counter_user, ward_user, operator_user):
    from facilities.services.online import online_request_create
    from groups.models import Group, GroupMembership
    from kyodo_center.roles import GROUP_MEMBER, OPERATOR
    from programs.services.events import event_create
    from tests.conftest import make_user
    from tests.facilities.conftest import approved

    consultation_factories.defaults()
    op_a = consultation_factories.link_operator(operator_user, consultation_factories.SHAKYO)
    op_b = consultation_factories.link_operator(
        make_user("ibr", OPERATOR), consultation_factories.IBR
    )
    day = open_day(timezone.localdate() + dt.timedelta(days=4))
    booking = booking_create(request=ask(room1, day, "10:00", "12:00"))
    event = event_create(data=event_data(day=day, room=room1, start="14:00", end="16:00"))
    consultation = consultation_factories.consultation(
        user=counter_user,
        route="operator",
        topic_name="運営・会計",
        operator_name=consultation_factories.SHAKYO,
    )
    series = series_create(
        pattern=SeriesPattern(
            room=room1,
            kind="weekly",
            weekday=day.weekday(),
            first_day=day + dt.timedelta(days=7),
            last_day=day + dt.timedelta(days=14),
            start_time=dt.time(18),
            end_time=dt.time(20),
            attendees=5,
            purpose="定例会",
            booker_name="定期利用の会",
        )
    ).series
    group = Group.objects.create(
        **approved(
            name="マトリクスの会",
            registration_number="2026-0777",
            valid_from=timezone.localdate() - dt.timedelta(days=30),
            valid_until=timezone.localdate() + dt.timedelta(days=400),
        )
    )
    member = make_user("matrix@example.jp", GROUP_MEMBER, email="matrix@example.jp")
    GroupMembership.objects.create(user=member, group=group)
    own = online_request_create(
        request=ask(room1, day, "18:00", "20:00", group=group, booker_name=""), account=member
    )
    ids = {
        "facilities:request": own.pk,
        "bookings:series": series.pk,
        "bookings:": booking.pk,
        "programs:": event.pk,
        "consultations:detail": consultation.pk,
        "consultations:referral_detail": consultation.referral.pk,
    }
    users = {
        ANON: None,
        COUNTER: counter_user,
        WARD: ward_user,
        OP_A: op_a,
        OP_B: op_b,
        GROUP: member,
    }
    return {"ids": ids, "users": users, "day": day, "calendar_token": group.calendar_token}


def concrete_path(name: str, route: str, world) -> str:
    def record_id() -> str:
        for prefix, pk in world["ids"].items():
            if name.startswith(prefix) or name == prefix:
                return str(pk)
        return "999999"

    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<day>[^)]*\)", world["day"].isoformat(), path)
    path = re.sub(r"<int:pk>", record_id(), path)
    path = re.sub(r"<uuid:token>", str(world["calendar_token"]), path)
    path = re.sub(r"<str:token>", "forged-token", path)
    path = re.sub(r"<str:action>", "accept", path)
    path = re.sub(r"<(?:int:|str:)?\w+>", "999999", path)
    return "/" + path


def test_every_url_has_a_row(world):
    names = {name for name, _ in walk(get_resolver().url_patterns)}
    assert names - set(MATRIX) == set(), "add these pages to the permission matrix"
    assert set(MATRIX) - names == set(), "these rows name pages that no longer exist"


def matrix_failures(client, world, method: str) -> list[str]:
    """Every page of the matrix × every user, asked with ``method``: what differs from MATRIX."""
    failures = []
    for name, route in walk(get_resolver().url_patterns):
        if name not in MATRIX:
            continue
        path = concrete_path(name, route, world)
        for user_label, expected in zip(USERS, MATRIX[name], strict=True):
            client.logout()
            user = world["users"][user_label]
            if user is not None:
                client.force_login(user)
            status = getattr(client, method)(path).status_code
            if status != expected:
                failures.append(f"{name:40} {path:55} {user_label:8} got {status}, want {expected}")
    return failures


def test_permission_matrix(client, world):
    failures = matrix_failures(client, world, "get")
    assert failures == [], "\n" + "\n".join(failures)


def test_head_answers_as_get_does_on_every_page(client, world):
    """HEAD is GET without the body (RFC 9110): link checkers and monitors send it, and a page
    that answers GET must not answer HEAD with 405."""
    failures = matrix_failures(client, world, "head")
    assert failures == [], "\n" + "\n".join(failures)


def test_post_only_pages_refuse_anonymous_users_and_operators(client, world):
    """Writing is no easier than reading: POSTs without a staff role change nothing."""
    from facilities.models import Booking

    before = Booking.objects.filter(status="active").count()
    post_only = [
        name
        for name, statuses in MATRIX.items()
        if statuses in (STAFF_POST_ONLY, EVERYONE(405)) and name != "logout"
    ]
    routes = dict(walk(get_resolver().url_patterns))
    for name in post_only:
        path = concrete_path(name, routes[name], world)
        for user_label, expected in ((ANON, 302), (OP_A, 403), (OP_B, 403)):
            client.logout()
            if world["users"][user_label] is not None:
                client.force_login(world["users"][user_label])
            status = client.post(path, {"reason": "x"}).status_code
            assert status == expected, f"{name} {user_label} got {status}"
    assert Booking.objects.filter(status="active").count() == before
