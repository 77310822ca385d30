"""Pages of the news app. Thin: parse input, call one service or selector, render.

Public (cached under the content version "news", in buckets of a minute so that an item whose
period starts or ends shows or goes within a minute): the news list with its category filter,
an item, its attachment, the Atom feed, the newsletter archive, an issue and its PDF.
Staff (窓口職員・区職員, /counter/news/): the list with states, the form with a preview of the
rendered text, 確認依頼 / 公開 / 差し戻し / 公開の取り下げ, and the newsletters.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.files.storage import Storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views import View
from django.views.decorators.http import require_safe

from groups.services import sniff_upload_type
from kyodo_center.cache import public_page_cache
from kyodo_center.history import history_for
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin
from news import selectors, services
from news.forms import NewsItemForm, NewsletterForm, default_publish_from
from news.markup import render_markdown
from news.models import ATTACHMENT_EXTENSIONS, NewsCategory, NewsItem, Newsletter, NewsStatus
from news.services import NewsError

PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
# Pages whose content depends on the clock (an item's period starts or ends) are cached per
# minute on top of the content version.
CLOCK_BUCKET = 60
BAD_CATEGORY = "分類の指定が正しくありません。一覧から選んでください。"


def centre_name() -> str:
    return getattr(settings, "CENTRE_NAME", "区民協働交流センター")


# --- Public: news -------------------------------------------------------------------------------
@require_safe
@public_page_cache("news", seconds_bucket=CLOCK_BUCKET)
def news_list(request: HttpRequest) -> HttpResponse:
    try:
        category = selectors.parse_category(request.GET.get("category"))
    except selectors.BadCategory:
        return render(
            request,
            "news/bad_request.html",
            {"message": BAD_CATEGORY, "back": reverse("news:list")},
            status=400,
        )
    page = Paginator(selectors.public_news(now=timezone.now(), category=category), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "categories": NewsCategory.choices,
            "category": category or "",
            "category_label": NewsCategory(category).label if category else "",
            "query": f"category={category}" if category else "",
        },
    )


@require_safe
@public_page_cache("news", seconds_bucket=CLOCK_BUCKET)
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.public_news_item(pk, now=timezone.now())
    return render(request, "news/detail.html", {"item": item, "body": render_markdown(item.body)})


def serve_private_file(
    storage: Storage, name: str, *, download_name: str, public: bool
) -> FileResponse:
    """A stored file with the type sniffed from its bytes (never its name), under a name we
    choose, unable to run anything in the browser."""
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("ファイルが見つかりません。") from None
    head = handle.read(16)
    handle.seek(0)
    content_type = sniff_upload_type(head) or "application/octet-stream"
    extension = ATTACHMENT_EXTENSIONS.get(content_type, ".bin")
    response = FileResponse(
        handle,
        content_type=content_type,
        filename=f"{download_name}{extension}",
        as_attachment=content_type not in ATTACHMENT_EXTENSIONS,
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if not public:
        response["Cache-Control"] = "private, no-store"  # a staff preview of what is not public
    return response


@require_safe
def news_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A public item's attachment; staff may also open those of items not (yet) public."""
    item = selectors.news_item_for_file(pk)
    if item is None or not item.attachment:
        raise Http404("添付ファイルが見つかりません。")
    public = item.is_public_now
    if not public and not services.may_write(request.user):
        raise Http404("添付ファイルが見つかりません。")
    return serve_private_file(
        item.attachment.storage,
        item.attachment.name,
        download_name=f"news-{item.pk}",
        public=public,
    )


class NewsFeed(Feed):
    """/news/feed/: the newest public items as Atom (Django's syndication framework)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{centre_name()} お知らせ"

    def subtitle(self) -> str:
        return (
            f"{centre_name()}（練馬区）からのお知らせ：協働施策、助成金・支援制度、募集、休館など"
        )

    def link(self) -> str:
        return reverse("news:list")

    def author_name(self) -> str:
        return centre_name()

    def items(self) -> list[NewsItem]:
        return selectors.feed_news(now=timezone.now())

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        return render_markdown(item.body)

    def item_link(self, item: NewsItem) -> str:
        return reverse("news:detail", args=[item.pk])

    def item_pubdate(self, item: NewsItem) -> Any:
        return item.publish_from

    def item_updateddate(self, item: NewsItem) -> Any:
        return item.updated_at

    def item_categories(self, item: NewsItem) -> tuple[str, ...]:
        return (str(NewsCategory(item.category).label),)


news_feed = require_safe(public_page_cache("news", seconds_bucket=CLOCK_BUCKET)(NewsFeed()))


# --- Public: newsletters ------------------------------------------------------------------------
@require_safe
@public_page_cache("news")
def newsletter_list(request: HttpRequest) -> HttpResponse:
    years = selectors.public_newsletters(today=timezone.localdate())
    return render(request, "news/newsletter_list.html", {"years": years})


@require_safe
@public_page_cache("news")
def newsletter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = selectors.public_newsletter(pk, today=timezone.localdate())
    return render(
        request,
        "news/newsletter_detail.html",
        {"newsletter": newsletter, "contents": render_markdown(newsletter.contents)},
    )


@require_safe
def newsletter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = Newsletter.objects.filter(pk=pk).first()
    if newsletter is None:
        raise Http404("情報紙が見つかりません。")
    public = selectors.newsletter_is_public(newsletter, today=timezone.localdate())
    if not public and not services.may_write(request.user):
        raise Http404("情報紙が見つかりません。")
    return serve_private_file(
        newsletter.pdf.storage,
        newsletter.pdf.name,
        download_name=f"newsletter-{newsletter.fiscal_year}-{newsletter.issue_number:02d}",
        public=public,
    )


# --- Staff: news --------------------------------------------------------------------------------
class StaffView(RoleRequiredMixin, View):
    allowed_roles = STAFF_ROLES


class StaffNewsListView(StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status") or None
        if status not in (None, *NewsStatus.values):
            status = None  # an unknown filter shows everything rather than failing
        page = Paginator(selectors.staff_news(status=status), STAFF_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "news/staff/list.html",
            {
                "page": page,
                "status": status or "",
                "statuses": NewsStatus.choices,
                "review_required": services.review_required(),
                "may_publish": services.may_publish(request.user),
                "now": timezone.now(),
            },
        )


class NewsFormMixin:
    request: HttpRequest

    def form_for(self, item: NewsItem | None, data: Any = None, files: Any = None) -> NewsItemForm:
        now = timezone.now()
        closures = selectors.linkable_closures(today=timezone.localdate(), item=item)
        events = selectors.linkable_events(now=now, item=item)
        initial: dict[str, Any] = {"publish_from": default_publish_from()}
        if item is not None:
            initial = {
                "title": item.title,
                "category": item.category,
                "body": item.body,
                "publish_from": timezone.localtime(item.publish_from),
                "publish_until": item.publish_until and timezone.localtime(item.publish_until),
                "closures": [c.pk for c in closures if c.news_item_id == item.pk],
                "events": [e.pk for e in events if e.news_item_id == item.pk],
            }
        return NewsItemForm(
            data,
            files,
            initial=initial,
            closures=closures,
            events=events,
            has_attachment=bool(item and item.attachment),
        )

    def render_form(
        self,
        item: NewsItem | None,
        form: NewsItemForm,
        *,
        status: int = 200,
        preview: Any = None,
        error: str = "",
    ) -> HttpResponse:
        user = self.request.user
        context = {
            "item": item,
            "form": form,
            "preview": preview,
            "error": error,
            "review_required": services.review_required(),
            "may_publish": services.may_publish(user),
            "heading": f"お知らせの編集（{item.title}）" if item else "お知らせの作成",
        }
        if item is not None:
            context["history"] = history_for(item)
            context["locked_for_me"] = (
                item.status == NewsStatus.PUBLISHED and not services.may_publish(user)
            )
        return render(self.request, "news/staff/form.html", context, status=status)

    def save_links(self, item: NewsItem, form: NewsItemForm) -> None:
        if "closures" in form.fields or "events" in form.fields:
            services.news_item_links_set(
                item=item,
                closure_ids=form.cleaned_data.get("closures") or [],
                event_ids=form.cleaned_data.get("events") or [],
                by=self.request.user,
            )


class NewsCreateView(NewsFormMixin, StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(None, self.form_for(None))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_for(None, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(None, form, status=400)
        if "preview" in request.POST:
            return self.render_form(None, form, preview=render_markdown(form.cleaned_data["body"]))
        try:
            item = services.news_item_create(
                data=form.news_data(),
                author=request.user,
                attachment=form.cleaned_data.get("attachment"),
            )
            self.save_links(item, form)
        except NewsError as error:
            form.add_error(None, str(error))
            return self.render_form(None, form, status=409)
        messages.success(request, f"「{item.title}」を下書きとして保存しました。")
        return redirect("news_staff:edit", pk=item.pk)


class NewsEditView(NewsFormMixin, StaffView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = selectors.staff_news_item(pk)
        return self.render_form(item, self.form_for(item))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = selectors.staff_news_item(pk)
        form = self.form_for(item, request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(item, form, status=400)
        if "preview" in request.POST:
            return self.render_form(item, form, preview=render_markdown(form.cleaned_data["body"]))
        try:
            item = services.news_item_update(
                item=item,
                data=form.news_data(),
                updated_by=request.user,
                attachment=form.cleaned_data.get("attachment"),
                remove_attachment=bool(form.cleaned_data.get("remove_attachment")),
            )
            self.save_links(item, form)
        except NewsError as error:
            form.add_error(None, str(error))
            # Also above the form: a published item locked for this user shows no form.
            return self.render_form(
                selectors.staff_news_item(pk), form, status=409, error=str(error)
            )
        messages.success(request, f"「{item.title}」を保存しました。")
        return redirect("news_staff:edit", pk=item.pk)


class NewsActionView(NewsFormMixin, StaffView):
    """One-click state changes (POST only): 確認依頼, 公開, 差し戻し, 公開の取り下げ."""

    action = ""
    done = {
        "submit": "確認を依頼しました。区職員が確認して公開します。",
        "publish": "公開しました。",
        "return": "差し戻しました（下書きに戻りました）。",
        "unpublish": "公開を取り下げました（下書きに戻りました）。",
    }

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = selectors.staff_news_item(pk)
        user = request.user
        if self.action in ("publish", "return") and not services.may_publish(user):
            raise PermissionDenied("公開と差し戻しは区職員が行います。")
        service = {
            "submit": services.news_item_submit,
            "publish": services.news_item_publish,
            "return": services.news_item_return,
            "unpublish": services.news_item_unpublish,
        }[self.action]
        try:
            item = service(item=item, by=user)
        except NewsError as error:
            return self.render_form(item, self.form_for(item), status=409, error=str(error))
        messages.success(request, f"「{item.title}」：{self.done[self.action]}")
        return redirect("news_staff:edit", pk=item.pk)


# --- Staff: newsletters -------------------------------------------------------------------------
class StaffNewsletterListView(StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.staff_newsletters(), STAFF_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "news/staff/newsletter_list.html",
            {"page": page, "today": timezone.localdate()},
        )


class NewsletterFormMixin:
    request: HttpRequest

    def render_form(
        self, newsletter: Newsletter | None, form: NewsletterForm, *, status: int = 200
    ) -> HttpResponse:
        context = {
            "newsletter": newsletter,
            "form": form,
            "heading": f"情報紙の編集（{newsletter}）" if newsletter else "情報紙の登録",
            "today": timezone.localdate(),
        }
        if newsletter is not None:
            context["history"] = history_for(newsletter)
        return render(self.request, "news/staff/newsletter_form.html", context, status=status)


class NewsletterCreateView(NewsletterFormMixin, StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(None, NewsletterForm(initial={"issue_date": timezone.localdate()}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NewsletterForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(None, form, status=400)
        try:
            newsletter = services.newsletter_create(
                data=form.newsletter_data(), pdf=form.cleaned_data["pdf"], by=request.user
            )
        except NewsError as error:
            form.add_error(None, str(error))
            return self.render_form(None, form, status=409)
        messages.success(request, f"{newsletter}を登録しました。")
        return redirect("news_staff:newsletter_edit", pk=newsletter.pk)


class NewsletterEditView(NewsletterFormMixin, StaffView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        newsletter = selectors.staff_newsletter(pk)
        form = NewsletterForm(
            initial={
                "issue_date": newsletter.issue_date,
                "issue_number": newsletter.issue_number,
                "title": newsletter.title,
                "contents": newsletter.contents,
                "is_public": newsletter.is_public,
            },
            pdf_required=False,
        )
        return self.render_form(newsletter, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        newsletter = selectors.staff_newsletter(pk)
        form = NewsletterForm(request.POST, request.FILES, pdf_required=False)
        if not form.is_valid():
            return self.render_form(newsletter, form, status=400)
        try:
            newsletter = services.newsletter_update(
                newsletter=newsletter,
                data=form.newsletter_data(),
                pdf=form.cleaned_data.get("pdf"),
                by=request.user,
            )
        except NewsError as error:
            form.add_error(None, str(error))
            return self.render_form(newsletter, form, status=409)
        messages.success(request, f"{newsletter}を保存しました。")
        return redirect("news_staff:newsletter_edit", pk=newsletter.pk)
