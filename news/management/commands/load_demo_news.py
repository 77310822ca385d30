"""Demo news and newsletters (idempotent): six news items across the five categories (two
with a PDF attachment, one waiting for review, one draft), three issues of the monthly
newsletter with their text versions, a maintenance closure and a grants course linked to the
news that explain them. Everything goes through news.services, as staff would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from facilities.models import Closure, ClosureKind
from kyodo_center.dates import add_months, fiscal_year_of
from kyodo_center.history import HistoryCommand
from news import services
from news.models import NewsCategory, NewsItem, Newsletter
from news.pdf import simple_pdf
from news.services import NewsData, NewsletterData
from programs.models import Event

# title, category, days before now it was published, body, attachment text (PDF) or None,
# state ("published", "pending" or "draft").
NEWS: tuple[tuple[str, str, int, str, str | None, str], ...] = (
    (
        "年末年始の休館と12月の保守点検日のお知らせ",
        NewsCategory.FACILITY,
        2,
        "年末年始（12月29日〜1月3日）は休館します。\n\n"
        "また、設備の保守点検のため、12月の保守点検日は終日休館します。"
        "多目的室の空き状況ページでは、休館日を「休館」と表示しています。\n\n"
        "ご不便をおかけしますが、ご理解とご協力をお願いします。",
        None,
        "published",
    ),
    (
        "令和8年度 地域活動支援助成金の募集について",
        NewsCategory.GRANTS,
        5,
        "区内で公益的な活動を行う団体を対象に、活動費の一部を助成します。\n\n"
        "## 対象となる活動\n\n"
        "- 子育て・高齢者の見守りなど、地域の課題に取り組む活動\n"
        "- 複数の団体が協働して行う活動\n\n"
        "## 申請の方法\n\n"
        "募集要項（PDF）をご確認のうえ、センターの窓口へ申請書をご提出ください。"
        "申請書の書き方は「助成金獲得講座」でもご説明します。\n\n"
        "> 申請の締切は募集要項に記載しています。\n\n"
        "お問い合わせ: [練馬区 地域振興課 協働推進係](https://www.city.nerima.tokyo.jp/)",
        "Chiiki katsudo shien joseikin - boshu yoko (demo)",
        "published",
    ),
    (
        "区の協働提案制度の説明会を開きます",
        NewsCategory.POLICY,
        9,
        "区と団体が一緒に地域の課題に取り組む「協働提案制度」について、"
        "区の担当者が制度の流れと昨年度の事例をご紹介します。\n\n"
        "1. 制度の概要\n2. 提案から事業化までの流れ\n3. 昨年度の協働事業の事例\n\n"
        "事前のお申し込みは不要です。当日、センターの多目的室へお越しください。",
        "Kyodo teian seido setsumeikai (demo)",
        "published",
    ),
    (
        "地域活動フェスティバルのボランティアを募集します",
        NewsCategory.RECRUITING,
        14,
        "地域活動フェスティバルの会場設営・受付・案内をお手伝いいただけるボランティアを募集します。\n\n"
        "**活動日**は開催日当日と前日の設営です。半日だけの参加も歓迎します。"
        "参加を希望される方は、窓口またはお電話でお申し出ください。",
        None,
        "published",
    ),
    (
        "交流スペースの机と椅子を新しくしました",
        NewsCategory.CENTRE,
        20,
        "交流スペースの机と椅子を入れ替え、車いすの方も使いやすい高さの机を増やしました。"
        "打ち合わせや作業に、予約なしでご利用いただけます。",
        None,
        "pending",
    ),
    (
        "（下書き）情報紙の取材にご協力いただける団体を探しています",
        NewsCategory.CENTRE,
        0,
        "情報紙では毎号、地域で活動する団体の取り組みをご紹介しています。"
        "取材にご協力いただける団体は、窓口までお知らせください。",
        None,
        "draft",
    ),
)

NEWSLETTER_TOPICS = (
    (
        "地域の居場所づくり特集",
        "## 特集：地域の居場所づくり\n\n"
        "子ども食堂やサロンなど、地域の居場所を運営する3つの団体を取材しました。\n\n"
        "## 団体紹介\n\n"
        "- ねりま子育てひろば・むすび：週2回の親子ひろば\n"
        "- 向山はなみずき自治会：月1回の防災サロン\n\n"
        "## センターからのお知らせ\n\n"
        "講座・イベントの日程は、センターのホームページでご確認ください。",
    ),
    (
        "協働のはじめ方",
        "## 特集：協働のはじめ方\n\n"
        "区と団体、団体同士が一緒に取り組むときの進め方を、事例とともにご紹介します。\n\n"
        "## 相談窓口のご案内\n\n"
        "団体の立ち上げや運営、会計・税務のご相談を窓口で受け付けています。",
    ),
    (
        "ボランティアに参加してみませんか",
        "## 特集：ボランティアに参加してみませんか\n\n"
        "初めての方にも参加しやすい活動を集めました。\n\n"
        "| 活動 | 日時 | 場所 |\n|---|---|---|\n"
        "| 公園の清掃 | 毎月第2土曜 | 区内の公園 |\n"
        "| 高齢者サロンの手伝い | 毎週水曜 | 地区区民館 |\n\n"
        "## 地域活動フェスティバルのお知らせ\n\n"
        "出展団体とボランティアを募集しています。",
    ),
)


class Command(HistoryCommand):
    help = "お知らせと情報紙のデモデータを登録します（何度でも実行可）。"

    # Closures come from facilities and the course from programs: the news links to them.
    demo_after = ("facilities", "programs")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        clerk = users.filter(username="madoguchi").first()
        ward = users.filter(username="kuyakusho").first()
        if clerk is None or ward is None:
            self.stdout.write("お知らせのデモデータ: 職員のデモユーザーがいないため登録しません。")
            return
        now = timezone.now()
        created = 0
        by_title: dict[str, NewsItem] = {}
        for title, category, days_ago, body, attachment, state in NEWS:
            item = NewsItem.objects.filter(title=title).first()
            if item is None:
                publish_from = now - dt.timedelta(days=days_ago)
                file = (
                    SimpleUploadedFile("demo.pdf", simple_pdf(attachment), "application/pdf")
                    if attachment
                    else None
                )
                item = services.news_item_create(
                    data=NewsData(
                        title=title,
                        body=body,
                        category=category,
                        publish_from=publish_from,
                        publish_until=None,
                    ),
                    author=clerk,
                    attachment=file,
                )
                if state in ("pending", "published"):
                    services.news_item_submit(item=item, by=clerk)
                if state == "published":
                    services.news_item_publish(item=item, by=ward)
                created += 1
            by_title[title] = item
        self.link_demo(by_title, ward)

        today = timezone.localdate()
        issues = 0
        for offset, (title, contents) in enumerate(NEWSLETTER_TOPICS):
            issue_date = add_months(today.replace(day=1), offset - len(NEWSLETTER_TOPICS) + 1)
            fiscal_year = fiscal_year_of(issue_date)
            number = (issue_date.month - 4) % 12 + 1
            if Newsletter.objects.filter(fiscal_year=fiscal_year, issue_number=number).exists():
                continue
            services.newsletter_create(
                data=NewsletterData(
                    issue_number=number,
                    title=title,
                    issue_date=issue_date,
                    contents=contents,
                ),
                pdf=SimpleUploadedFile(
                    "newsletter.pdf",
                    simple_pdf(f"Kyodo Center Newsletter {fiscal_year}-{number:02d} (demo)"),
                    "application/pdf",
                ),
                by=clerk,
            )
            issues += 1
        self.stdout.write(f"お知らせのデモデータ: {created}件、情報紙: {issues}号を追加しました。")

    def link_demo(self, by_title: dict[str, NewsItem], ward: Any) -> None:
        """The maintenance-day news explains the next maintenance closures; the grants news
        points to the grants course."""
        closure_news = by_title[NEWS[0][0]]
        closures = Closure.objects.filter(
            kind=ClosureKind.MAINTENANCE, date__gte=timezone.localdate(), news_item__isnull=True
        ).values_list("pk", flat=True)[:3]
        if closures:
            services.news_item_links_set(
                item=closure_news,
                closure_ids=[*closure_news.closures.values_list("pk", flat=True), *closures],
                event_ids=closure_news.events.values_list("pk", flat=True),
                by=ward,
            )
        grants_news = by_title[NEWS[1][0]]
        events = Event.objects.filter(title__contains="助成金", news_item__isnull=True).values_list(
            "pk", flat=True
        )
        if events:
            services.news_item_links_set(
                item=grants_news,
                closure_ids=grants_news.closures.values_list("pk", flat=True),
                event_ids=[*grants_news.events.values_list("pk", flat=True), *events],
                by=ward,
            )
