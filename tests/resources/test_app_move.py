"""Issue 16: office machines, mailbox-lockers and display places moved from facilities to their
own app. A database filled under the old schema keeps every row, history row, content type
and permission, and the history triggers are installed once, under the new app's names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from facilities.models import Facility
from kyodo_center.history import history_model
from resources import models as resource_models
from tests.resources.conftest import make_group

BEFORE_THE_MOVE = [("facilities", "0008_history")]
MOVED = (
    "OfficeMachine",
    "MachineUse",
    "MachineQueueEntry",
    "Mailbox",
    "MailboxAssignment",
    "MailboxAllowance",
    "MailboxWaitlistEntry",
    "DisplayPlace",
    "DisplayItem",
)


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def fill_under_the_old_schema(apps, facility: Facility, groups: list) -> dict[str, int]:
    """One row in every moved table, written through the models as they were in facilities."""

    def old(name: str):
        return apps.get_model("facilities", name)

    now = timezone.now()
    today = timezone.localdate()
    first, second = groups
    machine = old("OfficeMachine").objects.create(facility_id=facility.pk, name="コピー機")
    use = old("MachineUse").objects.create(
        machine=machine, group_id=first.pk, sheets=10, started_at=now, finished_at=now
    )
    queue = old("MachineQueueEntry").objects.create(
        machine=machine, user_name="山田", status="started", use=use, arrived_at=now
    )
    box = old("Mailbox").objects.create(facility_id=facility.pk, number=1)
    assignment = old("MailboxAssignment").objects.create(
        mailbox=box, group_id=first.pk, period=DateRange(today, today + dt.timedelta(days=30))
    )
    allowance = old("MailboxAllowance").objects.create(group_id=first.pk, max_boxes=2)
    waiting = old("MailboxWaitlistEntry").objects.create(
        facility_id=facility.pk, group_id=second.pk, requested_at=now
    )
    place = old("DisplayPlace").objects.create(facility_id=facility.pk, kind="poster", capacity=5)
    item = old("DisplayItem").objects.create(
        place=place,
        title="お知らせ",
        requester_name="山田",
        start_date=today,
        end_date=today + dt.timedelta(days=7),
    )
    rows = (machine, use, queue, box, assignment, allowance, waiting, place, item)
    return {name: row.pk for name, row in zip(MOVED, rows, strict=True)}


def history_triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND tgname LIKE 'pgtrigger_%%'",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.slow  # runs migrations back and forth
@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_permissions_survive_the_move_to_the_resources_app():
    facility = Facility.objects.create(name="移行確認センター")
    groups = [make_group("移行確認の会", "2026-9001"), make_group("空き待ちの会", "2026-9002")]
    executor = migrate(BEFORE_THE_MOVE)
    try:
        assert not any(app == "resources" for app, _ in executor.loader.applied_migrations)
        old_state = executor.loader.project_state(
            [node for node in latest(executor) if node[0] not in ("facilities", "resources")]
            + BEFORE_THE_MOVE
        )
        pks = fill_under_the_old_schema(old_state.apps, facility, groups)
        old_content_types = {
            ct.model: ct.pk
            for ct in ContentType.objects.filter(
                app_label="facilities", model__in=[name.lower() for name in MOVED]
            )
        }
        old_permissions = {
            ct_model: set(
                Permission.objects.filter(content_type_id=ct_id).values_list("pk", flat=True)
            )
            for ct_model, ct_id in old_content_types.items()
        }
        assert len(old_content_types) == len(MOVED)
    finally:
        executor = migrate(latest(MigrationExecutor(connection)))

    assert ("resources", "0002_move_content_types") in executor.loader.applied_migrations
    ContentType.objects.clear_cache()
    for name in MOVED:
        model = getattr(resource_models, name)
        events = history_model(model)
        # The row and its history row (written by the old trigger) are there, in the same tables.
        assert model.objects.filter(pk=pks[name]).exists(), name
        assert events.objects.filter(pgh_obj_id=pks[name], pgh_label="insert").count() == 1
        assert model._meta.db_table == f"facilities_{name.lower()}"
        assert events._meta.db_table == f"facilities_{name.lower()}history"
        # Same content type and permissions, now under resources.
        content_type = ContentType.objects.get_for_model(model)
        assert content_type.app_label == "resources"
        assert content_type.pk == old_content_types[name.lower()]
        assert (
            set(content_type.permission_set.values_list("pk", flat=True))
            == (old_permissions[name.lower()])
        )
        # The triggers are installed once, under the names pgtrigger derives for resources.
        assert history_triggers(model._meta.db_table) == {
            trigger.get_pgid(model) for trigger in model._meta.triggers
        }
        assert history_triggers(events._meta.db_table) == {
            trigger.get_pgid(events) for trigger in events._meta.triggers
        }
    assert not ContentType.objects.filter(
        app_label="facilities", model__in=[name.lower() for name in MOVED]
    ).exists()

    # A change through the new model is recorded exactly once.
    machine = resource_models.OfficeMachine.objects.get(pk=pks["OfficeMachine"])
    machine.name = "印刷機"
    machine.save()
    updates = history_model(resource_models.OfficeMachine).objects.filter(
        pgh_obj_id=machine.pk, pgh_label="update"
    )
    assert [row.name for row in updates] == ["印刷機"]
