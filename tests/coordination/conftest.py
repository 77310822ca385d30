"""The world the coordination tests need: registered groups with member accounts, staff, and
helpers to write posts through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from coordination.models import Post, PostKind, PostStatus
from coordination.services import (
    PostData,
    post_approve,
    post_create_by_group,
    post_create_by_staff,
    response_create,
)
from groups.models import Group, GroupMembership
from kyodo_center.roles import GROUP_MEMBER
from tests.conftest import make_user
from tests.facilities.conftest import NOW, TODAY, approved, frozen_now  # noqa: F401


def make_group(name: str, number: str, email: str, *, today: dt.date | None = None) -> Group:
    """An approved group, valid around ``today`` (the real today by default), with one member
    account whose username and address is ``email``."""
    today = today or timezone.localdate()
    group = Group.objects.create(
        **approved(
            name=name,
            registration_number=number,
            valid_from=min(today, TODAY) - dt.timedelta(days=400),
            valid_until=max(today, TODAY) + dt.timedelta(days=400),
            email=f"contact-{email}",
        )
    )
    user = make_user(email, GROUP_MEMBER, email=email)
    GroupMembership.objects.create(user=user, group=group)
    return group


def member_of(group: Group) -> Any:
    return group.memberships.select_related("user").first().user


@pytest.fixture
def midori(db: None) -> Group:
    return make_group("しゃくじい川みどりネット", "2026-0101", "midori@example.jp")


@pytest.fixture
def musubi(db: None) -> Group:
    return make_group("ねりま子育てひろば・むすび", "2026-0102", "musubi@example.jp")


def post_data(*, today: dt.date | None = None, **fields: Any) -> PostData:
    today = today or timezone.localdate()
    values: dict[str, Any] = {
        "kind": PostKind.RECRUIT,
        "title": "石神井川クリーン作戦の参加者募集",
        "description": "川沿いのごみ拾いと外来植物の抜き取りをします。",
        "activity_field": "environment",
        "area": "石神井町",
        "needs": "当日参加できる方を10名ほど",
        "how_to_respond": "応答フォームからご連絡ください。",
        "expires_on": today + dt.timedelta(days=30),
        "period_from": today + dt.timedelta(days=7),
        "period_until": today + dt.timedelta(days=90),
    }
    values.update(fields)
    return PostData(**values)


def group_post(
    group: Group,
    *,
    submit: bool = True,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Post:
    now = now or timezone.now()
    return post_create_by_group(
        group=group,
        data=post_data(today=timezone.localdate(now), **fields),
        author=member_of(group),
        submit=submit,
        now=now,
    )


def published(post: Post, by: Any, *, now: dt.datetime | None = None) -> Post:
    return post_approve(post=post, by=by, now=now)


def csr_post(by: Any, *, now: dt.datetime | None = None, **fields: Any) -> Post:
    now = now or timezone.now()
    values = {
        "title": "社員ボランティアの派遣（CSR）",
        "kind": PostKind.CSR,
        "organisation_name": "株式会社ねりまグリーン電機",
        "notice_email": "csr@green.example.jp",
        **fields,
    }
    return post_create_by_staff(
        data=post_data(today=timezone.localdate(now), **values),
        author=by,
        now=now,
    )


def respond(post: Post, *, now: dt.datetime | None = None, **fields: Any):
    values = {
        "name": "北川 由香",
        "contact": "kitagawa@example.jp",
        "message": "小学生の子どもと参加したいです。",
    }
    values.update(fields)
    return response_create(post=post, now=now, **values)


def bulk_posts(group: Group, author: Any, count: int, *, today: dt.date) -> None:
    """``count`` published posts of ``group``, inserted at once (for query counts)."""
    Post.objects.bulk_create(
        [
            Post(
                kind=PostKind.RECRUIT,
                title=f"大量の募集{number}",
                description="負荷試験",
                activity_field="environment",
                area="練馬区全域",
                needs="負荷試験",
                how_to_respond="負荷試験",
                group=group,
                status=PostStatus.PUBLISHED,
                expires_on=today + dt.timedelta(days=30),
                published_on=today,
                reviewed_at=timezone.now(),
                reviewed_by=author,
                author=author,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
