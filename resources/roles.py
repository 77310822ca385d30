"""What each staff role may do with the centre's resources (merged by kyodo_center.roles)."""

from kyodo_center.roles import COUNTER_STAFF, EVERYTHING, VIEW, WARD_STAFF

# Uses, assignments, waiting lists and display items are written at the counter through
# resources.services; the admin only shows them. Ward staff set up machines, boxes and places.
ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "resources.officemachine": VIEW,
        "resources.machineuse": VIEW,
        "resources.machinequeueentry": VIEW,
        "resources.mailbox": VIEW,
        "resources.mailboxassignment": VIEW,
        "resources.mailboxallowance": VIEW,
        "resources.mailboxwaitlistentry": VIEW,
        "resources.displayplace": VIEW,
        "resources.displayitem": VIEW,
    },
    WARD_STAFF: {
        "resources.officemachine": EVERYTHING,
        "resources.machineuse": VIEW,
        "resources.machinequeueentry": VIEW,
        "resources.mailbox": EVERYTHING,
        "resources.mailboxassignment": VIEW,
        "resources.mailboxallowance": EVERYTHING,
        "resources.mailboxwaitlistentry": VIEW,
        "resources.displayplace": EVERYTHING,
        "resources.displayitem": VIEW,
    },
}
