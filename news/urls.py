"""Public URLs of the news app (mounted at /news/ by kyodo_center.urls)."""

from django.urls import path

from news import views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("feed/", views.news_feed, name="feed"),
    path("<int:pk>/", views.news_detail, name="detail"),
    path("<int:pk>/attachment/", views.news_attachment, name="attachment"),
    path("newsletters/", views.newsletter_list, name="newsletter_list"),
    path("newsletters/<int:pk>/", views.newsletter_detail, name="newsletter_detail"),
    path("newsletters/<int:pk>/pdf/", views.newsletter_pdf, name="newsletter_pdf"),
]
