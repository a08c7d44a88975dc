"""URLs of this area; records/urls.py joins them."""

urlpatterns: list = []
