from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from kyodo_center import views

admin.site.site_header = "区民協働交流センター 管理"
admin.site.site_title = "区民協働交流センター 管理"
admin.site.index_title = "管理メニュー"

counter_patterns = (
    [
        path("", views.CounterDashboardView.as_view(), name="dashboard"),
    ],
    "counter",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("counter/", include(counter_patterns)),
    path("counter/bookings/", include("facilities.counter_urls")),
    path("counter/resources/", include("resources.urls")),
    path("counter/kyodo/", include("coordination.counter_urls")),
    path("counter/news/", include("news.staff_urls")),
    path("counter/reports/", include("reports.urls")),
    path("facilities/", include("facilities.urls")),
    # The password step; the second step and enrolment follow under accounts/ (accounts.urls).
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    # Group accounts: the invitation link and a forgotten password (no namespace: Django's
    # auth views reverse these names as they are).
    path("accounts/", include("groups.account_urls")),
    path("groups/", include("groups.urls")),
    path("mypage/", include("groups.mypage_urls")),
    path("programs/", include("programs.urls")),
    path("kyodo/", include("coordination.urls")),
    path("news/", include("news.urls")),
    path("opendata/", include("opendata.urls")),
    path("consultations/", include("consultations.urls")),
    path("admin/", admin.site.urls),
]
