from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kyodo_center.roles import OPERATOR, STAFF_ROLES, user_has_role


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "CENTRE_NAME": settings.CENTRE_NAME,
        "user_is_centre_staff": user is not None and user_has_role(user, *STAFF_ROLES),
        "user_is_operator": user is not None and user_has_role(user, OPERATOR),
    }
