"""Public facilities pages (mounted at /facilities/)."""

from django.urls import path, re_path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("availability/", views.availability_month, name="availability_month"),
    # \d also matches full-width digits, which the view normalises.
    re_path(
        r"^availability/(?P<day>\d{4}-\d{1,2}-\d{1,2})/$",
        views.availability_day,
        name="availability_day",
    ),
]
