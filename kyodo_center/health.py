"""``/healthz`` for load balancers and the container HEALTHCHECK.

Answered by a middleware placed first, before host validation and the HTTPS redirect, so a
probe that speaks plain HTTP to the container's own address still gets an honest answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"


def healthz_response() -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        return HttpResponse(
            "database unavailable", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in (HEALTHZ_PATH, HEALTHZ_PATH + "/"):
            response = healthz_response()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
