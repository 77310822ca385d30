"""URLs of the coordination board (mounted at /kyodo/ by kyodo_center.urls): the public board
and a group account's own posts."""

from django.urls import path

from coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.post_detail, name="detail"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    # A group account's own posts (linked from マイページ)
    path("group/new/", views.GroupPostCreateView.as_view(), name="group_post_new"),
    path("group/<int:pk>/", views.GroupPostDetailView.as_view(), name="group_post"),
    path("group/<int:pk>/edit/", views.GroupPostEditView.as_view(), name="group_post_edit"),
    path("group/<int:pk>/submit/", views.GroupPostSubmitView.as_view(), name="group_post_submit"),
    path("group/<int:pk>/close/", views.GroupPostCloseView.as_view(), name="group_post_close"),
]
