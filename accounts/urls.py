"""Sign-in pages (mounted at /accounts/ by kyodo_center.urls)."""

from django.urls import path  # noqa: F401

app_name = "accounts"

urlpatterns: list = []
