"""URLs of the groups app (mounted at /groups/ by kyodo_center.urls)."""

from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/done/", views.ApplyDoneView.as_view(), name="apply_done"),
    path("counter/apply/", views.CounterApplyView.as_view(), name="counter_apply"),
    path("counter/apply/done/", views.CounterApplyDoneView.as_view(), name="counter_apply_done"),
    path("bylaws/<int:pk>/", views.bylaws_file, name="bylaws"),
    path("counter/search.json", views.GroupSearchJsonView.as_view(), name="staff_search"),
    # 団体紹介: proposals from マイページ waiting for the counter (確認待ち → 公開 / 差戻し)
    path("counter/profiles/", views.ProfileQueueView.as_view(), name="profile_queue"),
    path("counter/profiles/<int:pk>/", views.ProfileReviewView.as_view(), name="profile_review"),
]
