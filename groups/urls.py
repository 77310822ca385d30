"""URLs of the groups app (mounted at /groups/ by kyodo_center.urls)."""

from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/done/", views.ApplyDoneView.as_view(), name="apply_done"),
    path("counter/apply/", views.CounterApplyView.as_view(), name="counter_apply"),
    path("counter/apply/done/", views.CounterApplyDoneView.as_view(), name="counter_apply_done"),
    path("bylaws/<int:pk>/", views.bylaws_file, name="bylaws"),
    path("counter/search.json", views.GroupSearchJsonView.as_view(), name="staff_search"),
]
