"""URLs of the consultations app (mounted at /consultations/ by kyodo_center.urls)."""

from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.ConsultationListView.as_view(), name="list"),
    path("new/", views.ConsultationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ConsultationDetailView.as_view(), name="detail"),
    path("referrals/", views.ReferralListView.as_view(), name="referral_list"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="referral_detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/csv/", views.StatisticsCsvView.as_view(), name="statistics_csv"),
]
