"""URLs of the programs app (mounted at /programs/ by kyodo_center.urls)."""

app_name = "programs"

urlpatterns: list = []
