"""What each staff role may do with group data (merged by kyodo_center.roles)."""

from kyodo_center.roles import COUNTER_STAFF, WARD_STAFF

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {"groups.group": ("add", "view")},
    # No delete: an application and its decision stay on record.
    WARD_STAFF: {"groups.group": ("add", "change", "view"), "groups.groupevent": ("view",)},
}
