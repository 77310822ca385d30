"""The counter's coordination pages (mounted at /counter/kyodo/, staff only)."""

from django.urls import path

from coordination import counter_views as views

app_name = "kyodo_counter"

urlpatterns = [
    path("", views.CounterIndexView.as_view(), name="index"),
    path("new/", views.StaffPostCreateView.as_view(), name="post_new"),
    path("stats/", views.StatisticsView.as_view(), name="stats"),
    path("<int:pk>/", views.StaffPostDetailView.as_view(), name="post"),
    path("<int:pk>/edit/", views.StaffPostEditView.as_view(), name="post_edit"),
    path("<int:pk>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("<int:pk>/responses/", views.ResponsesView.as_view(), name="responses"),
]
