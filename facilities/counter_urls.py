"""The counter's booking pages (mounted at /counter/bookings/, staff only)."""

from django.urls import path

from facilities import views

app_name = "bookings"

urlpatterns = [
    path("", views.BookingListView.as_view(), name="list"),
    path("grid/", views.BookingGridView.as_view(), name="grid"),
    path("new/", views.BookingCreateView.as_view(), name="create"),
    path("<int:pk>/", views.BookingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.BookingUpdateView.as_view(), name="edit"),
    path("<int:pk>/cancel/", views.BookingCancelView.as_view(), name="cancel"),
    path("<int:pk>/print/", views.BookingPrintView.as_view(), name="print"),
]
