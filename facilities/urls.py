"""Public facilities pages (mounted at /facilities/)."""

from django.urls import path, re_path

from facilities import mypage, views

app_name = "facilities"

urlpatterns = [
    path("availability/", views.availability_month, name="availability_month"),
    # \d also matches full-width digits, which the view normalises.
    re_path(
        r"^availability/(?P<day>\d{4}-\d{1,2}-\d{1,2})/$",
        views.availability_day,
        name="availability_day",
    ),
    # A registered group's own pages (signed in as its group account).
    path("requests/new/", mypage.OnlineRequestView.as_view(), name="request_new"),
    path("requests/<int:pk>/", mypage.RequestDoneView.as_view(), name="request_done"),
    path(
        "requests/<int:pk>/cancel/", mypage.GroupBookingCancelView.as_view(), name="request_cancel"
    ),
    path("waiting/new/", mypage.WaitingEntryCreateView.as_view(), name="waiting_new"),
    path(
        "waiting/<int:pk>/withdraw/",
        mypage.WaitingEntryWithdrawView.as_view(),
        name="waiting_withdraw",
    ),
    path("calendar/<uuid:token>.ics", mypage.group_calendar, name="group_calendar"),
]
