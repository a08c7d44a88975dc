"""我的学习 (a worker's own courses, hours and sessions) and hours corrections."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.decorators import role_required
from people.models import WorkerProfile
from people.page_cache import page_cache_allow, page_cacheable

from .forms_ledger import HoursCorrectionForm
from .selectors.learner import (
    hours_summary,
    learning_overview,
    ledger_entries,
    ledger_today,
    ledger_years,
)
from .selectors.ledger import record_chain, records_correctable_by
from .services.ledger import hours_correct

HOURS_PER_PAGE = 20


@page_cacheable
@login_required
@require_GET
def my_learning(request):
    """我的学习: hours against the target, courses, sessions and the ledger."""
    page_cache_allow(request)
    profile = (
        WorkerProfile.objects.select_related("org_unit", "position")
        .filter(user=request.user)
        .first()
    )
    overview = learning_overview(user=request.user)
    return render(
        request,
        "courses/my_learning.html",
        {"profile": profile, "overview": overview},
    )


@login_required
@require_GET
def my_hours(request):
    """The worker's whole ledger for one year, paginated."""
    years = ledger_years(user=request.user)
    this_year = ledger_today().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    page = Paginator(
        ledger_entries(user=request.user, year=year), HOURS_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/my_hours.html",
        {
            "summary": hours_summary(user=request.user, year=year),
            "page": page,
            "years": sorted({*years, this_year}, reverse=True),
        },
    )


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def hours_correct_view(request, pk: int):
    """Correct a ledger row: a form, a confirmation, then a new audited row."""
    record = get_object_or_404(
        records_correctable_by(user=request.user).select_related(
            "user__profile__org_unit"
        ),
        pk=pk,
    )
    chain = list(record_chain(record=record))
    total = sum((row.hours for row in chain), start=Decimal("0.0"))
    form = HoursCorrectionForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            try:
                hours_correct(
                    record=record,
                    actor=request.user,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The correction was recorded."))
                return redirect("courses:hours_correct", pk=record.pk)
        elif "edit" not in request.POST:
            confirming = total + form.cleaned_data["hours"] >= 0
            if not confirming:
                form.add_error(
                    "hours", _("The hours of this record may not go below zero.")
                )
    return render(
        request,
        "courses/hours_correct.html",
        {
            "record": record,
            "credit": chain[0],
            "worker": record.user,
            "profile": getattr(record.user, "profile", None),
            "chain": chain,
            "total": total,
            "form": form,
            "confirming": confirming,
            "new_total": total + form.cleaned_data["hours"] if confirming else None,
        },
    )
