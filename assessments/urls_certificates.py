"""URLs of this area; assessments/urls.py joins them."""

urlpatterns: list = []
