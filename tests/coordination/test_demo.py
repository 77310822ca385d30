"""``load_demo_coordination``: every kind and state on the board, with responses and outcomes,
made through the services; running it again adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from coordination.models import Outcome, Post, PostKind, PostStatus, Response
from coordination.selectors import board_posts
from kyodo_center.roles import COUNTER_STAFF, WARD_STAFF
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_posts_of_every_kind_and_state_idempotently():
    make_user("madoguchi", COUNTER_STAFF, last_name="窓口", first_name="花子")
    make_user("kuyakusho", WARD_STAFF, last_name="練馬", first_name="区子")
    call_command("load_demo_groups", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo_coordination", stdout=out)
    assert "しませんでした" not in out.getvalue(), out.getvalue()
    assert set(Post.objects.values_list("kind", flat=True)) == set(PostKind.values)
    assert set(Post.objects.values_list("status", flat=True)) == set(PostStatus.values)
    ward = Post.objects.get(kind=PostKind.WARD)
    assert ward.organisation_name == "地域文化部協働推進課"
    assert ward.author.username == "kuyakusho"
    company = Post.objects.get(kind=PostKind.CSR)
    assert company.group is None and company.status == PostStatus.PUBLISHED
    by_account = Post.objects.get(group__name="NPO法人ねりま子育てひろば・むすび")
    assert by_account.author.username == "group02@example.jp"
    on_board = list(board_posts(today=timezone.localdate()))
    assert len(on_board) == 5
    assert Response.objects.filter(responding_group__isnull=False).exists()
    assert Response.objects.filter(responding_group__isnull=True).exists()
    assert set(Outcome.objects.values_list("outcome", flat=True)) == {
        "connected",
        "agreed",
        "failed",
    }
    counts = (Post.objects.count(), Response.objects.count(), Outcome.objects.count())
    call_command("load_demo_coordination", stdout=io.StringIO())
    assert (Post.objects.count(), Response.objects.count(), Outcome.objects.count()) == counts
