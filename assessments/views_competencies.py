"""我的能力 (a worker's competency profile), a worker's profile for trainers and
HR, and the rating form."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.decorators import role_required

from .forms_competencies import CompetencyRatingForm
from .selectors.competencies import (
    CompetencyProfile,
    competency_profile_for_worker,
    workers_ratable_by,
)
from .services.competencies import competency_rate

EVIDENCE_PER_PAGE = 25
RATERS = (roles.TRAINER, roles.HR, roles.ADMIN)

# The bar chart, drawn on the server as SVG (no script, no external asset).
CHART_WIDTH = 320
CHART_ROW = 44
CHART_TOP = 4
CHART_AXIS = 24


@dataclass
class ChartBar:
    name: str
    label: str
    level: int
    text_y: int
    bar_y: int
    width: int


@dataclass
class Chart:
    width: int
    height: int
    bars: list[ChartBar]
    ticks: list[tuple[int, str]]
    axis_y: int
    bars_bottom: int


def _framework_id(request) -> int | None:
    try:
        return int(request.GET["framework"])
    except (KeyError, ValueError):
        return None


def _chart(profile: CompetencyProfile) -> Chart:
    bars = []
    for index, row in enumerate(profile.levels):
        top = CHART_TOP + index * CHART_ROW
        bars.append(
            ChartBar(
                name=row.competency.name,
                label=row.level_name or _("Not yet"),
                level=row.level,
                text_y=top + 14,
                bar_y=top + 20,
                width=CHART_WIDTH * row.level // 4,
            )
        )
    bottom = CHART_TOP + len(bars) * CHART_ROW
    ticks = [
        (CHART_WIDTH * level // 4, profile.level_name(level)) for level in range(1, 5)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=bottom + CHART_AXIS,
        bars=bars,
        ticks=ticks,
        axis_y=bottom + 16,
        bars_bottom=bottom,
    )


def _profile_context(request, worker) -> dict:
    profile = competency_profile_for_worker(
        user=worker, framework_id=_framework_id(request)
    )
    page = Paginator(profile.evidence, EVIDENCE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for evidence in page.object_list:
        evidence.level_name = profile.level_name(evidence.level)
    return {
        "worker": worker,
        "profile": profile,
        "chart": _chart(profile),
        "page": page,
    }


@login_required
@require_GET
def competency_mine(request):
    """我的能力: my level in each competency, a chart, and the evidence behind it."""
    return render(
        request,
        "assessments/competencies/mine.html",
        _profile_context(request, request.user),
    )


def _ratable_worker(request, user_id: int):
    return get_object_or_404(
        workers_ratable_by(user=request.user).select_related("profile__org_unit"),
        pk=user_id,
    )


@role_required(*RATERS)
@require_GET
def competency_worker(request, user_id: int):
    """A worker's competency profile, for trainers, HR in scope and admins."""
    worker = _ratable_worker(request, user_id)
    return render(
        request,
        "assessments/competencies/worker.html",
        _profile_context(request, worker),
    )


@role_required(*RATERS)
@require_http_methods(["GET", "POST"])
def competency_rate_view(request, user_id: int):
    """Rate a worker's level in a competency, with a note (audited)."""
    worker = _ratable_worker(request, user_id)
    profile = competency_profile_for_worker(user=worker)
    form = CompetencyRatingForm(request.POST or None, framework=profile.framework)
    if request.method == "POST" and form.is_valid():
        evidence = competency_rate(
            worker=worker, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(
            request,
            _("Your rating of %(competency)s is recorded.")
            % {"competency": evidence.competency.name},
        )
        return redirect("assessments:competency_worker", user_id=worker.pk)
    return render(
        request,
        "assessments/competencies/rate.html",
        {"worker": worker, "profile": profile, "form": form},
        status=400 if form.errors else 200,
    )
