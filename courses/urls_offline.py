"""URLs of offline sessions: list, registration, check-in, the organiser's screen."""

urlpatterns: list = []
