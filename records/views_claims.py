"""HR reviews external hours claims of workers in its scope: approve or reject."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import ExternalHoursClaim
from courses.selectors.claims import claims_for_reviewer
from courses.services.claims import claim_approve, claim_reject
from people import roles
from people.decorators import role_required

PER_PAGE = 25


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        help_text=gettext_lazy(
            "The worker reads it, e.g. the proof does not show the hours."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _claim_or_404(request, pk: int) -> ExternalHoursClaim:
    claim = claims_for_reviewer(user=request.user).filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


@role_required(roles.HR, roles.ADMIN)
@require_GET
def claim_list(request):
    """Claims of workers in scope; pending first by default."""
    status = request.GET.get("status", ExternalHoursClaim.Status.PENDING)
    if status not in (*ExternalHoursClaim.Status.values, "all"):
        status = ExternalHoursClaim.Status.PENDING
    page = Paginator(
        claims_for_reviewer(user=request.user, status=status), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "records/claims/list.html",
        {
            "page": page,
            "status": status,
            "statuses": ExternalHoursClaim.Status.choices,
            "query": f"status={status}",
        },
    )


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def claim_detail(request, pk: int):
    """The claim with its proof, and the reject form (approve is one button)."""
    claim = _claim_or_404(request, pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_reject(
                claim=claim,
                reviewer=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The claim was rejected; the worker is told."))
            return redirect("records:claim_list")
    return render(request, "records/claims/detail.html", {"claim": claim, "form": form})


@role_required(roles.HR, roles.ADMIN)
@require_POST
def claim_approve_view(request, pk: int):
    claim = _claim_or_404(request, pk)
    try:
        claim_approve(claim=claim, reviewer=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("records:claim_detail", pk=claim.pk)
    messages.success(
        request, _("Approved: the hours are in the worker's ledger, and they are told.")
    )
    return redirect("records:claim_list")
