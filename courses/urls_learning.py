"""URLs of the learning flow: enrol, lesson completion, video progress, notes, media."""

urlpatterns: list = []
