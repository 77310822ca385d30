"""URLs of the groups app (mounted at /groups/ by kyodo_center.urls)."""

app_name = "groups"

urlpatterns: list = []
