"""Whole-page caching of public pages for anonymous visitors, keyed by content versions.

A page is cached per process under the current versions of the content it shows
(kyodo_center.models.ContentVersion, kept by PostgreSQL triggers), so any write to that
content is visible at once on every worker and server. Only visitors without a session, a
message or a language cookie get a cached page (a CSRF cookie does not change a page that
holds no token, and only token-free pages are cached), so the page cannot differ. The same
versions make its ETag: a browser revalidating an unchanged page gets 304 Not Modified.

A version covers much more than one page (every booking changes "availability"); pages that
can say exactly what they show give ``public_page_cache`` a ``digest`` of their data, and a
miss whose data has not changed serves the page built before (one query, never an older page).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe

from kyodo_center.prepared import prepared_cursor

CACHE_SECONDS = 600


def content_versions(*names: str) -> tuple[int, ...]:
    """The versions of ``names`` in one query, without writing anything.

    A name whose row does not exist yet (a new database, or rows wiped by hand) reads as the
    negated current value of the version sequence: stable until the next write creates the
    row with a higher number, and never equal to a version the name had before its row was
    lost (the sequence only grows), so no page cached under an old version comes back.
    """
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT wanted.name, coalesce(v.version, -(SELECT last_value "
            "FROM kyodo_content_version_seq)) "
            "FROM unnest(%s::text[]) AS wanted(name) "
            "LEFT JOIN kyodo_center_contentversion v ON v.name = wanted.name",
            [list(names)],
        )
        found = dict(cursor.fetchall())
    return tuple(found[name] for name in names)


def request_versions(request: HttpRequest, *names: str) -> tuple[int, ...]:
    """``content_versions`` read once per request: the page cache and the fragments of the
    page it builds share one read (kept on the request)."""
    known: dict[str, int] = getattr(request, "_content_versions", {})
    missing = [name for name in names if name not in known]
    if missing:
        known = {**known, **dict(zip(missing, content_versions(*missing), strict=True))}
        request._content_versions = known  # type: ignore[attr-defined]
    return tuple(known[name] for name in names)


def cached_fragment(
    template: str,
    *,
    key: str,
    versions: Sequence[str],
    build: Callable[[], dict[str, Any]],
    seconds: int = CACHE_SECONDS,
    request: HttpRequest | None = None,
) -> SafeString:
    """``template`` rendered with the context ``build()`` returns, cached per process under
    ``key`` and the current versions of ``versions`` (for a part of a page that visitors with a
    cookie see too: the counter grid, the availability tables). The output is our own
    template's, escaped when it was rendered. With ``request``, the versions this request
    has read already are used (``request_versions``)."""
    current = request_versions(request, *versions) if request else content_versions(*versions)
    full_key = ":".join(["fragment", key, *map(str, current)])
    html = cache.get(full_key)
    if html is None:
        html = render_to_string(template, build())
        cache.set(full_key, html, timeout=seconds)
    return mark_safe(html)


# Cookies that can change what a public page shows: the session (a signed-in user, a group
# account), Django's message cookie and the language choice. Any other cookie (the CSRF cookie
# a visitor got from a form, a proxy's or an analytics cookie) does not.
def page_changing_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, "messages", settings.LANGUAGE_COOKIE_NAME)


# Conditional GET: the browser revalidates every time (max-age=0) and gets 304 while nothing
# changed; "public" lets the buffering proxy keep a copy too (the page holds nothing personal:
# only anonymous, token-free pages are cached, and Vary keeps signed-in visitors apart).
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
# Pages smaller than this are sent as they are (gzip would save too little to matter).
GZIP_MIN_BYTES = 512
# This process's page-cache lookups of anonymous visitors: found, or built. Only counted (two
# integer additions); `make bench` has each worker log them as it exits (bench/gunicorn_stats.py).
# "revalidated": misses answered with a page built before from the same data (``digest``).
PAGE_CACHE_COUNTS = {"hits": 0, "misses": 0, "revalidated": 0}


def _gzip(content: bytes) -> bytes | None:
    if len(content) < GZIP_MIN_BYTES:
        return None
    # mtime=0: the same page always compresses to the same bytes.
    return gzip.compress(content, compresslevel=6, mtime=0)


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


# What a view says about its content that the cached copy keeps (a feed's file name).
KEPT_HEADERS = ("Content-Disposition",)
# The page, its type, its gzip form, the kept headers and its ETag.
Entry = tuple[bytes, str, bytes | None, dict[str, str], str]


def _public_response(request: HttpRequest, entry: Entry) -> HttpResponse:
    content, content_type, compressed, headers, etag = entry
    offered = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in offered or f"W/{etag}" in offered:
        response = HttpResponse(status=304)
    elif compressed is not None and _accepts_gzip(request):
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    return response


def _routed(response: HttpResponse, route: tuple[str, Sequence[str], int | None]) -> HttpResponse:
    response._public_page_route = route  # type: ignore[attr-defined]
    return response


def _rendered(response: HttpResponse) -> HttpResponse:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()  # class-based views answer with a lazy TemplateResponse
    return response


@contextlib.contextmanager
def _one_snapshot() -> Iterator[None]:
    """A transaction whose queries all see one snapshot (REPEATABLE READ, asked for in its
    BEGIN: no extra round trip); inside a transaction already begun (a test's), a savepoint
    of that one."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.isolation_level
    raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        with transaction.atomic():
            yield
    finally:
        raw.isolation_level = previous


def _address(request: HttpRequest) -> str:
    # Hashed: addresses may be long or hold characters no cache key allows. With the host: a
    # feed holds absolute links.
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def _page_key(
    request: HttpRequest, address: str, versions: Sequence[str], seconds_bucket: int | None
) -> str:
    bucket = int(time.time() // seconds_bucket) if seconds_bucket else 0
    return ":".join(
        [
            "public-page",
            address,
            timezone.localdate().isoformat(),
            str(bucket),
            *map(str, request_versions(request, *versions)),
        ]
    )


def _serves_cached_pages(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not any(
        name in request.COOKIES for name in page_changing_cookies()
    )


# What PublicPageMiddleware keeps per address: the versions and clock bucket the page's key is
# made of, and the headers the middleware below it added to the page (CSP, X-Frame-Options,
# Content-Language, Vary), so that a page it answers carries them too.
ROUTE_PREFIX = "public-route:"
# Headers that belong to one response, not to the page: set again for each answer.
PER_RESPONSE_HEADERS = frozenset(
    name.lower()
    for name in (
        "Content-Length",
        "Content-Encoding",
        "Content-Type",
        "ETag",
        "Cache-Control",
        "Set-Cookie",
        "Date",
        "Vary",
        *KEPT_HEADERS,
    )
)


class PublicPageMiddleware:
    """Answers a cached public page before the rest of the middleware runs.

    The sessions, CSRF, authentication, second-factor, idle-lock, history, messages and CSP
    middleware have nothing to do for a visitor who sends none of ``page_changing_cookies``
    and gets a page found in the cache (``public_page_cache``): this answers it right after
    the security and static-file middleware, from the same key (the same content versions,
    one query), with the headers the full stack gave that page. Anything else (no page in
    the cache yet, a changed version, a signed-in visitor) goes through the whole stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _serves_cached_pages(request):
            address = _address(request)
            route = cache.get(ROUTE_PREFIX + address)
            if route is not None:
                versions, seconds_bucket, headers = route
                entry = cache.get(_page_key(request, address, versions, seconds_bucket))
                if entry is not None:
                    PAGE_CACHE_COUNTS["hits"] += 1
                    response = _public_response(request, entry)
                    for name, value in headers.items():
                        if name.lower() == "vary":
                            patch_vary_headers(response, [v.strip() for v in value.split(",")])
                        elif name not in response:
                            response[name] = value
                    if response.status_code == 200:  # as CommonMiddleware sets it below
                        response["Content-Length"] = str(len(response.content))
                    return response
        response = self.get_response(request)
        route = getattr(response, "_public_page_route", None)
        if route is not None and response.status_code == 200:
            address, versions, seconds_bucket = route
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in PER_RESPONSE_HEADERS or name.lower() == "vary"
            }
            cache.set(
                ROUTE_PREFIX + address, (versions, seconds_bucket, headers), timeout=CACHE_SECONDS
            )
        return response


def public_page_cache(
    *versions: str,
    seconds_bucket: int | None = None,
    digest: Callable[..., str | None] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache a public GET view's 200 responses for anonymous visitors, with conditional GET.

    A visitor who sends none of ``page_changing_cookies`` (most send none at all; a returning
    one may carry a CSRF cookie) gets the page from the per-process cache when the content
    versions have not changed, with an ETag made of them: a browser that has the page gets
    304 Not Modified, one that accepts gzip gets it compressed (these pages hold no secret: a
    page that set a cookie, i.e. used a CSRF token, is never cached). Other visitors get the
    page rendered for them, as before.

    ``seconds_bucket`` adds the current time, in buckets of that many seconds, to the key for
    pages whose text depends on the clock (an event that has started, a window that closed).

    ``digest`` is for pages whose versions change far more often than what they show (every
    booking changes "availability"; a month page shows one month). Called on a miss with the
    view's arguments, it returns a digest, computed by the database at that moment, of
    everything the page shows (or None). A page built before from data with the same digest
    is the same page: it is served again (and kept under the new versions) instead of being
    built again. Never an older page: the digest is read after the versions, so it includes
    every change they include. It must cover every input of the page: an input it misses
    would let an outdated page be served.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _serves_cached_pages(request):
                return view(request, *args, **kwargs)
            address = _address(request)
            key = _page_key(request, address, versions, seconds_bucket)
            # What PublicPageMiddleware needs to answer this address from the cache next time.
            route = (address, versions, seconds_bucket)
            cached = cache.get(key)
            if cached is not None:
                PAGE_CACHE_COUNTS["hits"] += 1
                return _routed(_public_response(request, cached), route)
            PAGE_CACHE_COUNTS["misses"] += 1
            digest_key = None
            if digest is not None:
                # The digest and, when no page was built from the same data, the page: from
                # one snapshot, so a page is kept under the digest of exactly the data it was
                # built from (and the digest is read once).
                with _one_snapshot():
                    if data_digest := digest(request, *args, **kwargs):
                        # The versions' part of the key replaced by the digest of the data.
                        digest_key = ":".join([*key.split(":")[:4], "digest", data_digest])
                        same = cache.get(digest_key)
                        if same is not None:
                            PAGE_CACHE_COUNTS["revalidated"] += 1
                            cache.set(key, same, timeout=CACHE_SECONDS)
                            cache.touch(digest_key, timeout=CACHE_SECONDS)
                            return _routed(_public_response(request, same), route)
                    response = _rendered(view(request, *args, **kwargs))
            else:
                response = _rendered(view(request, *args, **kwargs))
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.user.is_authenticated
                and not response.has_header("Content-Encoding")
                # A page that used a CSRF token holds a secret of this visitor's.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                entry: Entry = (
                    response.content,
                    response["Content-Type"],
                    _gzip(response.content),
                    {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
                    # Made of the key: it changes with the versions (or the digest's page).
                    '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"',
                )
                cache.set(key, entry, timeout=CACHE_SECONDS)
                if digest_key is not None:
                    cache.set(digest_key, entry, timeout=CACHE_SECONDS)
                return _routed(_public_response(request, entry), route)
            return response

        return wrapper

    return decorator
