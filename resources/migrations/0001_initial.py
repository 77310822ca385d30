"""The resources app takes over office machines, mailbox-lockers and display places from
facilities (issue 16) with their tables as they are (``db_table = "facilities_…"``, history
tables included): the models enter the state only, nothing is created in the database. Their
history triggers, whose names derive from the app label, are installed under the new names
(facilities 0009 dropped the old ones).
"""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.db.models.deletion
import django.utils.timezone
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("facilities", "0009_move_resources_to_their_app"),
        ("groups", "0004_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (facilities 0004 and 0008): the state takes them over as they are.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="DisplayItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="掲示物の名称")),
                        (
                            "requester_name",
                            models.CharField(max_length=100, verbose_name="依頼者（団体名・氏名）"),
                        ),
                        (
                            "requester_contact",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="依頼者の連絡先"
                            ),
                        ),
                        ("start_date", models.DateField(verbose_name="掲示開始日")),
                        ("end_date", models.DateField(verbose_name="掲示終了日")),
                        (
                            "notes",
                            models.CharField(blank=True, max_length=200, verbose_name="備考"),
                        ),
                        (
                            "taken_down_on",
                            models.DateField(blank=True, null=True, verbose_name="撤去日"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="受付日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "taken_down_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="撤去した職員",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ポスター・パンフレットの掲示",
                        "verbose_name_plural": "ポスター・パンフレットの掲示",
                        "db_table": "facilities_displayitem",
                        "ordering": ["start_date", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DisplayPlace",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("poster", "ポスター掲示板"),
                                    ("pamphlet", "パンフレットスタンド"),
                                ],
                                max_length=20,
                                verbose_name="掲示場所",
                            ),
                        ),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(verbose_name="同時に掲示できる数"),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="display_places",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "掲示場所の枠数",
                        "verbose_name_plural": "掲示場所の枠数",
                        "db_table": "facilities_displayplace",
                        "ordering": ["facility_id", "kind"],
                    },
                ),
                migrations.CreateModel(
                    name="DisplayItemHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        ("title", models.CharField(max_length=200, verbose_name="掲示物の名称")),
                        (
                            "requester_name",
                            models.CharField(max_length=100, verbose_name="依頼者（団体名・氏名）"),
                        ),
                        (
                            "requester_contact",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="依頼者の連絡先"
                            ),
                        ),
                        ("start_date", models.DateField(verbose_name="掲示開始日")),
                        ("end_date", models.DateField(verbose_name="掲示終了日")),
                        (
                            "notes",
                            models.CharField(blank=True, max_length=200, verbose_name="備考"),
                        ),
                        (
                            "taken_down_on",
                            models.DateField(blank=True, null=True, verbose_name="撤去日"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="受付日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.displayitem",
                            ),
                        ),
                        (
                            "taken_down_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="撤去した職員",
                            ),
                        ),
                        (
                            "place",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.displayplace",
                                verbose_name="掲示場所",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ポスター・パンフレットの掲示の履歴",
                        "verbose_name_plural": "ポスター・パンフレットの掲示の履歴",
                        "db_table": "facilities_displayitemhistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.AddField(
                    model_name="displayitem",
                    name="place",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="resources.displayplace",
                        verbose_name="掲示場所",
                    ),
                ),
                migrations.CreateModel(
                    name="DisplayPlaceHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("poster", "ポスター掲示板"),
                                    ("pamphlet", "パンフレットスタンド"),
                                ],
                                max_length=20,
                                verbose_name="掲示場所",
                            ),
                        ),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(verbose_name="同時に掲示できる数"),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.displayplace",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "掲示場所の枠数の履歴",
                        "verbose_name_plural": "掲示場所の枠数の履歴",
                        "db_table": "facilities_displayplacehistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="MachineUse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "user_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="利用者名（個人・団体）"
                            ),
                        ),
                        (
                            "registered_priority",
                            models.BooleanField(
                                default=False,
                                help_text="利用開始日に団体登録が有効でした（優先利用 ◎）。",
                                verbose_name="登録団体として利用",
                            ),
                        ),
                        (
                            "started_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="開始日時"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="終了日時"),
                        ),
                        (
                            "sheets",
                            models.PositiveIntegerField(default=0, verbose_name="枚数・部数"),
                        ),
                        (
                            "paper_size",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("A4", "A4"),
                                    ("B4", "B4"),
                                    ("A3", "A3"),
                                    ("B5", "B5"),
                                    ("other", "その他"),
                                ],
                                max_length=10,
                                verbose_name="用紙サイズ",
                            ),
                        ),
                        (
                            "notes",
                            models.CharField(blank=True, max_length=200, verbose_name="備考"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="記録日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="記録者",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="machine_uses",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器の利用記録",
                        "verbose_name_plural": "事務機器の利用記録",
                        "db_table": "facilities_machineuse",
                        "ordering": ["-started_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="MachineQueueEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "user_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="利用者名（個人・団体）"
                            ),
                        ),
                        (
                            "registered_priority",
                            models.BooleanField(default=False, verbose_name="登録団体（優先）"),
                        ),
                        (
                            "arrived_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="受付日時"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("waiting", "順番待ち"),
                                    ("started", "利用開始"),
                                    ("cancelled", "取消"),
                                ],
                                default="waiting",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "use",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="queue_entry",
                                to="resources.machineuse",
                                verbose_name="利用記録",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器の順番待ち",
                        "verbose_name_plural": "事務機器の順番待ち",
                        "db_table": "facilities_machinequeueentry",
                        "ordering": ["machine_id", "-registered_priority", "arrived_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Mailbox",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField(verbose_name="番号")),
                        ("is_active", models.BooleanField(default=True, verbose_name="使用可能")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="備考")),
                        (
                            "facility",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mailboxes",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックス兼ロッカー",
                        "verbose_name_plural": "メールボックス兼ロッカー",
                        "db_table": "facilities_mailbox",
                        "ordering": ["facility_id", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="MailboxAllowance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "max_boxes",
                            models.PositiveSmallIntegerField(
                                default=1, verbose_name="利用できるボックス数"
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(blank=True, max_length=200, verbose_name="理由"),
                        ),
                        (
                            "group",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mailbox_allowance",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの利用数の特例",
                        "verbose_name_plural": "メールボックスの利用数の特例",
                        "db_table": "facilities_mailboxallowance",
                    },
                ),
                migrations.CreateModel(
                    name="MailboxAllowanceHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "max_boxes",
                            models.PositiveSmallIntegerField(
                                default=1, verbose_name="利用できるボックス数"
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(blank=True, max_length=200, verbose_name="理由"),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailboxallowance",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの利用数の特例の履歴",
                        "verbose_name_plural": "メールボックスの利用数の特例の履歴",
                        "db_table": "facilities_mailboxallowancehistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="MailboxAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "period",
                            django.contrib.postgres.fields.ranges.DateRangeField(
                                verbose_name="利用期間"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "利用中"), ("released", "返却・回収済み")],
                                default="active",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "released_on",
                            models.DateField(blank=True, null=True, verbose_name="返却・回収日"),
                        ),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="備考")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="受付日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mailbox_assignments",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "mailbox",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="resources.mailbox",
                                verbose_name="ボックス",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの割り当て",
                        "verbose_name_plural": "メールボックスの割り当て",
                        "db_table": "facilities_mailboxassignment",
                        "ordering": ["mailbox__number", "-period"],
                    },
                ),
                migrations.CreateModel(
                    name="MailboxAssignmentHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "period",
                            django.contrib.postgres.fields.ranges.DateRangeField(
                                verbose_name="利用期間"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "利用中"), ("released", "返却・回収済み")],
                                default="active",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "released_on",
                            models.DateField(blank=True, null=True, verbose_name="返却・回収日"),
                        ),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="備考")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="受付日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "mailbox",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailbox",
                                verbose_name="ボックス",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailboxassignment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの割り当ての履歴",
                        "verbose_name_plural": "メールボックスの割り当ての履歴",
                        "db_table": "facilities_mailboxassignmenthistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="MailboxHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        ("number", models.PositiveSmallIntegerField(verbose_name="番号")),
                        ("is_active", models.BooleanField(default=True, verbose_name="使用可能")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="備考")),
                        (
                            "facility",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailbox",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックス兼ロッカーの履歴",
                        "verbose_name_plural": "メールボックス兼ロッカーの履歴",
                        "db_table": "facilities_mailboxhistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="MailboxWaitlistEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "requested_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="申込日時"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("waiting", "空き待ち"),
                                    ("offered", "案内中"),
                                    ("assigned", "割り当て済み"),
                                    ("declined", "辞退"),
                                    ("withdrawn", "取消"),
                                ],
                                default="waiting",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "offered_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="案内日時"),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="確定・辞退日時"
                            ),
                        ),
                        (
                            "assignment",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="waitlist_entry",
                                to="resources.mailboxassignment",
                                verbose_name="割り当て",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mailbox_waitlist",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mailbox_waitlist_entries",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "offered_mailbox",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="resources.mailbox",
                                verbose_name="案内したボックス",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの空き待ち",
                        "verbose_name_plural": "メールボックスの空き待ち",
                        "db_table": "facilities_mailboxwaitlistentry",
                        "ordering": ["requested_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="MailboxWaitlistEntryHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "requested_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="申込日時"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("waiting", "空き待ち"),
                                    ("offered", "案内中"),
                                    ("assigned", "割り当て済み"),
                                    ("declined", "辞退"),
                                    ("withdrawn", "取消"),
                                ],
                                default="waiting",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "offered_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="案内日時"),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="確定・辞退日時"
                            ),
                        ),
                        (
                            "assignment",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailboxassignment",
                                verbose_name="割り当て",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="受付者",
                            ),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "offered_mailbox",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailbox",
                                verbose_name="案内したボックス",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.mailboxwaitlistentry",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "メールボックスの空き待ちの履歴",
                        "verbose_name_plural": "メールボックスの空き待ちの履歴",
                        "db_table": "facilities_mailboxwaitlistentryhistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.CreateModel(
                    name="OfficeMachine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="例：コピー機、印刷機",
                                max_length=50,
                                verbose_name="機器名",
                            ),
                        ),
                        (
                            "sort_order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="表示順"),
                        ),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True, verbose_name="利用可能な機器として表示"
                            ),
                        ),
                        ("out_of_order", models.BooleanField(default=False, verbose_name="故障中")),
                        (
                            "out_of_order_note",
                            models.CharField(blank=True, max_length=200, verbose_name="故障の内容"),
                        ),
                        (
                            "out_of_order_since",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="故障の登録日時"
                            ),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="office_machines",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器",
                        "verbose_name_plural": "事務機器",
                        "db_table": "facilities_officemachine",
                        "ordering": ["facility_id", "sort_order", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="MachineUseHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "user_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="利用者名（個人・団体）"
                            ),
                        ),
                        (
                            "registered_priority",
                            models.BooleanField(
                                default=False,
                                help_text="利用開始日に団体登録が有効でした（優先利用 ◎）。",
                                verbose_name="登録団体として利用",
                            ),
                        ),
                        (
                            "started_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="開始日時"
                            ),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="終了日時"),
                        ),
                        (
                            "sheets",
                            models.PositiveIntegerField(default=0, verbose_name="枚数・部数"),
                        ),
                        (
                            "paper_size",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("A4", "A4"),
                                    ("B4", "B4"),
                                    ("A3", "A3"),
                                    ("B5", "B5"),
                                    ("other", "その他"),
                                ],
                                max_length=10,
                                verbose_name="用紙サイズ",
                            ),
                        ),
                        (
                            "notes",
                            models.CharField(blank=True, max_length=200, verbose_name="備考"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="記録日時"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="記録者",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.machineuse",
                            ),
                        ),
                        (
                            "machine",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.officemachine",
                                verbose_name="機器",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器の利用記録の履歴",
                        "verbose_name_plural": "事務機器の利用記録の履歴",
                        "db_table": "facilities_machineusehistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.AddField(
                    model_name="machineuse",
                    name="machine",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="uses",
                        to="resources.officemachine",
                        verbose_name="機器",
                    ),
                ),
                migrations.CreateModel(
                    name="MachineQueueEntryHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "user_name",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="利用者名（個人・団体）"
                            ),
                        ),
                        (
                            "registered_priority",
                            models.BooleanField(default=False, verbose_name="登録団体（優先）"),
                        ),
                        (
                            "arrived_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="受付日時"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("waiting", "順番待ち"),
                                    ("started", "利用開始"),
                                    ("cancelled", "取消"),
                                ],
                                default="waiting",
                                max_length=20,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="groups.group",
                                verbose_name="登録団体",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.machinequeueentry",
                            ),
                        ),
                        (
                            "use",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.machineuse",
                                verbose_name="利用記録",
                            ),
                        ),
                        (
                            "machine",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.officemachine",
                                verbose_name="機器",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器の順番待ちの履歴",
                        "verbose_name_plural": "事務機器の順番待ちの履歴",
                        "db_table": "facilities_machinequeueentryhistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.AddField(
                    model_name="machinequeueentry",
                    name="machine",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="queue",
                        to="resources.officemachine",
                        verbose_name="機器",
                    ),
                ),
                migrations.CreateModel(
                    name="OfficeMachineHistory",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "name",
                            models.CharField(
                                help_text="例：コピー機、印刷機",
                                max_length=50,
                                verbose_name="機器名",
                            ),
                        ),
                        (
                            "sort_order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="表示順"),
                        ),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True, verbose_name="利用可能な機器として表示"
                            ),
                        ),
                        ("out_of_order", models.BooleanField(default=False, verbose_name="故障中")),
                        (
                            "out_of_order_note",
                            models.CharField(blank=True, max_length=200, verbose_name="故障の内容"),
                        ),
                        (
                            "out_of_order_since",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="故障の登録日時"
                            ),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="facilities.facility",
                                verbose_name="施設",
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="resources.officemachine",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "事務機器の履歴",
                        "verbose_name_plural": "事務機器の履歴",
                        "db_table": "facilities_officemachinehistory",
                        "abstract": False,
                        "default_permissions": (),
                    },
                ),
                migrations.AddConstraint(
                    model_name="displayplace",
                    constraint=models.UniqueConstraint(
                        fields=("facility", "kind"),
                        name="display_place_once_per_kind",
                        violation_error_message="この施設のこの掲示場所は既に設定されています。",
                    ),
                ),
                migrations.AddIndex(
                    model_name="displayitem",
                    index=models.Index(fields=["end_date"], name="display_item_end_date"),
                ),
                migrations.AddConstraint(
                    model_name="displayitem",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("end_date__gte", models.F("start_date"))),
                        name="display_item_ends_after_start",
                        violation_error_message="掲示終了日は掲示開始日以降にしてください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailbox",
                    constraint=models.UniqueConstraint(
                        fields=("facility", "number"),
                        name="mailbox_number_unique_per_facility",
                        violation_error_message="この番号のメールボックスは既にあります。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailbox",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)),
                        name="mailbox_number_at_least_one",
                        violation_error_message="番号は1以上にしてください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxallowance",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("max_boxes__gte", 1)),
                        name="mailbox_allowance_at_least_one",
                        violation_error_message="利用できるボックス数は1以上にしてください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxassignment",
                    constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                        condition=models.Q(("status", "active")),
                        expressions=[("mailbox", "="), ("period", "&&")],
                        name="mailbox_one_group_per_period",
                        violation_error_message="このメールボックスは同じ期間に別の団体が利用中です。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxassignment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("period__isempty", False),
                            ("period__lower_inf", False),
                            ("period__upper_inf", False),
                        ),
                        name="mailbox_assignment_period_bounded",
                        violation_error_message="利用期間の開始日と終了日を指定してください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxassignment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("status", "active"), ("released_on__isnull", False), _connector="OR"
                        ),
                        name="mailbox_release_has_date",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxwaitlistentry",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["waiting", "offered"])),
                        fields=("facility", "group"),
                        name="mailbox_waitlist_once_per_group",
                        violation_error_message="この団体は既に空き待ちに登録されています。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxwaitlistentry",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "offered")),
                        fields=("offered_mailbox",),
                        name="mailbox_offered_to_one_group",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mailboxwaitlistentry",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "offered"), _negated=True),
                            ("offered_mailbox__isnull", False),
                            _connector="OR",
                        ),
                        name="mailbox_offer_names_a_box",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="officemachine",
                    constraint=models.UniqueConstraint(
                        fields=("facility", "name"), name="office_machine_name_unique_per_facility"
                    ),
                ),
                migrations.AddIndex(
                    model_name="machineuse",
                    index=models.Index(fields=["started_at"], name="machine_use_started_at"),
                ),
                migrations.AddConstraint(
                    model_name="machineuse",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("sheets__gte", 0)),
                        name="machine_use_sheets_not_negative",
                        violation_error_message="枚数・部数は0以上にしてください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="machineuse",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("group__isnull", False),
                            models.Q(("user_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="machine_use_has_a_user",
                        violation_error_message="登録団体を選ぶか、利用者名を入力してください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="machineuse",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("finished_at__isnull", True),
                            ("finished_at__gte", models.F("started_at")),
                            _connector="OR",
                        ),
                        name="machine_use_finishes_after_start",
                        violation_error_message="終了日時は開始日時より後にしてください。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="machineuse",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("finished_at__isnull", True)),
                        fields=("machine",),
                        name="machine_one_use_in_progress",
                        violation_error_message="この機器は使用中です。",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="machinequeueentry",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("group__isnull", False),
                            models.Q(("user_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="machine_queue_has_a_user",
                        violation_error_message="登録団体を選ぶか、利用者名を入力してください。",
                    ),
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayplace",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_displayplacehistory" ("capacity", "facility_id", "id", "kind", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."capacity", NEW."facility_id", NEW."id", NEW."kind", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id"); RETURN NULL;',
                    hash="0ad9c71e6c222fd26be81ccc1e57ff0ea6831e14",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_75896",
                    table="facilities_displayplace",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayplace",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_displayplacehistory" ("capacity", "facility_id", "id", "kind", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."capacity", NEW."facility_id", NEW."id", NEW."kind", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id"); RETURN NULL;',
                    hash="e6f4a80cebd68197d56e3a7d97f53922c5a72a9c",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_ff8c4",
                    table="facilities_displayplace",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayplace",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_displayplacehistory" ("capacity", "facility_id", "id", "kind", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."capacity", OLD."facility_id", OLD."id", OLD."kind", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id"); RETURN NULL;',
                    hash="70c810ba678d1a752f1aa0ffb2b5400a54faa463",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_fcc75",
                    table="facilities_displayplace",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayitemhistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="a1e63e9eeb6692c397f4294f89715f59cf439976",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_cacd8",
                    table="facilities_displayitemhistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayitem",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_displayitemhistory" ("created_at", "created_by_id", "end_date", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "requester_contact", "requester_name", "start_date", "taken_down_by_id", "taken_down_on", "title") VALUES (NEW."created_at", NEW."created_by_id", NEW."end_date", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."place_id", NEW."requester_contact", NEW."requester_name", NEW."start_date", NEW."taken_down_by_id", NEW."taken_down_on", NEW."title"); RETURN NULL;',
                    hash="68f01ef59f049544ce6625a8bb48fdcfc51329c5",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_166ec",
                    table="facilities_displayitem",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayitem",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."end_date" IS DISTINCT FROM (NEW."end_date") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."notes" IS DISTINCT FROM (NEW."notes") OR OLD."place_id" IS DISTINCT FROM (NEW."place_id") OR OLD."requester_contact" IS DISTINCT FROM (NEW."requester_contact") OR OLD."requester_name" IS DISTINCT FROM (NEW."requester_name") OR OLD."start_date" IS DISTINCT FROM (NEW."start_date") OR OLD."taken_down_by_id" IS DISTINCT FROM (NEW."taken_down_by_id") OR OLD."taken_down_on" IS DISTINCT FROM (NEW."taken_down_on") OR OLD."title" IS DISTINCT FROM (NEW."title"))',
                    func='INSERT INTO "facilities_displayitemhistory" ("created_at", "created_by_id", "end_date", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "requester_contact", "requester_name", "start_date", "taken_down_by_id", "taken_down_on", "title") VALUES (NEW."created_at", NEW."created_by_id", NEW."end_date", NEW."id", NEW."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."place_id", NEW."requester_contact", NEW."requester_name", NEW."start_date", NEW."taken_down_by_id", NEW."taken_down_on", NEW."title"); RETURN NULL;',
                    hash="00b83ac9fadbf6d625480f855c5f5321b76a88c5",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_0234f",
                    table="facilities_displayitem",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayitem",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_displayitemhistory" ("created_at", "created_by_id", "end_date", "id", "notes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place_id", "requester_contact", "requester_name", "start_date", "taken_down_by_id", "taken_down_on", "title") VALUES (OLD."created_at", OLD."created_by_id", OLD."end_date", OLD."id", OLD."notes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."place_id", OLD."requester_contact", OLD."requester_name", OLD."start_date", OLD."taken_down_by_id", OLD."taken_down_on", OLD."title"); RETURN NULL;',
                    hash="45fdf23c796ec9f4d969188bc5f98e5089033b3c",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_955bd",
                    table="facilities_displayitem",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="displayplacehistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="fde2ad625d30413b9353093f93cf56705b6cb9fb",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_2c7fe",
                    table="facilities_displayplacehistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailbox",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxhistory" ("facility_id", "id", "is_active", "note", "number", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."facility_id", NEW."id", NEW."is_active", NEW."note", NEW."number", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id"); RETURN NULL;',
                    hash="1ee453373265a54c38ab82c72fd6b162a999fd35",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_cb009",
                    table="facilities_mailbox",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailbox",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_mailboxhistory" ("facility_id", "id", "is_active", "note", "number", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."facility_id", NEW."id", NEW."is_active", NEW."note", NEW."number", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id"); RETURN NULL;',
                    hash="394e72cbf3757456fbcc3054cb89425ff3e8c247",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_5953f",
                    table="facilities_mailbox",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailbox",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxhistory" ("facility_id", "id", "is_active", "note", "number", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (OLD."facility_id", OLD."id", OLD."is_active", OLD."note", OLD."number", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id"); RETURN NULL;',
                    hash="e04ccc5269a523218e5cb55c030ebf3bc5a306a4",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_64da9",
                    table="facilities_mailbox",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxallowance",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxallowancehistory" ("group_id", "id", "max_boxes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (NEW."group_id", NEW."id", NEW."max_boxes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."reason"); RETURN NULL;',
                    hash="d429504a30d3fc54bfa84a1396e68c93008404a4",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_12fe9",
                    table="facilities_mailboxallowance",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxallowance",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_mailboxallowancehistory" ("group_id", "id", "max_boxes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (NEW."group_id", NEW."id", NEW."max_boxes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."reason"); RETURN NULL;',
                    hash="266a6c61f644027224805c3f440cfec55f33fdc1",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_b41eb",
                    table="facilities_mailboxallowance",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxallowance",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxallowancehistory" ("group_id", "id", "max_boxes", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason") VALUES (OLD."group_id", OLD."id", OLD."max_boxes", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."reason"); RETURN NULL;',
                    hash="6340d3e6d90d175a915f859d47c172dddb238c69",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_56967",
                    table="facilities_mailboxallowance",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxallowancehistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="af015563c0a521417a06981a6f30b92c286d731e",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_6107f",
                    table="facilities_mailboxallowancehistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxassignment",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxassignmenthistory" ("created_at", "created_by_id", "group_id", "id", "mailbox_id", "note", "period", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "released_on", "status") VALUES (NEW."created_at", NEW."created_by_id", NEW."group_id", NEW."id", NEW."mailbox_id", NEW."note", NEW."period", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."released_on", NEW."status"); RETURN NULL;',
                    hash="5f401c6f5fb6a671b21d4e56b7e873d2a88c2db6",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_53b9a",
                    table="facilities_mailboxassignment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxassignment",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."group_id" IS DISTINCT FROM (NEW."group_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."mailbox_id" IS DISTINCT FROM (NEW."mailbox_id") OR OLD."note" IS DISTINCT FROM (NEW."note") OR OLD."period" IS DISTINCT FROM (NEW."period") OR OLD."released_on" IS DISTINCT FROM (NEW."released_on") OR OLD."status" IS DISTINCT FROM (NEW."status"))',
                    func='INSERT INTO "facilities_mailboxassignmenthistory" ("created_at", "created_by_id", "group_id", "id", "mailbox_id", "note", "period", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "released_on", "status") VALUES (NEW."created_at", NEW."created_by_id", NEW."group_id", NEW."id", NEW."mailbox_id", NEW."note", NEW."period", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."released_on", NEW."status"); RETURN NULL;',
                    hash="ebf16cf1b30d9b2680d45a4fdaad8505ffed13d4",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_3f3a3",
                    table="facilities_mailboxassignment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxassignment",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxassignmenthistory" ("created_at", "created_by_id", "group_id", "id", "mailbox_id", "note", "period", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "released_on", "status") VALUES (OLD."created_at", OLD."created_by_id", OLD."group_id", OLD."id", OLD."mailbox_id", OLD."note", OLD."period", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."released_on", OLD."status"); RETURN NULL;',
                    hash="7200c2f6f513299c6dc56735fbd7faba66ddb5d3",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_0d885",
                    table="facilities_mailboxassignment",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxassignmenthistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="127c14dbba64082c6a1facb290067edb1a98b763",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_32abf",
                    table="facilities_mailboxassignmenthistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxhistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="a802193b139ec465aa46f7995c9256a9ede9e4c8",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_a572f",
                    table="facilities_mailboxhistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxwaitlistentry",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxwaitlistentryhistory" ("assignment_id", "created_by_id", "decided_at", "facility_id", "group_id", "id", "offered_at", "offered_mailbox_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "requested_at", "status") VALUES (NEW."assignment_id", NEW."created_by_id", NEW."decided_at", NEW."facility_id", NEW."group_id", NEW."id", NEW."offered_at", NEW."offered_mailbox_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."requested_at", NEW."status"); RETURN NULL;',
                    hash="ad13c7bd55d026f71fd28f8249d8ba8175992dd8",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_5b251",
                    table="facilities_mailboxwaitlistentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxwaitlistentry",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_mailboxwaitlistentryhistory" ("assignment_id", "created_by_id", "decided_at", "facility_id", "group_id", "id", "offered_at", "offered_mailbox_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "requested_at", "status") VALUES (NEW."assignment_id", NEW."created_by_id", NEW."decided_at", NEW."facility_id", NEW."group_id", NEW."id", NEW."offered_at", NEW."offered_mailbox_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."requested_at", NEW."status"); RETURN NULL;',
                    hash="40a7e4aac287dcd2d0a832b4a138764e35c6dd42",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_85b92",
                    table="facilities_mailboxwaitlistentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxwaitlistentry",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_mailboxwaitlistentryhistory" ("assignment_id", "created_by_id", "decided_at", "facility_id", "group_id", "id", "offered_at", "offered_mailbox_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "requested_at", "status") VALUES (OLD."assignment_id", OLD."created_by_id", OLD."decided_at", OLD."facility_id", OLD."group_id", OLD."id", OLD."offered_at", OLD."offered_mailbox_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."requested_at", OLD."status"); RETURN NULL;',
                    hash="fe27ae53ee1a98b45c98d91d2d08cd88b83c8048",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_33eeb",
                    table="facilities_mailboxwaitlistentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="mailboxwaitlistentryhistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="83a1f23d5e7bb4466c395078eb876526a40e6934",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_1fc26",
                    table="facilities_mailboxwaitlistentryhistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="officemachine",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_officemachinehistory" ("facility_id", "id", "is_active", "name", "out_of_order", "out_of_order_note", "out_of_order_since", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order") VALUES (NEW."facility_id", NEW."id", NEW."is_active", NEW."name", NEW."out_of_order", NEW."out_of_order_note", NEW."out_of_order_since", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."sort_order"); RETURN NULL;',
                    hash="ff0ad5917c39a3abb695bb2c82b8ac831a22de18",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_bba30",
                    table="facilities_officemachine",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="officemachine",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_officemachinehistory" ("facility_id", "id", "is_active", "name", "out_of_order", "out_of_order_note", "out_of_order_since", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order") VALUES (NEW."facility_id", NEW."id", NEW."is_active", NEW."name", NEW."out_of_order", NEW."out_of_order_note", NEW."out_of_order_since", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."sort_order"); RETURN NULL;',
                    hash="69c98538929d61f63feb7ed6a81f0365640d1a73",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_53eaa",
                    table="facilities_officemachine",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="officemachine",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_officemachinehistory" ("facility_id", "id", "is_active", "name", "out_of_order", "out_of_order_note", "out_of_order_since", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sort_order") VALUES (OLD."facility_id", OLD."id", OLD."is_active", OLD."name", OLD."out_of_order", OLD."out_of_order_note", OLD."out_of_order_since", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."sort_order"); RETURN NULL;',
                    hash="364f61418c332da4e8c8b81ab3f884d4f9bd223e",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_2f10e",
                    table="facilities_officemachine",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machineusehistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="f97eebcdc71292a897d4131c391f8559954dc19a",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_ac5e1",
                    table="facilities_machineusehistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machineuse",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_machineusehistory" ("created_at", "created_by_id", "finished_at", "group_id", "id", "machine_id", "notes", "paper_size", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "sheets", "started_at", "user_name") VALUES (NEW."created_at", NEW."created_by_id", NEW."finished_at", NEW."group_id", NEW."id", NEW."machine_id", NEW."notes", NEW."paper_size", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."registered_priority", NEW."sheets", NEW."started_at", NEW."user_name"); RETURN NULL;',
                    hash="bec5247a06e72f364d5e4a640d21b23336c6e1ed",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_23fc8",
                    table="facilities_machineuse",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machineuse",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."finished_at" IS DISTINCT FROM (NEW."finished_at") OR OLD."group_id" IS DISTINCT FROM (NEW."group_id") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."machine_id" IS DISTINCT FROM (NEW."machine_id") OR OLD."notes" IS DISTINCT FROM (NEW."notes") OR OLD."paper_size" IS DISTINCT FROM (NEW."paper_size") OR OLD."registered_priority" IS DISTINCT FROM (NEW."registered_priority") OR OLD."sheets" IS DISTINCT FROM (NEW."sheets") OR OLD."started_at" IS DISTINCT FROM (NEW."started_at") OR OLD."user_name" IS DISTINCT FROM (NEW."user_name"))',
                    func='INSERT INTO "facilities_machineusehistory" ("created_at", "created_by_id", "finished_at", "group_id", "id", "machine_id", "notes", "paper_size", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "sheets", "started_at", "user_name") VALUES (NEW."created_at", NEW."created_by_id", NEW."finished_at", NEW."group_id", NEW."id", NEW."machine_id", NEW."notes", NEW."paper_size", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."registered_priority", NEW."sheets", NEW."started_at", NEW."user_name"); RETURN NULL;',
                    hash="9401f3f7983591f0a29c07921ff03b46fe01df1f",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_2ecd9",
                    table="facilities_machineuse",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machineuse",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_machineusehistory" ("created_at", "created_by_id", "finished_at", "group_id", "id", "machine_id", "notes", "paper_size", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "sheets", "started_at", "user_name") VALUES (OLD."created_at", OLD."created_by_id", OLD."finished_at", OLD."group_id", OLD."id", OLD."machine_id", OLD."notes", OLD."paper_size", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."registered_priority", OLD."sheets", OLD."started_at", OLD."user_name"); RETURN NULL;',
                    hash="e9e6636d219ac96b0ae372c73d8cfc95f726cb2d",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_a5c88",
                    table="facilities_machineuse",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machinequeueentryhistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="3d310581c6fb8aba9e6263980f3896d4a613a776",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_8f397",
                    table="facilities_machinequeueentryhistory",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machinequeueentry",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_machinequeueentryhistory" ("arrived_at", "group_id", "id", "machine_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "status", "use_id", "user_name") VALUES (NEW."arrived_at", NEW."group_id", NEW."id", NEW."machine_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', NEW."id", NEW."registered_priority", NEW."status", NEW."use_id", NEW."user_name"); RETURN NULL;',
                    hash="a1399b865d7f458539aa73794c8a44e63be2d4c3",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_100b1",
                    table="facilities_machinequeueentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machinequeueentry",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "facilities_machinequeueentryhistory" ("arrived_at", "group_id", "id", "machine_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "status", "use_id", "user_name") VALUES (NEW."arrived_at", NEW."group_id", NEW."id", NEW."machine_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', NEW."id", NEW."registered_priority", NEW."status", NEW."use_id", NEW."user_name"); RETURN NULL;',
                    hash="3a7e67c7ec0c4b6af10ca0b56d574a2eec42c182",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_139a9",
                    table="facilities_machinequeueentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="machinequeueentry",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "facilities_machinequeueentryhistory" ("arrived_at", "group_id", "id", "machine_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "registered_priority", "status", "use_id", "user_name") VALUES (OLD."arrived_at", OLD."group_id", OLD."id", OLD."machine_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'delete\', OLD."id", OLD."registered_priority", OLD."status", OLD."use_id", OLD."user_name"); RETURN NULL;',
                    hash="23edad13e3683b9eaba88311e4a39bea7e78bcd1",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_24c47",
                    table="facilities_machinequeueentry",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="officemachinehistory",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="784a6a605fe32fcf948a42ae655d23d244ebaac9",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_87a12",
                    table="facilities_officemachinehistory",
                    when="BEFORE",
                ),
            ),
        ),
    ]
