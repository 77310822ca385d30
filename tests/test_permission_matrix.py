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
from tests.conftest import sign_in
from tests.consultations import factories as consultation_factories
from tests.facilities.conftest import ask, open_day
from tests.programs.conftest import event_data

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

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
# Anyone signed in (their own security page, enrolment of another device).
SIGNED_IN = (302, 200, 200, 200, 200, 200)
SIGNED_IN_POST_ONLY = (302, 405, 405, 405, 405, 405)
# django-otp-webauthn's JSON endpoints: POST only; a visitor is refused in JSON.
PASSKEY_ENDPOINT = (403, 405, 405, 405, 405, 405)


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
    "mypage:profile": GROUP_ONLY,  # 団体紹介: its own group's only (no id to tamper with)
    "counter:dashboard": STAFF,
    # facilities: public calendar
    "facilities:availability_month": PUBLIC,
    "facilities:availability_day": PUBLIC,
    # facilities: 抽選 (public): the rounds, a drawn round, its result and the algorithm
    "facilities:lottery_list": PUBLIC,
    "facilities:lottery_detail": PUBLIC,
    "facilities:lottery_result_json": PUBLIC,
    "facilities:lottery_algorithm": PUBLIC,
    # facilities: a group account's online requests and キャンセル待ち
    "facilities:request_new": GROUP_ONLY,
    "facilities:request_done": GROUP_ONLY,  # its own booking; another group's is 404 (tests)
    "facilities:request_cancel": GROUP_ONLY,
    "facilities:waiting_new": GROUP_ONLY,
    "facilities:waiting_withdraw": GROUP_POST_ONLY,
    # facilities: 抽選, a group's own: apply, its application (完了), change, withdraw, confirm a
    # win (its own booking; another group's application or booking is 404, tests)
    "facilities:lottery_apply": GROUP_ONLY,
    "facilities:lottery_application": GROUP_ONLY,
    "facilities:lottery_application_edit": GROUP_ONLY,
    "facilities:lottery_application_withdraw": GROUP_ONLY,  # the confirmation page; then POST
    "facilities:lottery_confirm": GROUP_ONLY,  # the confirmation page; then POST
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
    "bookings:lottery": STAFF,  # rounds, and applications entered for groups that phone
    "bookings:lottery_confirm": STAFF_POST_ONLY,  # a win confirmed by telephone
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
    "groups:detail": PUBLIC,  # a listed group's 団体紹介
    "groups:profile_queue": STAFF,  # 団体紹介 確認待ち, with the diff
    "groups:profile_review": STAFF,  # one proposal; 公開 / 差戻し are POSTs
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
    # news: public news and newsletters (a published item with a PDF, a public issue)
    "news:list": PUBLIC,
    "news:feed": PUBLIC,
    "news:detail": PUBLIC,
    "news:attachment": PUBLIC,
    "news:newsletter_list": PUBLIC,
    "news:newsletter_detail": PUBLIC,
    "news:newsletter_pdf": PUBLIC,
    # news: staff pages; 公開・差し戻し refuse counter staff while review is on (tests/news)
    "news_staff:list": STAFF,
    "news_staff:create": STAFF,
    "news_staff:edit": STAFF,
    "news_staff:submit": STAFF_POST_ONLY,
    "news_staff:publish": STAFF_POST_ONLY,
    "news_staff:return": STAFF_POST_ONLY,
    "news_staff:unpublish": STAFF_POST_ONLY,
    "news_staff:newsletters": STAFF,
    "news_staff:newsletter_create": STAFF,
    "news_staff:newsletter_edit": STAFF,
    # coordination (協働マッチング): the public board, a post and its response form
    "coordination:board": PUBLIC,
    "coordination:detail": PUBLIC,  # a published post
    "coordination:thanks": EVERYONE(302),  # nothing sent in this session: back to the post
    # coordination: a group account's own posts (another group's post is 404, tests)
    "coordination:group_post_new": GROUP_ONLY,
    "coordination:group_post": GROUP_ONLY,  # its post with the responses (personal data)
    "coordination:group_post_edit": GROUP_ONLY,
    "coordination:group_post_submit": GROUP_POST_ONLY,
    "coordination:group_post_close": GROUP_POST_ONLY,
    # coordination: the counter's review, responses (personal data), outcomes, statistics
    "kyodo_counter:index": STAFF,
    "kyodo_counter:post_new": STAFF,
    "kyodo_counter:stats": STAFF,
    "kyodo_counter:post": STAFF,
    "kyodo_counter:post_edit": STAFF,
    "kyodo_counter:approve": STAFF_POST_ONLY,
    "kyodo_counter:reject": STAFF_POST_ONLY,
    "kyodo_counter:close": STAFF_POST_ONLY,
    "kyodo_counter:outcome": STAFF_POST_ONLY,
    "kyodo_counter:responses": STAFF,
    # reports: the yearly report (年度報告), its .xlsx and a section's CSV — ward staff only
    "reports:index": WARD_ONLY,
    "reports:xlsx": WARD_ONLY,
    "reports:csv": WARD_ONLY,
    # opendata: public datasets (CC BY 4.0), no login
    "opendata:index": PUBLIC,
    "opendata:events_csv": PUBLIC,
    "opendata:facilities_csv": PUBLIC,
    "opendata:availability_csv": PUBLIC,
    "opendata:availability_json": PUBLIC,
    # accounts: the second step (already passed here: on to the start page), enrolment, the
    # recovery codes shown once (none in this session: on), passkeys, the security page
    "accounts:second_factor": EVERYONE(302),
    "accounts:setup": SIGNED_IN,
    "accounts:setup_app": SIGNED_IN,
    "accounts:recovery_codes": EVERYONE(302),
    "accounts:recovery_codes_download": EVERYONE(302),
    "accounts:passkey_register_begin": PASSKEY_ENDPOINT,
    "accounts:passkey_register_complete": PASSKEY_ENDPOINT,
    "accounts:passkey_auth_begin": PASSKEY_ENDPOINT,
    "accounts:passkey_auth_complete": PASSKEY_ENDPOINT,
    "accounts:security": SIGNED_IN,
    "accounts:device_remove": SIGNED_IN_POST_ONLY,
    "accounts:recovery_codes_new": SIGNED_IN_POST_ONLY,
    # accounts: the idle lock and the form kept while locked (no lock here: on to the page
    # asked for; visitors log in), and the user's own signed-in devices
    "accounts:lock": EVERYONE(302),
    "accounts:lock_resume": EVERYONE(302),
    "accounts:sessions": SIGNED_IN,
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
    return build_world(facility, room1, counter_user, ward_user, operator_user)


def build_world(facility, room1, counter_user, ward_user, operator_user):
    """A record behind every page with an id; the users of the matrix's columns."""
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
    profile = group_profile_waiting(group, member)
    own = online_request_create(
        request=ask(room1, day, "18:00", "20:00", group=group, booker_name=""), account=member
    )
    post = coordination_post(group, member, counter_user)
    lottery_round = drawn_lottery_round(facility)
    application = open_lottery_application(facility, room1, group, member)
    news_item, newsletter = published_news(counter_user, ward_user)
    ids = {
        "news:newsletter": newsletter.pk,  # before "news:", which would match it too
        "news_staff:newsletter": newsletter.pk,
        "news:": news_item.pk,
        "news_staff:": news_item.pk,
        "facilities:request": own.pk,
        "groups:detail": group.pk,
        "groups:profile_review": profile.pk,
        "facilities:lottery_application": application.pk,
        "facilities:lottery_confirm": own.pk,  # not a win: the page says so
        "facilities:lottery_detail": lottery_round.pk,
        "facilities:lottery_result_json": lottery_round.pk,
        "bookings:series": series.pk,
        "coordination:": post.pk,
        "kyodo_counter:": post.pk,
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
    return {
        "ids": ids,
        "users": users,
        "day": day,
        "calendar_token": group.calendar_token,
        "lottery_round": lottery_round,
    }


def published_news(writer, publisher):
    """A published news item with a PDF attachment, and a public newsletter issue."""
    from news import services
    from news.services import NewsData, NewsletterData
    from tests.news.conftest import pdf_upload

    item = services.news_item_create(
        data=NewsData(
            title="マトリクスのお知らせ",
            body="本文",
            category="centre",
            publish_from=timezone.now() - dt.timedelta(days=1),
        ),
        author=writer,
        attachment=pdf_upload(),
    )
    services.news_item_publish(item=item, by=publisher)
    issue = services.newsletter_create(
        data=NewsletterData(
            issue_number=1,
            title="マトリクスの号",
            issue_date=timezone.localdate() - dt.timedelta(days=1),
            contents="本文",
        ),
        pdf=pdf_upload(),
        by=writer,
    )
    return item, issue


def group_profile_waiting(group, member):
    """The group is listed in the directory and has a 団体紹介 waiting for the counter."""
    from groups.services import profile_revision_submit, profile_values

    group.publish = True
    group.save(update_fields=["publish"])
    data = {**profile_values(group), "meeting_place": "区民協働交流センター", "recruiting": True}
    return profile_revision_submit(group=group, data=data, by=member).revision


def coordination_post(group, member, staff):
    """The group's 募集 on the coordination board, approved, with one response."""
    from coordination.services import PostData, post_approve, post_create_by_group, response_create

    today = timezone.localdate()
    post = post_create_by_group(
        group=group,
        data=PostData(
            kind="recruit",
            title="マトリクスの会の募集",
            description="ボランティア募集",
            activity_field="other",
            area="練馬区全域",
            needs="人手",
            how_to_respond="フォームから",
            expires_on=today + dt.timedelta(days=30),
        ),
        author=member,
        submit=True,
    )
    post_approve(post=post, by=staff)
    response_create(post=post, name="応答 太郎", contact="03-0000-0001", message="参加します")
    return post


def drawn_lottery_round(facility):
    """A lottery round whose applications closed yesterday, drawn now (its result is public)."""
    from facilities.services.lottery import lottery_draw
    from kyodo_center.dates import add_months, local_datetime
    from tests.facilities.lottery import make_round

    today = timezone.localdate()
    confirm_by = today + dt.timedelta(days=5)
    lottery_round = make_round(
        facility,
        target_month=add_months(confirm_by.replace(day=1), 1),
        applications_open_on=today - dt.timedelta(days=10),
        applications_close_on=today - dt.timedelta(days=1),
        draw_at=local_datetime(today, dt.time(0, 0)),
        confirm_by=confirm_by,
    )
    lottery_draw(lottery_round=lottery_round)
    return lottery_round


def open_lottery_application(facility, room, group, member):
    """A round taking applications today, and the group's application in it."""
    from facilities.services.lottery import lottery_application_create
    from kyodo_center.dates import add_months, local_datetime
    from tests.facilities.lottery import make_round

    today = timezone.localdate()
    lottery_round = make_round(
        facility,
        seed="5a" * 32,
        target_month=add_months(today.replace(day=1), 3),
        applications_open_on=today - dt.timedelta(days=1),
        applications_close_on=today + dt.timedelta(days=1),
        draw_at=local_datetime(today + dt.timedelta(days=2), dt.time(10, 0)),
        confirm_by=today + dt.timedelta(days=5),
    )
    return lottery_application_create(
        lottery_round=lottery_round,
        group=group,
        room=room,
        day=lottery_round.target_month + dt.timedelta(days=9),
        block_name="午後",
        purpose="定例会",
        attendees=8,
        entered_by=member,
    )


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
    path = re.sub(r"<slug:section>", "rooms", path)  # a section of the yearly report
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
                sign_in(client, user)
            status = getattr(client, method)(path).status_code
            if status != expected:
                failures.append(f"{name:40} {path:55} {user_label:8} got {status}, want {expected}")
    return failures


def test_permission_matrix(client, world):
    failures = matrix_failures(client, world, "get")
    # Checked here to share the world: the same pages without the second step.
    failures += second_step_gate_failures(client, world)
    assert failures == [], "\n" + "\n".join(failures)


# The sign-in pages reachable with the password alone (tests/accounts/test_second_factor*.py).
SIGN_IN_PAGES = {
    "accounts:second_factor",
    "accounts:setup",
    "accounts:setup_app",
    "accounts:recovery_codes",
    "accounts:recovery_codes_download",
    "accounts:passkey_register_begin",
    "accounts:passkey_register_complete",
    "accounts:passkey_auth_begin",
    "accounts:passkey_auth_complete",
}


def second_step_gate_failures(client, world) -> list[str]:
    """Staff and an operator who typed the password but not the second step (force_login is
    the point here, not sign_in): every page answers as it does a visitor, except that where
    a visitor is sent to log in they are sent to enrolment (they have no device yet), keeping
    ``next``. So public pages render, and no staff page opens."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    from django_otp.plugins.otp_totp.models import TOTPDevice

    setup = "/accounts/second-factor/setup/"
    # No device yet (sign_in above made one for each): enrolment is where they are sent.
    TOTPDevice.objects.filter(user__in=[world["users"][WARD], world["users"][OP_A]]).delete()
    pages = [
        (name, concrete_path(name, route, world))
        for name, route in walk(get_resolver().url_patterns)
        if name in MATRIX and name not in SIGN_IN_PAGES
    ]
    client.logout()
    as_visitor = {}
    for name, path in pages:
        response = client.get(path)
        as_visitor[name] = (response.status_code, response.get("Location", ""))
    failures = []
    for label in (WARD, OP_A):
        client.force_login(world["users"][label])
        for name, path in pages:
            status, location = as_visitor[name]
            wanted = (status, location)
            target = urlsplit(location)
            if status == 302 and target.path in ("/accounts/login/", "/admin/login/"):
                next_url = dict(parse_qsl(target.query)).get("next")
                wanted = (302, f"{setup}?{urlencode({'next': next_url})}" if next_url else setup)
            response = client.get(path)
            got = (response.status_code, response.get("Location", ""))
            if got != wanted:
                failures.append(f"{name:40} {path:50} {label} (no 2nd step) {got}, want {wanted}")
        client.logout()
    return failures


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
                sign_in(client, world["users"][user_label])
            status = client.post(path, {"reason": "x"}).status_code
            assert status == expected, f"{name} {user_label} got {status}"
    assert Booking.objects.filter(status="active").count() == before
