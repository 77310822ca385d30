"""What each staff role may do with programs data (merged by kyodo_center.roles).

Events and registrations are written through programs.services (staff pages and the admin);
counter staff register callers and record attendance, ward staff manage the events.
"""

from kyodo_center.roles import COUNTER_STAFF, EVERYTHING, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "programs.event": ("add", "change", "view"),
        "programs.eventseries": ("add", "view"),
        "programs.registration": ("add", "change", "view"),
        "programs.promotioncall": ("change", "view"),  # 要連絡 → 連絡済 (the service)
    },
    WARD_STAFF: {
        "programs.event": ("add", "change", "view"),
        "programs.eventseries": EVERYTHING,
        "programs.registration": ("add", "change", "view"),
        "programs.promotioncall": ("change", "view"),
    },
}
