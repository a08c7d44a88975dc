from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import roles


def role_required(*role_keys: str):
    """Only users holding one of these roles; others get 403, anonymous the login."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not roles.has_role(request.user, *role_keys):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
