"""What each staff role may do with the e-mail outbox (merged by kyodo_center.roles)."""

from kyodo_center.roles import VIEW, WARD_STAFF

# Read-only: notices are written by the services that send them and by the worker.
ROLE_PERMISSIONS = {WARD_STAFF: {"notices.notice": VIEW}}
