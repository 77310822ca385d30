"""URLs of the consultations app (mounted at /consultations/ by kyodo_center.urls)."""

app_name = "consultations"

urlpatterns: list = []
