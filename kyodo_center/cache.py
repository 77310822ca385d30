"""Whole-page caching of public pages for cookie-less visitors, keyed by content versions.

A page is cached per process under the current versions of the content it shows
(kyodo_center.models.ContentVersion, kept by PostgreSQL triggers), so any write to that
content is visible at once on every worker and server. Only visitors who send no cookie get a
cached page: they have no session, no messages and no CSRF token, so the page cannot differ.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

CACHE_SECONDS = 600


def content_versions(*names: str) -> tuple[int, ...]:
    """The versions of ``names`` in one query, without writing anything.

    A name whose row does not exist yet (a new database, or rows wiped by hand) reads as the
    negated current value of the version sequence: stable until the next write creates the
    row with a higher number, and never equal to a version the name had before its row was
    lost (the sequence only grows), so no page cached under an old version comes back.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wanted.name, coalesce(v.version, -(SELECT last_value "
            "FROM kyodo_content_version_seq)) "
            "FROM unnest(%s::text[]) AS wanted(name) "
            "LEFT JOIN kyodo_center_contentversion v ON v.name = wanted.name",
            [list(names)],
        )
        found = dict(cursor.fetchall())
    return tuple(found[name] for name in names)


def cached_fragment(
    template: str,
    *,
    key: str,
    versions: Sequence[str],
    build: Callable[[], dict[str, Any]],
    seconds: int = CACHE_SECONDS,
) -> SafeString:
    """``template`` rendered with the context ``build()`` returns, cached per process under
    ``key`` and the current versions of ``versions`` (for a part of a page that visitors with a
    cookie see too: the counter grid, the availability tables). The output is our own
    template's, escaped when it was rendered."""
    full_key = ":".join(["fragment", key, *map(str, content_versions(*versions))])
    html = cache.get(full_key)
    if html is None:
        html = render_to_string(template, build())
        cache.set(full_key, html, timeout=seconds)
    return mark_safe(html)


def public_page_cache(
    *versions: str, seconds_bucket: int | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Cache a public GET view's 200 responses for cookie-less visitors.

    ``seconds_bucket`` adds the current time, in buckets of that many seconds, to the key for
    pages whose text depends on the clock (an event that has started, a window that closed).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET" or request.COOKIES:
                return view(request, *args, **kwargs)
            bucket = int(time.time() // seconds_bucket) if seconds_bucket else 0
            key = ":".join(
                [
                    "public-page",
                    # Hashed: addresses may be long or hold characters no cache key allows.
                    hashlib.sha256(request.get_full_path().encode()).hexdigest(),
                    timezone.localdate().isoformat(),
                    str(bucket),
                    *map(str, content_versions(*versions)),
                ]
            )
            cached = cache.get(key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # class-based views answer with a lazy TemplateResponse
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.user.is_authenticated
            ):
                cache.set(key, (response.content, response["Content-Type"]), timeout=CACHE_SECONDS)
            return response

        return wrapper

    return decorator
