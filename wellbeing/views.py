"""The worker's own self-assessment pages and HR's aggregate page.

Worker pages are never cached (a shared phone, a proxy) and read only
``request.user``'s data. The HR page shows counts over groups, never a person.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.decorators import role_required
from people.models import OrgUnit
from people.selectors import org_unit_in_scope, scope_units

from . import charts
from .forms import AggregateForm, AnswersForm, ConsentForm
from .models import Instrument
from .privacy import min_group
from .selectors.aggregates import aggregate_for_unit, period_parse, periods_offered
from .selectors.results import (
    instrument_offered,
    instruments_for_worker,
    results_for_worker,
    suggested_courses,
)
from .services.assessments import (
    consent_current,
    consent_give,
    consent_withdraw,
    result_create,
)

DEFAULT_INSTRUMENT = "pss10"


def _instrument(slug: str, *, offered_only: bool = True) -> Instrument:
    if not offered_only:
        return get_object_or_404(Instrument, slug=slug)
    instrument = instrument_offered(slug=slug)
    if instrument is None:
        raise Http404
    return instrument


def _consent_paragraphs(instrument) -> list[str]:
    """The consent text with this site's minimum group and retention filled in."""
    values = {
        "{min_group}": str(min_group()),
        "{retention_days}": str(settings.LIANXIN_WELLBEING_RETENTION_DAYS),
    }
    paragraphs = []
    for paragraph in instrument.definition["consent"]["text"]:
        for placeholder, value in values.items():
            paragraph = paragraph.replace(placeholder, value)
        paragraphs.append(paragraph)
    return paragraphs


@role_required(roles.WORKER)
@never_cache
@require_GET
def home(request):
    """What the self-assessment is, the worker's consent state, where to start."""
    states = instruments_for_worker(user=request.user)
    return render(request, "wellbeing/home.html", {"states": states})


@role_required(roles.WORKER)
@never_cache
@require_http_methods(["GET", "POST"])
def consent(request, slug: str):
    """The separate consent: purpose, who sees what, retention, withdrawal."""
    instrument = _instrument(slug)
    form = ConsentForm(
        request.POST or None, initial={"version": instrument.consent_version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_give(
                user=request.user,
                instrument=instrument,
                text_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("wellbeing:consent", slug=instrument.slug)
        return redirect("wellbeing:take", slug=instrument.slug)
    return render(
        request,
        "wellbeing/consent.html",
        {
            "instrument": instrument,
            "form": form,
            "paragraphs": _consent_paragraphs(instrument),
            "already": consent_current(user=request.user, instrument=instrument),
        },
    )


@role_required(roles.WORKER)
@never_cache
@require_http_methods(["GET", "POST"])
def take(request, slug: str):
    """The questionnaire; only after a consent to the current text."""
    instrument = _instrument(slug)
    if consent_current(user=request.user, instrument=instrument) is None:
        return redirect("wellbeing:consent", slug=instrument.slug)
    form = AnswersForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            result_create(
                user=request.user, instrument=instrument, answers=form.answers()
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Thank you. Your result is below."))
            return redirect("wellbeing:results")
    return render(
        request, "wellbeing/take.html", {"instrument": instrument, "form": form}
    )


@role_required(roles.WORKER)
@never_cache
@require_GET
def results(request):
    """The worker's history with a chart, the latest band's text, help and courses."""
    states = results_for_worker(user=request.user)
    for state in states:
        state.chart = charts.history_chart(
            results=state.results, instrument=state.instrument
        )
    return render(
        request,
        "wellbeing/results.html",
        {
            "states": states,
            "courses": suggested_courses(instruments=[s.instrument for s in states]),
        },
    )


@role_required(roles.WORKER)
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, slug: str):
    """Confirm, then withdraw the consent and delete the results for real."""
    instrument = _instrument(slug, offered_only=False)
    if request.method == "POST":
        consent_withdraw(user=request.user, instrument=instrument, request=request)
        messages.success(
            request,
            _(
                "Your consent is withdrawn and your answers and scores for "
                "this self-assessment are deleted."
            ),
        )
        return redirect("wellbeing:home")
    state = next(
        (
            s
            for s in instruments_for_worker(user=request.user)
            if s.instrument == instrument
        ),
        None,
    )
    return render(
        request, "wellbeing/withdraw.html", {"instrument": instrument, "state": state}
    )


def _scope_unit(request, roots: list[OrgUnit]) -> OrgUnit | None:
    """The unit asked for (?unit=id) if in scope, else the first scope root."""
    unit_id = request.GET.get("unit")
    if not unit_id:
        return roots[0] if roots else None
    if not unit_id.isdigit():
        raise Http404
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    if not org_unit_in_scope(user=request.user, unit=unit):
        raise Http404
    return unit


def _aggregate_form(params) -> AggregateForm:
    """The filters, defaulting to the newest ended period and PSS-10."""
    periods = periods_offered()
    return AggregateForm(
        {
            "period": params.get("period") or (periods[0].key if periods else ""),
            "instrument": params.get("instrument") or DEFAULT_INSTRUMENT,
        },
        periods=periods,
    )


@role_required(roles.HR, roles.ADMIN)
@require_GET
def aggregates(request):
    """Counts per band for an org unit in scope and a fixed period; never a person."""
    roots = scope_units(user=request.user)
    if roots is None:
        roots = list(OrgUnit.get_root_nodes())
    unit = _scope_unit(request, roots)
    form = _aggregate_form(request.GET)
    rows, period, instrument = [], None, None
    if unit is not None and form.is_valid():
        period = period_parse(form.cleaned_data["period"])
        instrument = form.cleaned_data["instrument"]
        rows = aggregate_for_unit(instrument=instrument, unit=unit, period=period)
    parent = unit.get_parent() if unit is not None and unit.depth > 1 else None
    if parent is not None and not org_unit_in_scope(user=request.user, unit=parent):
        parent = None
    context = {
        "form": form,
        "unit": unit,
        "parent": parent,
        "roots": roots,
        "rows": rows,
        "period": period,
        "instrument": instrument,
        "min_group": min_group(),
    }
    return render(request, "wellbeing/aggregates.html", context)
