"""Stable addresses of the open datasets (linked from every page's footer)."""

from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("events.csv", views.events_csv, name="events_csv"),
    path("facilities.csv", views.facilities_csv, name="facilities_csv"),
    path("availability.csv", views.availability_csv, name="availability_csv"),
    path("availability.json", views.availability_json, name="availability_json"),
]
