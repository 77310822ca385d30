"""Browser journeys reuse the booking fixtures."""

from tests.facilities.conftest import (  # noqa: F401
    booking_day,
    lapsed_group,
    projector,
    registered_group,
    screen,
    upcoming_day,
)
