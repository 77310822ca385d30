"""Staff URLs of the news app (窓口職員・区職員; mounted at /counter/news/ by kyodo_center.urls)."""

from django.urls import path

from news import views

app_name = "news_staff"

urlpatterns = [
    path("", views.StaffNewsListView.as_view(), name="list"),
    path("new/", views.NewsCreateView.as_view(), name="create"),
    path("<int:pk>/", views.NewsEditView.as_view(), name="edit"),
    path("<int:pk>/submit/", views.NewsActionView.as_view(action="submit"), name="submit"),
    path("<int:pk>/publish/", views.NewsActionView.as_view(action="publish"), name="publish"),
    path("<int:pk>/return/", views.NewsActionView.as_view(action="return"), name="return"),
    path("<int:pk>/unpublish/", views.NewsActionView.as_view(action="unpublish"), name="unpublish"),
    path("newsletters/", views.StaffNewsletterListView.as_view(), name="newsletters"),
    path("newsletters/new/", views.NewsletterCreateView.as_view(), name="newsletter_create"),
    path("newsletters/<int:pk>/", views.NewsletterEditView.as_view(), name="newsletter_edit"),
]
