"""A worker's external hours claims (外部培训学时申报) and the proof files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from people import roles
from people.decorators import role_required

from .forms_claims import ClaimForm
from .selectors.claims import claim_for_proof, claims_for_worker
from .selectors.learner import ledger_today
from .services.claims import claim_submit

PER_PAGE = 25


@role_required(roles.WORKER)
@require_http_methods(["GET", "POST"])
def claim_list(request):
    """The worker's claims and the form for a new one, on one phone page."""
    form = ClaimForm(request.POST or None, request.FILES or None, today=ledger_today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim_submit(user=request.user, request=request, **data)
        messages.success(
            request, _("Your claim was sent. HR will review it and you will be told.")
        )
        return redirect("courses:claim_list")
    page = Paginator(claims_for_worker(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "courses/claims/list.html", {"form": form, "page": page})


@login_required
@require_GET
def claim_proof(request, pk: int):
    """The proof file, only to its worker, HR in scope and admins (never MEDIA_URL).

    PDFs download rather than open in the page, and nothing is sniffed, so a
    crafted file cannot run in our origin.
    """
    claim = claim_for_proof(user=request.user, pk=pk)
    if claim is None or not claim.proof:
        raise Http404
    ext = claim.proof.name.rsplit(".", 1)[-1]
    response = FileResponse(
        claim.proof.open("rb"),
        content_type=claim.proof_content_type or "application/octet-stream",
        as_attachment=not claim.is_image,
        filename=f"proof-{claim.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
