"""The counter's booking pages (mounted at /counter/bookings/, staff only)."""

from django.urls import path

from facilities import lottery_counter, series_views, views

app_name = "bookings"

urlpatterns = [
    path("", views.BookingListView.as_view(), name="list"),
    path("grid/", views.BookingGridView.as_view(), name="grid"),
    path("new/", views.BookingCreateView.as_view(), name="create"),
    path("<int:pk>/", views.BookingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.BookingUpdateView.as_view(), name="edit"),
    path("<int:pk>/cancel/", views.BookingCancelView.as_view(), name="cancel"),
    path("<int:pk>/print/", views.BookingPrintView.as_view(), name="print"),
    # 定期利用 (recurring bookings)
    path("series/new/", series_views.SeriesCreateView.as_view(), name="series_create"),
    path("series/<int:pk>/", series_views.SeriesDetailView.as_view(), name="series_detail"),
    path("series/<int:pk>/edit/", series_views.SeriesUpdateView.as_view(), name="series_edit"),
    path("series/<int:pk>/cancel/", series_views.SeriesCancelView.as_view(), name="series_cancel"),
    path("requests/", views.OnlineRequestListView.as_view(), name="requests"),
    path("<int:pk>/confirm/", views.RequestConfirmView.as_view(), name="confirm"),
    path("<int:pk>/refuse/", views.RequestRefuseView.as_view(), name="refuse"),
    # 抽選: applications for groups that phone or visit, and wins confirmed by telephone
    path("lottery/", lottery_counter.CounterLotteryView.as_view(), name="lottery"),
    path(
        "<int:pk>/lottery-confirm/",
        lottery_counter.CounterLotteryConfirmView.as_view(),
        name="lottery_confirm",
    ),
]
