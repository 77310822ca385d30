"""What each staff role may do with news items and newsletters (merged by kyodo_center.roles).

Counter and ward staff write news and newsletters; publishing a news item is ward staff's
(``publish_newsitem``), unless NEWS_REQUIRE_REVIEW is off, when news.services lets counter
staff publish too. Nothing is deleted: an item is withdrawn (公開を取り下げる) and its history
stays.
"""

from kyodo_center.roles import COUNTER_STAFF, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "news.newsitem": ("add", "change", "view"),
        "news.newsletter": ("add", "change", "view"),
    },
    WARD_STAFF: {
        "news.newsitem": ("add", "change", "view", "publish"),
        "news.newsletter": ("add", "change", "view"),
    },
}
