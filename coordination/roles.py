"""What each staff role may do with the coordination board's data (merged by kyodo_center.roles).

Posts, responses and outcomes are written through coordination.services, on the counter's
pages (/counter/kyodo/); the admin only shows them (with their 履歴). Responses hold the
responders' personal data: the admin's list of them writes the personal-data log.
"""

from kyodo_center.roles import COUNTER_STAFF, VIEW, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "coordination.post": VIEW,
        "coordination.response": VIEW,
        "coordination.outcome": VIEW,
    },
    WARD_STAFF: {
        "coordination.post": VIEW,
        "coordination.response": VIEW,
        "coordination.outcome": VIEW,
    },
}
