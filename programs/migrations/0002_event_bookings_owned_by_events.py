"""Room bookings made for events are owned by their event (changed only through programs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("facilities", "0006_booking_owner"),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE facilities_booking SET owner = 'event' WHERE id IN "
            "(SELECT booking_id FROM programs_event WHERE booking_id IS NOT NULL)",
            "UPDATE facilities_booking SET owner = 'counter' WHERE owner = 'event'",
        )
    ]
