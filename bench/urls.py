"""The bench's no-cache server (bench/nocache_settings.py): the site's URLs plus two floors that
say what any page built on this machine costs before it shows anything of its own.

- ``/bench/floor/``: a fixed answer through the whole middleware stack (sessions, CSRF, the
  second-factor gate, history context, CSP…), no template, no query of its own.
- ``/bench/layout/``: the public layout (base.html: header, navigation, footer) around a heading,
  as every public page renders it.

Used by `make bench` only; never part of the site.
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from kyodo_center.urls import urlpatterns as site_patterns

LAYOUT = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>多目的室の空き状況</h1>{% endblock %}'
)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def layout(request: HttpRequest) -> HttpResponse:
    return HttpResponse(LAYOUT.render({}, request))


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/layout/", layout),
    *site_patterns,
]
