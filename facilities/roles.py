"""What each staff role may do with facilities data (merged by kyodo_center.roles)."""

from kyodo_center.roles import COUNTER_STAFF, EVERYTHING, VIEW, WARD_STAFF

# Bookings are written through the counter pages (facilities.services), never in the admin.
BOOKING = ("add", "change", "view")

ROLE_PERMISSIONS = {
    COUNTER_STAFF: {
        "facilities.facility": VIEW,
        "facilities.room": VIEW,
        "facilities.closure": VIEW,
        "facilities.displayblock": VIEW,
        "facilities.equipment": VIEW,
        "facilities.booking": BOOKING,
        "facilities.equipmentloan": BOOKING,
        "facilities.bookingseries": BOOKING,
        "facilities.waitingentry": VIEW,
        "facilities.lotteryround": VIEW,
        "facilities.lotteryexcludedday": VIEW,
        "facilities.lotterydraw": VIEW,
    },
    WARD_STAFF: {
        "facilities.facility": EVERYTHING,
        "facilities.room": EVERYTHING,
        "facilities.closure": EVERYTHING,
        "facilities.displayblock": EVERYTHING,
        "facilities.equipment": EVERYTHING,
        "facilities.booking": BOOKING,
        "facilities.equipmentloan": BOOKING,
        "facilities.bookingseries": BOOKING,
        "facilities.waitingentry": VIEW,
        # Rounds are shifted and drawn in the admin (services/lottery.py); a draw is a record.
        "facilities.lotteryround": EVERYTHING,
        "facilities.lotteryexcludedday": EVERYTHING,
        "facilities.lotterydraw": VIEW,
    },
}
