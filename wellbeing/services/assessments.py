"""Consent, answering, withdrawal and the retention purge.

Every write about a person's self-assessment goes through here. The answers,
score and band are encrypted before they reach the database; withdrawal and
the purge delete rows for real (no soft delete), because PIPL Art. 15 and 47
give the worker the right to have them gone.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audit import audit_record
from people.models import WorkerProfile

from .. import crypto
from ..models import ConsentRecord, Instrument, Result
from ..privacy import retention


def consent_current(*, user, instrument: Instrument) -> ConsentRecord | None:
    """The worker's open consent to the instrument's current consent text, if any."""
    return (
        ConsentRecord.objects.filter(
            user=user,
            instrument=instrument,
            withdrawn_at__isnull=True,
            text_version=instrument.consent_version,
        )
        .order_by("-given_at")
        .first()
    )


@transaction.atomic
def consent_give(*, user, instrument: Instrument, text_version: int) -> ConsentRecord:
    """Record consent to the text the worker read (its version) at this moment.

    A consent to an older text is closed first: one open consent per instrument.
    """
    if text_version != instrument.consent_version:
        raise ValidationError(
            _("The consent text has changed since you opened it. Please read it again.")
        )
    existing = consent_current(user=user, instrument=instrument)
    if existing is not None:
        return existing
    ConsentRecord.objects.filter(
        user=user, instrument=instrument, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    return ConsentRecord.objects.create(
        user=user, instrument=instrument, text_version=text_version
    )


def _check_answers(instrument: Instrument, answers: list[int]) -> None:
    allowed = {option["value"] for option in instrument.scale}
    if len(answers) != len(instrument.items) or any(a not in allowed for a in answers):
        raise ValidationError(_("Please answer every question."))


@transaction.atomic
def result_create(
    *,
    user,
    instrument: Instrument,
    answers: list[int],
    taken_at: datetime | None = None,
) -> Result:
    """Score the answers and store them encrypted; only with a current consent."""
    consent = consent_current(user=user, instrument=instrument)
    if consent is None:
        raise ValidationError(_("Please give your consent before the self-assessment."))
    _check_answers(instrument, answers)
    score = instrument.score(answers)
    band = instrument.band_index(score)
    profile = WorkerProfile.objects.filter(user=user).select_related("org_unit").first()
    result = Result(
        user=user,
        instrument=instrument,
        consent=consent,
        taken_at=taken_at or timezone.now(),
        unit_path=profile.org_unit.path if profile else "",
    )
    # The user and instrument are sealed inside the token and checked on
    # reading, so a token copied onto another person's row does not decrypt
    # as theirs.
    result.payload = crypto.encrypt(
        {"u": user.pk, "i": instrument.slug, "a": answers, "s": score, "b": band}
    )
    result.band_token = crypto.encrypt({"i": instrument.slug, "b": band})
    result.save()
    return result


@transaction.atomic
def consent_withdraw(*, user, instrument: Instrument, request=None) -> int:
    """Withdraw consent: delete every result of this instrument, for real.

    What stays is the consent record (when it was given and withdrawn, which
    text) and one audit entry that names the instrument and nothing else: no
    score, no count, no answer.
    """
    deleted, _detail = Result.objects.filter(user=user, instrument=instrument).delete()
    closed = ConsentRecord.objects.filter(
        user=user, instrument=instrument, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if closed or deleted:
        audit_record(
            action="wellbeing.withdrawn",
            actor=user,
            details={"instrument": instrument.slug},
            request=request,
        )
    return deleted


@transaction.atomic
def results_purge(*, now: datetime | None = None) -> int:
    """Delete results older than LIANXIN_WELLBEING_RETENTION_DAYS; the count deleted."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _detail = Result.objects.filter(taken_at__lt=cutoff).delete()
    return deleted
