from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kyodo_center.roles import GROUP_MEMBER, OPERATOR, STAFF_ROLES, user_has_role

# Staff pages (the counter, consultations, event administration, counter applications) use the
# whole screen width: the week grid of both rooms needs it at 1366 px. Public pages keep the
# centred reading width.
STAFF_PATH_PREFIXES = ("/counter/", "/consultations/", "/programs/staff/", "/groups/counter/")


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    staff_page = request.path.startswith(STAFF_PATH_PREFIXES)
    return {
        "CENTRE_NAME": settings.CENTRE_NAME,
        "layout_container": "container-fluid px-3 px-xl-4" if staff_page else "container",
        "staff_page": staff_page,  # base.html adds static/css/staff.css
        "user_is_centre_staff": user is not None and user_has_role(user, *STAFF_ROLES),
        "user_is_operator": user is not None and user_has_role(user, OPERATOR),
        "user_is_group_member": user is not None and user_has_role(user, GROUP_MEMBER),
    }
