"""The one way to write the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .models import AuditEntry


def client_ip(request) -> str | None:
    """The client's address, for the audit log and the sign-in lockout.

    With LIANXIN_TRUSTED_PROXIES = N, the address N hops from the right of
    X-Forwarded-For (what our own proxies appended); otherwise REMOTE_ADDR.
    A client cannot spoof it by sending its own X-Forwarded-For.
    """
    if request is None:
        return None
    hops = settings.LIANXIN_TRUSTED_PROXIES
    if hops:
        chain = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    details: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one entry to the audit log: who did what to which object, from where."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        action=action,
        actor=actor,
        actor_label=(actor.get_full_name() if actor else "")[:150],
        details=details or {},
        ip=client_ip(request),
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_label = str(obj)[:255]
    entry.save()
    return entry
