"""External hours claims: a checked proof, then HR approval into the ledger."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image, ImageOps

from courses.models import ExternalHoursClaim, TrainingRecord
from courses.services.ledger import hours_credit
from people import roles
from people.audit import audit_record
from people.models import WorkerProfile
from people.notifications import notification_send
from people.selectors import org_unit_in_scope

PDF_MAGIC = b"%PDF-"
# Larger pictures are refused rather than decoded: a phone photo is ~12 MP.
MAX_IMAGE_PIXELS = 40_000_000


@dataclass
class CheckedProof:
    content: ContentFile
    content_type: str
    original_name: str


def claim_proof_check(upload) -> CheckedProof:
    """Accept a JPEG or PNG (re-encoded) or a PDF, judged by content, not name.

    Images are decoded and written again from their pixels, which drops EXIF
    (location, device) and anything appended or hidden in the file. A PDF must
    start with ``%PDF-``. Anything else, or a file over
    LIANXIN_CLAIM_MAX_BYTES, is refused with a message for the worker.
    """
    limit = settings.LIANXIN_CLAIM_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Upload a smaller photo or PDF.")
            % {"mb": f"{limit / 1024 / 1024:g}"}
        )
    data = upload.read()
    name = (getattr(upload, "name", "") or "proof")[-200:]
    if data.startswith(PDF_MAGIC):
        return CheckedProof(
            ContentFile(data, name="proof.pdf"), "application/pdf", name
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in ("JPEG", "PNG"):
                raise ValueError(kind)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError("too many pixels")
            image.load()
            image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        raise ValidationError(
            _(
                "This file is not a JPEG or PNG picture or a PDF. "
                "Upload a photo or scan of the certificate."
            )
        ) from None
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=90)
        return CheckedProof(
            ContentFile(out.getvalue(), name="proof.jpg"), "image/jpeg", name
        )
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    image.save(out, format="PNG")
    return CheckedProof(
        ContentFile(out.getvalue(), name="proof.png"), "image/png", name
    )


def claim_submit(
    *,
    user,
    title: str,
    organiser: str,
    start_date: date,
    end_date: date,
    hours: Decimal,
    proof: CheckedProof,
    request=None,
) -> ExternalHoursClaim:
    """Save a worker's claim, pending HR's review. The proof is checked already."""
    claim = ExternalHoursClaim(
        user=user,
        title=title,
        organiser=organiser,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        proof_name=proof.original_name,
        proof_content_type=proof.content_type,
    )
    claim.full_clean(exclude=["proof"])
    claim.proof.save(proof.content.name, proof.content, save=False)
    with transaction.atomic():
        claim.save()
        audit_record(
            action="hours_claim_submit",
            actor=user,
            obj=claim,
            details={"hours": str(hours)},
            request=request,
        )
    return claim


def claim_reviewable_by(*, claim: ExternalHoursClaim, user) -> bool:
    """HR whose scope holds the worker's org unit, or an admin; never the worker."""
    if claim.user_id == user.pk:
        return False
    profile = (
        WorkerProfile.objects.select_related("org_unit")
        .filter(user_id=claim.user_id)
        .first()
    )
    if profile is None:
        return roles.has_role(user, roles.ADMIN)
    return org_unit_in_scope(user=user, unit=profile.org_unit)


def _notify(claim: ExternalHoursClaim) -> None:
    url = reverse("courses:claim_list")
    values = {"title": claim.title, "hours": claim.hours}
    with override(settings.LANGUAGE_CODE):
        if claim.status == ExternalHoursClaim.Status.APPROVED:
            title = _("Your external hours were approved")
            body = _("“%(title)s”: %(hours)s hours were added to your ledger.") % values
        else:
            title = _("Your external hours claim was not approved")
            body = _("“%(title)s”: %(reason)s") % {**values, "reason": claim.reason}
    notification_send(
        user=claim.user,
        title=title,
        body=body,
        url=url,
        kind="hours_claim",
        key=f"claim:{claim.pk}:{claim.status}",
    )


def claim_approve(
    *, claim: ExternalHoursClaim, reviewer, request=None
) -> ExternalHoursClaim:
    """Approve a pending claim: credit its hours once (source external), notify.

    The ledger's unique (worker, source, reference "claim:<id>") makes a
    second approval, a double click or a race, credit nothing more.
    """
    if not claim_reviewable_by(claim=claim, user=reviewer):
        raise PermissionDenied
    with transaction.atomic():
        claim = (
            ExternalHoursClaim.objects.select_for_update()
            .select_related("user")
            .get(pk=claim.pk)
        )
        if claim.status == ExternalHoursClaim.Status.APPROVED:
            return claim
        if claim.status != ExternalHoursClaim.Status.PENDING:
            raise ValidationError(_("This claim has been decided already."))
        record, _created = hours_credit(
            user=claim.user,
            year=claim.end_date.year,
            hours=claim.hours,
            source=TrainingRecord.Source.EXTERNAL,
            reference=f"claim:{claim.pk}",
            title=claim.title,
            created_by=reviewer,
        )
        claim.status = ExternalHoursClaim.Status.APPROVED
        claim.reviewer = reviewer
        claim.reviewed_at = timezone.now()
        claim.training_record = record
        claim.save(
            update_fields=[
                "status",
                "reviewer",
                "reviewed_at",
                "training_record",
                "updated_at",
            ]
        )
        audit_record(
            action="hours_claim_approve",
            actor=reviewer,
            obj=claim,
            details={"hours": str(claim.hours), "worker": claim.user_id},
            request=request,
        )
        _notify(claim)
    return claim


def claim_reject(
    *, claim: ExternalHoursClaim, reviewer, reason: str, request=None
) -> ExternalHoursClaim:
    """Reject a pending claim with a reason the worker reads; notify, audit."""
    if not claim_reviewable_by(claim=claim, user=reviewer):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the claim is rejected."))
    with transaction.atomic():
        claim = (
            ExternalHoursClaim.objects.select_for_update()
            .select_related("user")
            .get(pk=claim.pk)
        )
        if claim.status != ExternalHoursClaim.Status.PENDING:
            raise ValidationError(_("This claim has been decided already."))
        claim.status = ExternalHoursClaim.Status.REJECTED
        claim.reviewer = reviewer
        claim.reason = reason
        claim.reviewed_at = timezone.now()
        claim.save(
            update_fields=["status", "reviewer", "reason", "reviewed_at", "updated_at"]
        )
        audit_record(
            action="hours_claim_reject",
            actor=reviewer,
            obj=claim,
            details={"reason": reason, "worker": claim.user_id},
            request=request,
        )
        _notify(claim)
    return claim
