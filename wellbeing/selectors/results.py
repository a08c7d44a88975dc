"""Reads for the worker's own pages: instruments, consent state, their results.

Only ``user=request.user`` ever reaches these functions: no other person's
result is read anywhere in the code base, and nothing here takes a user id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from courses.models import CoursePage

from .. import crypto
from ..models import ConsentRecord, Instrument, Result

logger = logging.getLogger(__name__)


@dataclass
class ResultView:
    pk: int
    taken_at: datetime
    score: int
    band_index: int
    band: dict


@dataclass
class InstrumentState:
    instrument: Instrument
    consent: ConsentRecord | None = None
    # Consented to an older text that has changed since: ask again.
    consent_outdated: bool = False
    result_count: int = 0
    results: list[ResultView] = field(default_factory=list)

    @property
    def latest(self) -> ResultView | None:
        return self.results[-1] if self.results else None


def instrument_offered(*, slug: str) -> Instrument | None:
    return Instrument.objects.filter(slug=slug, is_active=True).first()


def instruments_for_worker(*, user) -> list[InstrumentState]:
    """Every offered instrument with the worker's consent state and result count.

    An instrument no longer offered stays listed while the worker has a consent
    or results for it, so that they can still read and withdraw them.
    """
    instruments = list(
        Instrument.objects.filter(
            Q(is_active=True)
            | Q(consents__user=user, consents__withdrawn_at__isnull=True)
            | Q(results__user=user)
        ).distinct()
    )
    consents = {}
    for consent in ConsentRecord.objects.filter(
        user=user, withdrawn_at__isnull=True
    ).order_by("given_at"):
        consents[consent.instrument_id] = consent
    counts: dict[int, int] = {}
    for instrument_id in Result.objects.filter(user=user).values_list(
        "instrument_id", flat=True
    ):
        counts[instrument_id] = counts.get(instrument_id, 0) + 1
    states = []
    for instrument in instruments:
        consent = consents.get(instrument.pk)
        outdated = bool(consent and consent.text_version != instrument.consent_version)
        states.append(
            InstrumentState(
                instrument=instrument,
                consent=None if outdated else consent,
                consent_outdated=outdated,
                result_count=counts.get(instrument.pk, 0),
            )
        )
    return states


def _readable(result: Result, user, instrument: Instrument) -> ResultView | None:
    try:
        data = crypto.decrypt(result.payload)
    except crypto.InvalidToken:
        logger.warning("wellbeing result %s does not decrypt with our keys", result.pk)
        return None
    if data.get("u") != user.pk or data.get("i") != instrument.slug:
        logger.warning("wellbeing result %s is sealed for another row", result.pk)
        return None
    return ResultView(
        pk=result.pk,
        taken_at=result.taken_at,
        score=data["s"],
        band_index=data["b"],
        band=instrument.bands[data["b"]],
    )


def results_for_worker(*, user) -> list[InstrumentState]:
    """The worker's own history per instrument, oldest first, decrypted.

    Instruments the worker has neither results for nor a consent to are left out.
    """
    states = instruments_for_worker(user=user)
    by_id = {state.instrument.pk: state for state in states}
    for result in Result.objects.filter(user=user).order_by("taken_at", "pk"):
        state = by_id.get(result.instrument_id)
        if state is None:
            continue
        view = _readable(result, user, state.instrument)
        if view is not None:
            state.results.append(view)
    return [state for state in states if state.results or state.consent]


def suggested_courses(*, instruments: list[Instrument]) -> list[CoursePage]:
    """The live courses the instruments suggest (by slug), in one query."""
    slugs = []
    for instrument in instruments:
        slugs += instrument.definition.get("suggested_courses", [])
    if not slugs:
        return []
    return list(CoursePage.objects.live().filter(slug__in=slugs).order_by("title"))
