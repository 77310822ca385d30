"""Account tests reuse the booking fixtures (a registered group for a group account)."""

from tests.facilities.conftest import registered_group  # noqa: F401
