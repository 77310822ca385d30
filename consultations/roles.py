"""What each role may do with consultations data (merged by kyodo_center.roles).

Consultation records themselves are not in the admin: they are read and changed only through
the pages, which scope them by role and write the access log.
"""

from kyodo_center.roles import COUNTER_STAFF, EVERYTHING, OPERATOR, VIEW, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "consultations.consultation": ("add", "change", "view"),
        "consultations.referral": ("add", "view"),
        "consultations.expertbooking": ("add", "view"),
        "consultations.expertsession": VIEW,
        "consultations.topic": VIEW,
        "consultations.operatororganisation": VIEW,
    },
    WARD_STAFF: {
        "consultations.consultation": ("add", "change", "view"),
        "consultations.referral": ("add", "view"),
        "consultations.expertbooking": ("add", "view"),
        "consultations.expertsession": EVERYTHING,
        "consultations.topic": EVERYTHING,
        "consultations.operatororganisation": EVERYTHING,
        "consultations.operatormembership": EVERYTHING,
        "consultations.retentionsetting": ("change", "view"),
        # Read only: the admin offers no add/change/delete and the database refuses them.
        "consultations.accesslog": VIEW,
    },
    OPERATOR: {
        "consultations.referral": ("change", "view"),
    },
}
