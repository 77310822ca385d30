"""What each staff role may do with facilities data (merged by kyodo_center.roles)."""

from kyodo_center.roles import COUNTER_STAFF, EVERYTHING, VIEW, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "facilities.facility": VIEW,
        "facilities.room": VIEW,
        "facilities.closure": VIEW,
    },
    WARD_STAFF: {
        "facilities.facility": EVERYTHING,
        "facilities.room": EVERYTHING,
        "facilities.closure": EVERYTHING,
    },
}
