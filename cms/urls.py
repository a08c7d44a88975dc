"""Site-wide pages that are not Wagtail pages: search."""

app_name = "cms"

urlpatterns: list = []
