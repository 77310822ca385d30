"""Public lottery (抽選) pages: the rounds, each round's schedule and published result, the
result as JSON and the drawing algorithm's source, so anyone can re-run a draw (no login)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from facilities import drawing, selectors
from facilities.models import LotteryDraw, LotteryPhase, LotteryRound
from kyodo_center.cache import public_page_cache
from kyodo_center.dates import jdatetime

# The application counts change with every application, which does not bump the
# "availability" version: the cached copy is kept one minute at most.
COUNT_BUCKET_SECONDS = 60
# Phases in which the round has no draw yet: the seed is secret then.
BEFORE_DRAW = {LotteryPhase.SCHEDULED, LotteryPhase.OPEN, LotteryPhase.CLOSED}


def draw_of(lottery_round: LotteryRound, phase: str) -> LotteryDraw | None:
    """The round's draw, or None before it (never the seed of a round not drawn)."""
    if phase in BEFORE_DRAW:
        return None
    try:
        return lottery_round.draw
    except LotteryDraw.DoesNotExist:
        return None


@require_safe
@public_page_cache("availability", seconds_bucket=COUNT_BUCKET_SECONDS)
def lottery_list(request: HttpRequest) -> HttpResponse:
    rounds = selectors.lottery_rounds(now=timezone.now())
    context = {
        "rounds": rounds,
        "max_applications": settings.FACILITIES_LOTTERY_MAX_APPLICATIONS,
    }
    return render(request, "facilities/lottery/list.html", context)


@require_safe
@public_page_cache("availability", seconds_bucket=COUNT_BUCKET_SECONDS)
def lottery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lottery_round = selectors.lottery_round_or_404(pk)
    phase = selectors.lottery_round_phase(lottery_round, timezone.now())
    record = draw_of(lottery_round, phase)
    context: dict[str, Any] = {
        "round": lottery_round,
        "phase": phase,
        "phase_label": LotteryPhase(phase).label,
        "first_come_from": lottery_round.confirm_by + dt.timedelta(days=1),
        "excluded_days": list(lottery_round.excluded_days.all()),
        "draw": record,
        "max_applications": settings.FACILITIES_LOTTERY_MAX_APPLICATIONS,
    }
    if record is not None:
        published = selectors.lottery_published_result(lottery_round, seed=record.seed)
        names = selectors.lottery_not_drawn_blocks(lottery_round)
        context.update(
            applications=[
                {**a, "day": dt.date.fromisoformat(a["date"])} for a in published["applications"]
            ],
            not_drawn=[{**a, "named": names.get(a["number"])} for a in published["not_drawn"]],
            json_url=request.build_absolute_uri(
                reverse("facilities:lottery_result_json", args=[lottery_round.pk])
            ),
            drawing_url=request.build_absolute_uri(reverse("facilities:lottery_algorithm")),
        )
    return render(request, "facilities/lottery/detail.html", context)


@require_safe
def lottery_result_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The published result (what LotteryDraw.result_digest hashes) plus when it was drawn and
    that digest; 404 until the draw."""
    lottery_round = selectors.lottery_round_or_404(pk)
    record = draw_of(lottery_round, selectors.lottery_round_phase(lottery_round, timezone.now()))
    if record is None:
        # Said in JSON too: whoever fetches this is usually a script (curl, urllib).
        return json_response(
            {
                "error": f"{lottery_round}はまだ実施されていません"
                f"（抽選日時 {jdatetime(lottery_round.draw_at)}）。"
            },
            status=404,
        )
    data = selectors.lottery_published_result(lottery_round, seed=record.seed)
    data["drawn_at"] = timezone.localtime(record.drawn_at).isoformat()
    data["result_digest"] = record.result_digest
    return json_response(data)


def json_response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    """UTF-8 JSON with the Japanese left readable (ensure_ascii=False)."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
        status=status,
    )


@require_safe
def lottery_algorithm(request: HttpRequest) -> HttpResponse:
    """facilities/drawing.py exactly as the draw runs it."""
    source = Path(drawing.__file__).read_text(encoding="utf-8")
    response = HttpResponse(source, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="drawing.py"'
    return response
