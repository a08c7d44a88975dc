"""Sign-in by username, employee number or mobile phone."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def find_user(identifier: str):
    """The user an identifier names: username, then employee number, then phone."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    candidates = list(
        User.objects.filter(
            Q(username=identifier)
            | Q(mobile=identifier)
            | Q(profile__employee_no=identifier)
        ).select_related("profile")[:3]
    )
    for match in (
        lambda u: u.username == identifier,
        lambda u: hasattr(u, "profile") and u.profile.employee_no == identifier,
        lambda u: u.mobile == identifier,
    ):
        for user in candidates:
            if match(user):
                return user
    return None


class IdentifierBackend(ModelBackend):
    """ModelBackend that accepts a username, an employee number (工号) or a phone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Hash anyway so that timing does not tell which identifiers exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """The key axes counts failures under: the account, whatever identifier was typed.

    Otherwise an attacker could try 5 passwords by username, 5 by phone and
    5 by employee number before the lock.
    """
    raw = ""
    if credentials:
        raw = credentials.get("username", "")
    elif request is not None:
        raw = request.POST.get("username", "")
    user = find_user(raw)
    return user.username if user else (raw or "").strip().lower()[:150]
