"""Answer with a clear 503 page, not a 500, while the database is unreachable."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils import translation

logger = logging.getLogger(__name__)

# Seconds the browser (or a client of the API) is asked to wait.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)
# Set on the 500 response by the security middlewares; the 503 keeps them.
KEPT_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Content-Security-Policy",
)


def _note_database_error(sender, request=None, **kwargs):
    """Mark the request whose uncaught exception was a lost database."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, UNAVAILABLE):
        request._lianxin_database_unavailable = True


got_request_exception.connect(
    _note_database_error, dispatch_uid="lms.middleware.database_unavailable"
)


def unavailable_page(request) -> str:
    """The 503 page, rendered without touching the database.

    No request is passed to the template, so no context processor runs (they
    read the user and the notifications from the database).
    """
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    with translation.override(language):
        return get_template("503.html").render({})


class DatabaseUnavailableMiddleware:
    """Turn a lost or refused database connection into a 503 page.

    Django turns any uncaught exception, in a view or in a middleware, into a
    500 response on the spot; a signal receiver marks the requests where that
    exception was a database OperationalError or InterfaceError, and this
    middleware (first in MIDDLEWARE, so it sees every response) rewrites those
    into a 503 with Retry-After. The failed request's transaction was rolled
    back, so nothing of it was saved, as the page says. The connection was
    marked unusable and is closed at the end of the request; with
    CONN_HEALTH_CHECKS the next request opens a new one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_lianxin_database_unavailable", False):
            logger.warning("Database unavailable: answered %s with 503.", request.path)
            failed, response = (
                response,
                HttpResponse(
                    unavailable_page(request),
                    status=503,
                    content_type="text/html; charset=utf-8",
                ),
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response["Cache-Control"] = "no-store"
            for header in KEPT_HEADERS:
                if header in failed:
                    response[header] = failed[header]
        return response
