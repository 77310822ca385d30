"""The log of who opened residents' personal data (kyodo_center.models.PersonalDataAccess)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kyodo_center.models import PersonalDataAccess, PersonalDataAction


def log_personal_data_access(
    request: HttpRequest, *, record: str, action: str = PersonalDataAction.VIEW
) -> PersonalDataAccess:
    """Append one line: the logged-in user, what they opened (e.g. "予約 #12") and how."""
    user = request.user if request.user.is_authenticated else None
    return PersonalDataAccess.objects.create(
        user=user,
        username=user.get_username() if user else "（匿名）",
        action=action,
        record=record[:200],
        path=request.get_full_path()[:500],
    )


def log_personal_data_list(request: HttpRequest, *, listed: str, search: str = "") -> None:
    """One line per page view of a list that shows residents' names or contacts (not one per
    row): what was listed and the search typed, e.g. "予約一覧（検索: 山田）"."""
    search = " ".join(search.split())
    record = f"{listed}（検索: {search[:80]}）" if search else listed
    log_personal_data_access(request, record=record)


class PersonalDataChangelistMixin:
    """For the ModelAdmin of a model whose change list shows names or contacts: each view of
    the list (search and filters included) writes one line to the personal-data access log."""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None):
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200:
            opts = self.model._meta  # type: ignore[attr-defined]
            log_personal_data_list(
                request,
                listed=f"管理画面 {opts.verbose_name_plural}一覧",
                search=request.GET.get("q", ""),
            )
        return response
