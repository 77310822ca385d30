"""Counter pages for the centre's resources (mounted at /counter/resources/)."""

app_name = "resources"

urlpatterns: list = []
