"""HR assigns courses and learning plans to its org units and follows progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import Assignment, LearningPlan
from courses.selectors.assignments import (
    assignment_enrolments_for,
    assignments_for_user,
    learning_plans_all,
)
from courses.selectors.learner import ledger_today
from courses.services.assignments import (
    assignment_cancel,
    assignment_create,
    learning_plan_save,
)
from people import roles
from people.decorators import role_required

from .forms_assignments import AssignmentForm, LearningPlanForm

PER_PAGE = 25
STATUS_FILTERS = ("in_progress", "completed", "overdue")


def _assignment_or_404(request, pk: int) -> Assignment:
    try:
        return assignments_for_user(user=request.user).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


@role_required(roles.HR, roles.ADMIN)
@require_GET
def assignment_list(request):
    """Assignments in the user's scope with enrolled, completed and overdue counts."""
    show = request.GET.get("show", "active")
    active = {"active": True, "cancelled": False}.get(show)
    page = Paginator(
        assignments_for_user(user=request.user, active=active), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "records/assignments/list.html",
        {"page": page, "show": show, "query": f"show={show}"},
    )


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def assignment_new(request):
    form = AssignmentForm(request.POST or None, user=request.user, today=ledger_today())
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assignment_create(
                user=request.user, request=request, **form.cleaned_data
            )
        except PermissionDenied:
            form.add_error("org_unit", _("Choose an org unit within your area."))
        else:
            if assignment.fan_out_status == Assignment.FanOut.DONE:
                messages.success(
                    request,
                    _("Assigned: %(count)s workers enrolled.")
                    % {"count": assignment.fan_out_done},
                )
            else:
                messages.success(
                    request, _("Assigned. The workers are being enrolled now.")
                )
            return redirect("records:assignment_detail", pk=assignment.pk)
    return render(request, "records/assignments/new.html", {"form": form})


@role_required(roles.HR, roles.ADMIN)
@require_GET
def assignment_detail(request, pk: int):
    """Progress of one assignment and its workers; refreshes while enrolling."""
    assignment = _assignment_or_404(request, pk)
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    page = Paginator(
        assignment_enrolments_for(assignment=assignment, status=status), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "records/assignments/detail.html",
        {
            "assignment": assignment,
            "positions": list(assignment.positions.all()),
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "today": ledger_today(),
            "running": assignment.active
            and assignment.fan_out_status
            in (Assignment.FanOut.PENDING, Assignment.FanOut.RUNNING),
        },
    )


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def assignment_cancel_view(request, pk: int):
    """Confirm, then cancel: the page says what happens to the enrolments."""
    assignment = _assignment_or_404(request, pk)
    if request.method == "POST" and assignment.active:
        counts = assignment_cancel(
            assignment=assignment, user=request.user, request=request
        )
        messages.success(
            request,
            _(
                "The assignment was cancelled. %(removed)s enrolments not yet "
                "started were removed; %(kept)s in progress and %(completed)s "
                "completed were kept."
            )
            % counts,
        )
        return redirect("records:assignment_detail", pk=assignment.pk)
    return render(
        request, "records/assignments/cancel.html", {"assignment": assignment}
    )


@role_required(roles.HR, roles.ADMIN)
@require_GET
def plan_list(request):
    page = Paginator(learning_plans_all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "records/assignments/plans.html", {"page": page})


def _plan_editable(request, pk: int) -> LearningPlan:
    plan = get_object_or_404(LearningPlan, pk=pk)
    if not roles.has_role(request.user, roles.ADMIN) and (
        plan.created_by_id != request.user.pk
    ):
        raise PermissionDenied
    return plan


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int | None = None):
    """Create a plan, or change one (its author or an admin)."""
    plan = _plan_editable(request, pk) if pk is not None else None
    initial = None
    if plan is not None:
        initial = {
            "name": plan.name,
            "description": plan.description,
            "courses": [pc.course_id for pc in plan.plan_courses.all()],
        }
    form = LearningPlanForm(request.POST or None, initial=initial, plan=plan)
    if request.method == "POST" and form.is_valid():
        plan = learning_plan_save(
            plan=plan,
            user=request.user,
            request=request,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            courses=list(form.cleaned_data["courses"]),
        )
        messages.success(request, _("The learning plan was saved."))
        return redirect("records:plan_list")
    return render(
        request, "records/assignments/plan_form.html", {"form": form, "plan": plan}
    )
