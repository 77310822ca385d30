"""The log of who opened residents' personal data (kyodo_center.models.PersonalDataAccess)."""

from __future__ import annotations

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
