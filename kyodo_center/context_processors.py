from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from kyodo_center.roles import GROUP_MEMBER, OPERATOR, STAFF_ROLES, user_has_role

# Staff pages (the counter, consultations, event administration, counter applications) use the
# whole screen width: the week grid of both rooms needs it at 1366 px. Public pages keep the
# centred reading width.
STAFF_PATH_PREFIXES = ("/counter/", "/consultations/", "/programs/staff/", "/groups/counter/")


# The links of the layout (base.html's menu and footer), as ``{{ links.home }}``: reversed once
# per process (and script prefix) rather than on every page (16 reverses, ~0.26 ms a page here;
# a cached counter grid takes ~2.5 ms in all).
LAYOUT_LINKS = {
    "home": "home",
    "availability": "facilities:availability_month",
    "events": "programs:event_list",
    "groups": "groups:directory",
    "counter": "counter:dashboard",
    "mypage": "mypage:index",
    "referrals": "consultations:referral_list",
    "admin": "admin:index",
    "security": "accounts:security",
    "login": "login",
    "logout": "logout",
    "news": "news:list",
    "newsletters": "news:newsletter_list",
    "lottery": "facilities:lottery_list",
    "opendata": "opendata:index",
    "coordination": "coordination:board",
}


@functools.lru_cache(maxsize=16)
def layout_links(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in LAYOUT_LINKS.items()}


@receiver(setting_changed)
def forget_layout_links(*, setting: str, **kwargs: Any) -> None:
    """A test that swaps the URLconf gets links of its own."""
    if setting == "ROOT_URLCONF":
        layout_links.cache_clear()


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    staff_page = request.path.startswith(STAFF_PATH_PREFIXES)
    return {
        "CENTRE_NAME": settings.CENTRE_NAME,
        "links": layout_links(get_script_prefix(), get_urlconf()),
        "layout_container": "container-fluid px-3 px-xl-4" if staff_page else "container",
        "staff_page": staff_page,  # base.html adds static/css/staff.css
        "user_is_centre_staff": user is not None and user_has_role(user, *STAFF_ROLES),
        "user_is_operator": user is not None and user_has_role(user, OPERATOR),
        "user_is_group_member": user is not None and user_has_role(user, GROUP_MEMBER),
    }
