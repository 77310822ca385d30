"""URLs of the programs app (mounted at /programs/ by kyodo_center.urls)."""

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("events.ics", views.events_ics, name="events_ics"),
    path("registration/<str:token>/", views.registration_page, name="registration"),
    path(
        "registration/<str:token>/cancel/",
        views.registration_cancel_page,
        name="registration_cancel",
    ),
    # Staff (窓口職員・区職員)
    path("staff/", views.StaffEventListView.as_view(), name="staff_events"),
    path("staff/new/", views.EventCreateView.as_view(), name="event_create"),
    path("staff/series/new/", views.SeriesCreateView.as_view(), name="series_create"),
    path("staff/<int:pk>/", views.StaffEventDetailView.as_view(), name="staff_event"),
    path("staff/<int:pk>/edit/", views.EventEditView.as_view(), name="event_edit"),
    path("staff/<int:pk>/cancel/", views.EventCancelView.as_view(), name="event_cancel"),
    path(
        "staff/<int:pk>/register/", views.CounterRegistrationView.as_view(), name="counter_register"
    ),
    path("staff/<int:pk>/roster/", views.RosterView.as_view(), name="roster"),
    path("staff/<int:pk>/roster.csv", views.RosterExportView.as_view(), name="roster_csv"),
    path(
        "staff/<int:pk>/roster.xlsx",
        views.RosterExportView.as_view(file_format="xlsx"),
        name="roster_xlsx",
    ),
    path(
        "staff/registrations/<int:pk>/cancel/",
        views.staff_registration_cancel,
        name="staff_registration_cancel",
    ),
    path(
        "staff/calls/<int:pk>/done/",
        views.PromotionCallDoneView.as_view(),
        name="promotion_call_done",
    ),
]
