"""Request hygiene shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

NUL = "\x00"
NUL_MESSAGE = "入力に使用できない文字が含まれています。入力内容をご確認ください。"


class RejectNulBytesMiddleware:
    """Refuse input containing NUL characters with a Japanese 400, before any view runs.

    PostgreSQL cannot store or even compare text holding NUL, so such input would otherwise
    surface as a database error (a 500) in whichever query first touched it. No legitimate
    form field or address ever contains one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or self._has_nul(request):
            return render(
                request,
                "400.html",
                {"exception_message": NUL_MESSAGE},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        queries = [request.GET]
        if request.method == "POST":
            queries.append(request.POST)
        return any(
            NUL in key or any(NUL in value for value in values)
            for query in queries
            for key, values in query.lists()
        )


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than REQUEST_BODY_MAX_BYTES with a Japanese 413, unread.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files, so without
    this a multipart request of any size would be written to a temporary file before a form
    could say "too big". Django never reads past Content-Length, so checking it is enough.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django treats it the same way: no body is read
        multipart = request.content_type == "multipart/form-data"
        limit = (
            settings.REQUEST_BODY_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if length > limit:
            return render(
                request,
                "413.html",
                {
                    "limit_mb": limit // 1024 // 1024,
                    "bylaws_mb": settings.BYLAWS_MAX_BYTES // 1024 // 1024,
                },
                status=413,
            )
        return self.get_response(request)
