"""Pages that belong to the centre as a whole: the public home page and the counter dashboard."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from kyodo_center.cache import public_page_cache
from kyodo_center.panels import collect_panels
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin


# The first page every visitor opens: closures follow "availability", the next events
# "programs", the latest news and newsletter "news"; the minute bucket drops an event from the
# list once it has started (and shows a news item once its period starts).
@method_decorator(
    public_page_cache("availability", "programs", "news", seconds_bucket=60), name="dispatch"
)
class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["panels"] = collect_panels("home", self.request, today)
        return context


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and crawlers ask for whatever the page links: the icon
    in static/ (a temporary redirect, so a new icon's hashed name is picked up)."""
    return redirect(static("favicon.ico"))


class CounterDashboardView(RoleRequiredMixin, TemplateView):
    """窓口職員 and 区職員 only: today's summary at the counter."""

    allowed_roles = STAFF_ROLES
    template_name = "counter/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["panels"] = collect_panels("counter", self.request, today)
        return context
