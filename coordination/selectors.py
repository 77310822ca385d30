"""Read queries of the coordination board, shaped for pages (a constant number of queries per
page, whatever the number of posts). Selectors never write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from coordination.models import (
    GROUP_KINDS,
    Outcome,
    OutcomeKind,
    Post,
    PostKind,
    PostStatus,
    Response,
)
from groups.models import Group
from kyodo_center.dates import fiscal_year_of

# "New" responses on the counter dashboard: those of the last week.
NEW_RESPONSE_DAYS = 7
NOT_FOUND = "この投稿は見つかりません。掲載期限が過ぎたか、掲載を終了しました。"


def _latest_outcome() -> Subquery:
    return Subquery(
        Outcome.objects.filter(post=OuterRef("pk"))
        .order_by("-recorded_at", "-pk")
        .values("outcome")[:1]
    )


def with_counts(posts: QuerySet[Post], *, since: dt.datetime | None = None) -> QuerySet[Post]:
    """Annotate ``response_count``, ``new_response_count`` (since ``since``) and
    ``latest_outcome`` (one query with the posts)."""
    posts = posts.annotate(
        response_count=Count("responses", distinct=True), latest_outcome=_latest_outcome()
    )
    if since is not None:
        posts = posts.annotate(
            new_response_count=Count(
                "responses", filter=Q(responses__created_at__gte=since), distinct=True
            )
        )
    return posts


def outcome_label(value: str | None) -> str:
    return OutcomeKind(value).label if value in OutcomeKind.values else ""


# --- The public board ---------------------------------------------------------------------------
def board_posts(*, today: dt.date) -> QuerySet[Post]:
    """What the public sees: posts staff approved, not past their 掲載期限; those the poster
    ended early (受付終了) stay until then, after the open ones. Never a draft, a post waiting
    for review or a rejected one."""
    return (
        Post.objects.filter(
            status__in=(PostStatus.PUBLISHED, PostStatus.CLOSED),
            published_on__isnull=False,
            expires_on__gte=today,
        )
        .select_related("group")
        .order_by(
            Case(
                When(status=PostStatus.PUBLISHED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-published_on",
            "-pk",
        )
    )


def public_post_or_404(pk: int, *, today: dt.date) -> Post:
    post = board_posts(today=today).filter(pk=pk).first()
    if post is None:
        raise Http404(NOT_FOUND)
    return post


# --- A group's own posts (マイページ) ------------------------------------------------------------
def group_posts(group: Group) -> list[Post]:
    """The group's posts with their response counts, the newest first (one query)."""
    return list(
        with_counts(Post.objects.filter(group=group)).order_by(
            Case(
                When(status=PostStatus.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-created_at",
            "-pk",
        )
    )


def group_post_or_404(group: Group, pk: int) -> Post:
    """The group's own post; another group's (or none) is 404, as if it did not exist."""
    post = with_counts(Post.objects.filter(group=group, pk=pk)).select_related("group").first()
    if post is None:
        raise Http404("この投稿は見つかりません。")
    return post


def post_responses(post: Post) -> list[Response]:
    """Every response to ``post``, the newest first. Personal data: the caller logs the view."""
    return list(
        Response.objects.filter(post=post)
        .select_related("responding_group")
        .order_by("-created_at", "-pk")
    )


# --- Counter ---------------------------------------------------------------------------------
def staff_post_or_404(pk: int) -> Post:
    post = (
        with_counts(Post.objects.filter(pk=pk))
        .select_related("group", "author", "reviewed_by")
        .first()
    )
    if post is None:
        raise Http404("この投稿は見つかりません。")
    return post


def review_queue(limit: int | None = None) -> list[Post]:
    """確認待ち, the oldest request first (one query)."""
    posts = (
        Post.objects.filter(status=PostStatus.PENDING)
        .select_related("group", "author")
        .order_by("submitted_at", "pk")
    )
    return list(posts[:limit] if limit else posts)


def open_posts(*, today: dt.date, since: dt.datetime) -> QuerySet[Post]:
    """Posts on the board taking responses, with their counts; those with new responses
    first (one query per page)."""
    return (
        with_counts(
            Post.objects.filter(status=PostStatus.PUBLISHED, expires_on__gte=today), since=since
        )
        .select_related("group")
        .order_by("-new_response_count", "expires_on", "pk")
    )


def other_posts(*, limit: int = 50) -> list[Post]:
    """下書き, rejected and ended posts, the latest changed first (for staff to find them)."""
    return list(
        with_counts(
            Post.objects.filter(
                status__in=(PostStatus.DRAFT, PostStatus.REJECTED, PostStatus.CLOSED)
            )
        )
        .select_related("group")
        .order_by("-updated_at", "-pk")[:limit]
    )


def post_outcomes(post: Post) -> list[Outcome]:
    return list(post.outcomes.select_related("recorded_by").order_by("-recorded_at", "-pk"))


# --- Statistics (per fiscal year) -----------------------------------------------------------------
@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    published: int
    responses: int
    connected: int
    agreed: int
    failed: int


@dataclass(frozen=True)
class Statistics:
    fiscal_year: int
    rows: list[KindRow]
    total: KindRow
    public_responses: int
    group_responses: int


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def statistics_years(today: dt.date) -> list[int]:
    """Fiscal years with posts, the current one always included, newest first."""
    current = fiscal_year_of(today)
    first = (
        Post.objects.filter(published_on__isnull=False)
        .order_by("published_on")
        .values_list("published_on", flat=True)
        .first()
    )
    start = min(fiscal_year_of(first), current) if first else current
    return list(range(current, start - 1, -1))


def coordination_statistics(year: int) -> Statistics:
    """For fiscal year ``year`` (4/1–3/31), per kind: posts published, responses received,
    and outcomes — each post counted once, by its latest outcome recorded in the year."""
    first, last = fiscal_year_bounds(year)
    published = dict(
        Post.objects.filter(published_on__range=(first, last))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    # __date is the day in Asia/Tokyo (the project's time zone), as 年度 is counted.
    responses = Response.objects.filter(created_at__date__range=(first, last))
    by_kind = dict(
        responses.values_list("post__kind").annotate(n=Count("pk")).values_list("post__kind", "n")
    )
    from_groups = responses.filter(responding_group__isnull=False).count()
    total_responses = sum(by_kind.values())
    in_year = Outcome.objects.filter(recorded_at__date__range=(first, last))
    latest = in_year.filter(post=OuterRef("post")).order_by("-recorded_at", "-pk")
    outcomes = (
        in_year.filter(pk=Subquery(latest.values("pk")[:1]))
        .values_list("post__kind", "outcome")
        .annotate(n=Count("pk"))
    )
    counted: dict[tuple[str, str], int] = {(kind, o): n for kind, o, n in outcomes}
    rows = [
        KindRow(
            kind=kind.value,
            label=kind.label,
            published=published.get(kind.value, 0),
            responses=by_kind.get(kind.value, 0),
            connected=counted.get((kind.value, OutcomeKind.CONNECTED), 0),
            agreed=counted.get((kind.value, OutcomeKind.AGREED), 0),
            failed=counted.get((kind.value, OutcomeKind.FAILED), 0),
        )
        for kind in PostKind
    ]
    total = KindRow(
        kind="",
        label="合計",
        published=sum(r.published for r in rows),
        responses=sum(r.responses for r in rows),
        connected=sum(r.connected for r in rows),
        agreed=sum(r.agreed for r in rows),
        failed=sum(r.failed for r in rows),
    )
    return Statistics(
        fiscal_year=year,
        rows=rows,
        total=total,
        public_responses=total_responses - from_groups,
        group_responses=from_groups,
    )


def is_group_kind(kind: str) -> bool:
    return kind in GROUP_KINDS


def posts_with_new_responses(*, since: dt.datetime, limit: int) -> list[Post]:
    """Posts that received responses since ``since``, the most recently answered first, with
    their counts (one query; only the answered posts are counted, not the whole board)."""
    answered = Response.objects.filter(created_at__gte=since).values("post")
    return list(
        with_counts(Post.objects.filter(pk__in=answered), since=since)
        .select_related("group")
        .annotate(last_response_at=Max("responses__created_at"))
        .order_by("-last_response_at", "-pk")[:limit]
    )
