"""マイページ (mounted at /mypage/ by kyodo_center.urls)."""

from django.urls import path

from groups import mypage

app_name = "mypage"

urlpatterns = [
    path("", mypage.MyPageView.as_view(), name="index"),
    path("calendar/reset/", mypage.CalendarResetView.as_view(), name="calendar_reset"),
    path("profile/", mypage.ProfileView.as_view(), name="profile"),
]
