"""Pages that belong to the centre as a whole: the public home page and the counter dashboard."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from facilities.selectors import facility_summaries
from kyodo_center.panels import collect_panels
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["facilities"] = facility_summaries(today=today)
        context["panels"] = collect_panels("home", self.request, today)
        return context


class CounterDashboardView(RoleRequiredMixin, TemplateView):
    """窓口職員 and 区職員 only: today's summary at the counter."""

    allowed_roles = STAFF_ROLES
    template_name = "counter/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["facilities"] = facility_summaries(today=today, closure_limit=3)
        context["panels"] = collect_panels("counter", self.request, today)
        return context
