"""Token authentication against hashed ApiToken rows."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from records.models import ApiToken, token_hash

KEYWORDS = (b"token", b"bearer")
# Writing last_used_at on every call would make each request a write.
TOUCH_EVERY = timedelta(minutes=5)


class HashedTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``): the key's SHA-256
    is looked up; revoked tokens and inactive owners are refused."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class HashedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "records.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _('Send "Token <key>"; an administrator makes the key.'),
        }
