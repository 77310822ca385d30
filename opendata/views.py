"""オープンデータ (public, no login, CC BY 4.0): the page that lists the datasets, and the
datasets themselves at stable URLs, cached per content version like the other public pages
(kyodo_center.cache): a change to an event, a room or a booking shows at once."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kyodo_center.cache import public_page_cache
from kyodo_center.exports import content_disposition, csv_response
from opendata import standard
from opendata.selectors import availability_slots, event_rows, facility_rows

JSON_CONTENT_TYPE = "application/json"


def file_name(dataset: str, extension: str) -> str:
    """131202_event.csv: the ward's code and the dataset, as the standard's files are named."""
    return f"{standard.local_government()['code']}_{dataset}.{extension}"


@require_safe
@public_page_cache("availability", "programs")
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "standard": standard,
            "event_columns": standard.EVENT_COLUMN_DEFINITIONS,
            "facility_columns": standard.FACILITY_COLUMN_DEFINITIONS,
            "availability_columns": zip(
                standard.AVAILABILITY_COLUMN_DEFINITIONS,
                standard.AVAILABILITY_JSON_KEYS,
                strict=True,
            ),
            "ward": standard.local_government(),
            "file_names": {
                "events": file_name("event", "csv"),
                "facilities": file_name("public_facility", "csv"),
                "availability_csv": file_name("room_availability", "csv"),
                "availability_json": file_name("room_availability", "json"),
            },
        },
    )


@require_safe
@public_page_cache("programs", "availability", "groups", seconds_bucket=60)
def events_csv(request: HttpRequest) -> HttpResponse:
    """イベント一覧: public events that have not ended (the clock bucket drops ended ones)."""
    rows = event_rows(
        now=timezone.now(),
        url_of=lambda event: request.build_absolute_uri(
            reverse("programs:event_detail", args=[event.pk])
        ),
    )
    return csv_response(filename=file_name("event", "csv"), rows=[standard.EVENT_COLUMNS, *rows])


@require_safe
@public_page_cache("availability")
def facilities_csv(request: HttpRequest) -> HttpResponse:
    rows = facility_rows(
        today=timezone.localdate(),
        home_url=request.build_absolute_uri(reverse("home")),
        availability_url=request.build_absolute_uri(reverse("opendata:availability_csv")),
    )
    return csv_response(
        filename=file_name("public_facility", "csv"), rows=[standard.FACILITY_COLUMNS, *rows]
    )


@require_safe
@public_page_cache("availability")
def availability_csv(request: HttpRequest) -> HttpResponse:
    _first, _last, slots = availability_slots(today=timezone.localdate(), now=timezone.now())
    rows = [[slot[key] for key in standard.AVAILABILITY_JSON_KEYS] for slot in slots]
    return csv_response(
        filename=file_name("room_availability", "csv"),
        rows=[standard.AVAILABILITY_COLUMNS, *rows],
    )


@require_safe
@public_page_cache("availability")
def availability_json(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    first, last, slots = availability_slots(today=timezone.localdate(), now=now)
    body = {
        "title": "多目的室の空き状況",
        "publisher": settings.CENTRE_NAME,
        "license": standard.LICENCE_SHORT,
        "license_url": standard.LICENCE_URL,
        "source": request.build_absolute_uri(reverse("opendata:index")),
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "states": list(standard.AVAILABILITY_STATES),
        "fields": {
            key: f"{column.name}: {column.meaning}"
            for column, key in zip(
                standard.AVAILABILITY_COLUMN_DEFINITIONS,
                standard.AVAILABILITY_JSON_KEYS,
                strict=True,
            )
        },
        "slots": slots,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type=JSON_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(file_name("room_availability", "json"))
    return response
