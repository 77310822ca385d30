"""The default topics and the four NPO-center operator organisations (seed 000 §2).

Used by the data migration (with historical models) and by ``load_demo_consultations``; both
only create what is missing, so ward staff's later edits in the admin are never overwritten.
"""

from __future__ import annotations

from typing import Any

# name, handling, sort order. 運営・会計 is booked into the 専門相談 (会計・税務・労務);
# 施設利用 and その他 are 一般相談 answered at the counter (seed 000 §2, §3 ２⑵).
DEFAULT_TOPICS: tuple[tuple[str, str, int], ...] = (
    ("団体設立", "specialist", 10),
    ("運営・会計", "expert", 20),
    ("助成金", "specialist", 30),
    ("広報", "specialist", 40),
    ("協働・連携", "specialist", 50),
    ("施設利用", "general", 60),
    ("その他", "general", 70),
)

# The operators of 練馬区ＮＰＯ活動支援センター (seed 000 §2) and the topics they take by default.
DEFAULT_OPERATORS: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    (
        "練馬区障害者福祉推進機構",
        ("団体設立", "協働・連携"),
        "障害者福祉分野の活動団体の支援",
        10,
    ),
    (
        "練馬区社会福祉協議会",
        ("団体設立", "助成金", "協働・連携"),
        "ボランティア活動・地域福祉活動の支援、助成金",
        20,
    ),
    (
        "練馬明るい社会づくりの会",
        ("協働・連携", "広報"),
        "地域活動団体の交流・ネットワークづくり",
        30,
    ),
    (
        "インターネットビジネス研究所",
        ("広報",),
        "ホームページ・SNSなどITを活用した情報発信の支援",
        40,
    ),
)


def ensure_default_topics_and_operators(apps: Any = None) -> None:
    """Create the default topics and operators that do not exist yet (idempotent)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Topic = apps.get_model("consultations", "Topic")
    OperatorOrganisation = apps.get_model("consultations", "OperatorOrganisation")
    topics = {}
    for name, handling, order in DEFAULT_TOPICS:
        topics[name], _ = Topic.objects.get_or_create(
            name=name, defaults={"handling": handling, "sort_order": order}
        )
    for name, specialties, description, order in DEFAULT_OPERATORS:
        operator, created = OperatorOrganisation.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
        if created:
            operator.specialties.set([topics[topic] for topic in specialties])
