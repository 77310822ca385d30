"""The audit trail (履歴): who changed what, when, and from where — whatever path made the change.

Every tracked model (``@track`` in each app's models.py) gets a history table that PostgreSQL
triggers (django-pghistory) fill in the same statement as the change: an insert, update or
delete made by a page, the admin, a management command, a service called from a shell, or raw
SQL is recorded alike, and rolls back with the change. Rows are append-only (a trigger refuses
UPDATE and DELETE), except that the anonymisation of consultations erases their personal data
from the history too (``history_erase``).

Who and from where come from pghistory's *context*, JSON stored on each history row:

- ``HistoryContextMiddleware``: every request (user, URL, method, client address — the one
  django-axes counts, ``kyodo_center.client_ip``); the user is read only when the request first
  writes, so pages that write nothing cost no query.
- ``HistoryCommand``: the base of every management command (``command``: its name).
- ``records_actor``: services that are given an actor (``created_by``, ``updated_by``,
  ``cancelled_by``, ``recorded_by``, ``by``, ``user`` …) record that actor even outside a
  request, so the argument is never dropped.

``history_for(obj)`` reads an object's history (and its children's) for staff pages and the
admin, in one query whatever the number of changes (plus one per kind of related object named
in a change, to show names instead of ids).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pghistory
import pgtrigger
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy

from kyodo_center.client_ip import client_address
from kyodo_center.dates import hhmm, jdate
from kyodo_center.people import person_name

ModelT = TypeVar("ModelT", bound=type[models.Model])
F = TypeVar("F", bound=Callable[..., Any])

HISTORY_SUFFIX = "History"
ACTIONS = {"insert": "作成", "update": "変更", "delete": "削除"}


# --- Tracking -----------------------------------------------------------------------------------
def track(model_class: ModelT | None = None, *, exclude: tuple[str, ...] = ()) -> Any:
    """Class decorator: record every insert, update and delete of this model in
    ``<Model>History`` (same app), with the context of whoever made it.

    ``@track(exclude=("secret",))`` leaves secrets (e.g. a calendar feed's key) out of the
    history: it is read by staff, and a secret is not history.

    An update that changes nothing but ``auto_now`` fields writes no row. A model that names
    its table (``Meta.db_table``, e.g. one moved to another app that kept its table) keeps its
    history table beside it: ``<db_table>history``.
    """
    if model_class is None:
        return lambda cls: track(cls, exclude=exclude)
    meta: dict[str, Any] = {
        "verbose_name": format_lazy("{}の履歴", model_class._meta.verbose_name),
        "verbose_name_plural": format_lazy("{}の履歴", model_class._meta.verbose_name),
        "default_permissions": (),
    }
    if "db_table" in model_class._meta.original_attrs:
        meta["db_table"] = f"{model_class._meta.db_table}{HISTORY_SUFFIX.lower()}"
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent(),
        model_name=f"{model_class.__name__}{HISTORY_SUFFIX}",
        context_field=pghistory.ContextJSONField(),
        # No reverse accessor on the tracked model (groups.Group already has "events").
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
        meta=meta,
        **({"exclude": list(exclude)} if exclude else {}),
    )(model_class)
    return model_class


def history_model(model: type[models.Model]) -> type[models.Model]:
    """The history table of a tracked model."""
    from django.apps import apps

    return apps.get_model(model._meta.app_label, f"{model.__name__}{HISTORY_SUFFIX}")


def history_erase(model: type[models.Model], pks: Sequence[Any], values: dict[str, Any]) -> int:
    """Overwrite fields in the history of these objects (the anonymisation of personal data:
    what is erased from a record must not survive in its history). The only exception to the
    history being append-only; the caller's own change is recorded as usual."""
    if not pks:
        return 0
    event_model = history_model(model)
    with pgtrigger.ignore(f"{event_model._meta.label}:append_only"):
        return event_model.objects.filter(pgh_obj_id__in=list(pks)).update(**values)


# --- Context: who and from where ----------------------------------------------------------------
class LazyContextValue:
    """A context value computed when a change is first written, not when the request starts."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute

    @functools.cached_property
    def value(self) -> Any:
        return self._compute()


class HistoryContextEncoder(DjangoJSONEncoder):
    """pghistory serialises the context into every writing statement; lazy values are resolved
    then (once)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, LazyContextValue):
            return o.value
        return super().default(o)


def _request_user(request: HttpRequest, attribute: str) -> Any:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None if attribute == "pk" else ""
    if attribute == "name":
        return person_name(user)
    return user.pk if attribute == "pk" else user.get_username()


class HistoryContextMiddleware:
    """Attach who and from where to every change a request makes: the logged-in user (read
    lazily), the page's URL and method, and the client address as django-axes counts it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with pghistory.context(**self.context(request)):
            return self.get_response(request)

    @staticmethod
    def context(request: HttpRequest) -> dict[str, Any]:
        path = request.get_full_path()
        return {
            "user": LazyContextValue(lambda: _request_user(request, "pk")),
            "username": LazyContextValue(lambda: _request_user(request, "username")),
            # The name staff read in the history (窓口 花子), as it was when the change was made.
            "name": LazyContextValue(lambda: _request_user(request, "name")),
            "url": path[:500],
            "method": request.method,
            "ip": client_address(request),
            "source": "admin" if request.path.startswith(reverse("admin:index")) else "page",
        }


class HistoryCommand(BaseCommand):
    """Base of every management command of the project: changes it makes are recorded with
    the command's name (``source: command``)."""

    def execute(self, *args: Any, **options: Any) -> Any:
        name = type(self).__module__.rsplit(".", 1)[-1]
        with pghistory.context(source="command", command=name):
            return super().execute(*args, **options)


@contextlib.contextmanager
def actor_context(actor: Any, *, service: str = "") -> Iterator[None]:
    """Record ``actor`` (a user, or None) as who made the changes inside, in or out of a request."""
    metadata: dict[str, Any] = {"service": service} if service else {}
    if actor is not None and getattr(actor, "pk", None) is not None:
        metadata.update(user=actor.pk, username=actor.get_username(), name=person_name(actor))
    if not metadata:
        yield
        return
    with pghistory.context(**metadata):
        yield


def records_actor(parameter: str) -> Callable[[F], F]:
    """Decorator for a service taking its actor as the keyword argument ``parameter``: the
    changes it makes are recorded with that actor (and the service's name), wherever it is
    called from."""

    def decorate(service: F) -> F:
        @functools.wraps(service)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with actor_context(kwargs.get(parameter), service=service.__name__):
                return service(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


# --- Reading: 履歴 for pages and the admin -----------------------------------------------------
@dataclass(frozen=True)
class HistoryChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    subject: str
    source: str
    changes: list[HistoryChange] = field(default_factory=list)


def history_for(
    obj: models.Model,
    *,
    related: Sequence[type[models.Model]] = (),
    limit: int = 200,
) -> list[HistoryRow]:
    """The newest ``limit`` history rows of ``obj`` and of the ``related`` tracked models that
    point to it (e.g. a booking's equipment loans), newest first, readable: who, what (作成 /
    変更 / 削除), each changed field's verbose name with before → after, and from where.

    One query for the rows, whatever their number, plus at most one per kind of object a
    change points to (a room, a group), to show its name. The caller checks that the user may
    see ``obj``; this only reads.
    """
    from pghistory.models import Events

    tracked = [type(obj), *related]
    labels = {history_model(model)._meta.label: model for model in tracked}
    events = list(
        Events.objects.across(*labels)
        .references(obj)
        .order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    show_subject = len(tracked) > 1
    pending: list[tuple[HistoryRow, type[models.Model], list[tuple[str, Any, Any]]]] = []
    unnamed: dict[Any, list[HistoryRow]] = {}
    for event in events:
        model = labels[event.pgh_model]
        context = event.pgh_context or {}
        row = HistoryRow(
            at=event.pgh_created_at,
            actor=(
                context.get("name")
                or context.get("username")
                or ("（システム）" if context else "（不明）")
            ),
            action=ACTIONS.get(event.pgh_label, event.pgh_label),
            subject=(
                f"{model._meta.verbose_name} #{event.pgh_obj_id}"
                if show_subject
                else str(model._meta.verbose_name)
            ),
            source=describe_source(context),
        )
        if event.pgh_label == "insert":
            raw = [(name, None, value) for name, value in (event.pgh_data or {}).items()]
        elif event.pgh_label == "update":
            raw = [(name, pair[0], pair[1]) for name, pair in (event.pgh_diff or {}).items()]
        else:
            raw = []
        pending.append((row, model, raw))
        if not context.get("name") and context.get("user"):
            unnamed.setdefault(context["user"], []).append(row)
    _name_actors(unnamed)
    _fill_changes(pending)
    return [row for row, _, _ in pending]


def _name_actors(unnamed: dict[Any, list[HistoryRow]]) -> None:
    """Rows recorded before the context kept the actor's name: one query for all their users."""
    if not unnamed:
        return
    from django.contrib.auth import get_user_model

    users = get_user_model()._default_manager.in_bulk(list(unnamed))
    for pk, rows in unnamed.items():
        user = users.get(pk)
        if user is not None:
            for row in rows:
                row.actor = person_name(user)


def describe_source(context: dict[str, Any]) -> str:
    """経路: the page's URL, 管理画面 and its URL, or the command's name."""
    if context.get("command"):
        return f"コマンド {context['command']}"
    if context.get("url"):
        if context.get("source") == "admin":
            return f"管理画面 {context['url']}"
        return f"画面 {context['url']}"
    if context.get("service"):
        return f"処理 {context['service']}"
    return "経路の記録なし（データベースへの直接の変更）"


def _hidden(model_field: models.Field) -> bool:
    return (
        model_field.primary_key
        or getattr(model_field, "auto_now", False)
        or getattr(model_field, "auto_now_add", False)
    )


def _fill_changes(
    pending: list[tuple[HistoryRow, type[models.Model], list[tuple[str, Any, Any]]]],
) -> None:
    # Resolve foreign keys to names: one query per related model, over all rows together.
    wanted: dict[type[models.Model], set[Any]] = {}
    fields_of = {
        model: {f.attname: f for f in model._meta.concrete_fields} for _, model, _ in pending
    }
    for _, model, raw in pending:
        for name, before, after in raw:
            model_field = fields_of[model].get(name)
            if model_field is not None and model_field.is_relation:
                ids = wanted.setdefault(model_field.related_model, set())
                ids.update(value for value in (before, after) if value is not None)
    names = {
        related: {
            str(pk): str(item) for pk, item in related._default_manager.in_bulk(list(ids)).items()
        }
        for related, ids in wanted.items()
        if ids
    }
    for row, model, raw in pending:
        order = list(fields_of[model])
        for name, before, after in sorted(raw, key=lambda item: _position(order, item[0])):
            model_field = fields_of[model].get(name)
            if model_field is None or _hidden(model_field):
                continue
            if row.action == ACTIONS["insert"] and after in (None, "", False):
                continue
            row.changes.append(
                HistoryChange(
                    label=str(model_field.verbose_name),
                    before=_format(model_field, before, names),
                    after=_format(model_field, after, names),
                )
            )


def _position(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


RANGE = re.compile(r'^[\[(]"?([^",]*)"?,"?([^",]*)"?([\])])$')


def _format_instant(value: str) -> str:
    moment = parse_datetime(value.replace(" ", "T", 1)) if value else None
    if moment is None:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return f"{jdate(moment)} {hhmm(moment)}"


def _format(model_field: models.Field, value: Any, names: dict[Any, dict[str, str]]) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get(model_field.related_model, {}).get(str(value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "はい" if value else "いいえ"
    if isinstance(model_field, (DateTimeRangeField, DateRangeField)):
        match = RANGE.match(str(value))
        if not match:
            return str(value)
        start, end, closing = match.groups()
        if isinstance(model_field, DateTimeRangeField):
            first, last = _format_instant(start), _format_instant(end)
            same_day = first.split(" ")[0] == last.split(" ")[0]
            return f"{first}〜{last.split(' ')[-1] if same_day else last}"
        # A date range's upper bound is exclusive in PostgreSQL: show the last day included.
        last = parse_date(end) if end else None
        if last and closing == ")":
            end = (last - dt.timedelta(days=1)).isoformat()
        return f"{_format_date(start)}〜{_format_date(end)}"
    if isinstance(model_field, models.DateTimeField):
        return _format_instant(str(value))
    if isinstance(model_field, models.DateField):
        return _format_date(str(value))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _format_date(value: str) -> str:
    day = parse_date(value) if value else None
    return jdate(day) if day else value


class HistoryAdminMixin:
    """For the ModelAdmin of a tracked model: its change page shows the record's 履歴 (and that
    of ``history_related``, the tracked models pointing to it), read through ``history_for``."""

    history_related: Sequence[type[models.Model]] = ()
    change_form_template = "admin/history_change_form.html"

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            context["history"] = history_for(obj, related=self.history_related)
            context["history_shown"] = True
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
