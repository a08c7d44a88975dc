"""Tokens of the records API: made for an HR user, shown once, stored as a hash."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people import roles
from people.audit import audit_record
from records.models import ApiToken, token_generate, token_hash


@transaction.atomic
def api_token_create(
    *, user, name: str, created_by=None, request=None
) -> tuple[ApiToken, str]:
    """Make a token acting as ``user`` (HR or admin). Returns (token, raw key).

    The raw key is returned once and never stored: lose it and make another.
    """
    if not roles.has_role(user, roles.HR, roles.ADMIN):
        raise ValidationError(
            _("API tokens are for HR reviewers and administrators only."),
            code="not_reviewer",
        )
    raw = token_generate()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("API token"),
        key_hash=token_hash(raw),
        prefix=raw[:10],
        created_by=created_by,
    )
    audit_record(
        action="records.api_token_created",
        actor=created_by,
        obj=token,
        details={"owner": user.pk, "name": token.name},
        request=request,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor=None, request=None) -> ApiToken:
    """Stop a token working; the row stays for the audit trail."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="records.api_token_revoked",
            actor=actor,
            obj=token,
            details={"owner": token.user_id},
            request=request,
        )
    return token
