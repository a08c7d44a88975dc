"""The one way to write the audit log."""

from __future__ import annotations

from django.db import models

from .models import AuditEntry


def client_ip(request) -> str | None:
    """The client's address as the web server saw it (REMOTE_ADDR).

    Behind a proxy, the deployment sets the proxy to overwrite REMOTE_ADDR;
    a client-supplied X-Forwarded-For is never trusted here.
    """
    if request is None:
        return None
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
