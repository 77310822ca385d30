"""What each role may do with accounts data (merged by kyodo_center.roles).

Ward staff hold the yearly access review: they read every account, the sign-in log and the
signed-in sessions in the admin, and (``change`` of the review) deactivate accounts and reset
second factors from there. Nobody edits the log or the sessions in the admin.
"""

from kyodo_center.roles import VIEW, WARD_STAFF

ROLE_PERMISSIONS = {
    WARD_STAFF: {
        "accounts.accountreview": ("view", "change"),
        "accounts.signinevent": VIEW,
        "accounts.usersession": VIEW,
    },
}
