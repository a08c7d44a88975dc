"""Certificate pages: 我的证书, downloads, HR's list and ZIP, revocation, the public
verification page, Open Badges documents and the trainers' design preview."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import openbadges
from assessments.pdf.certificate import DESIGNS, certificate_pdf_render
from assessments.selectors import certificates as selectors
from assessments.services import certificates as services
from courses.models import CoursePage
from people import roles
from people.audit import audit_record, client_ip
from people.decorators import role_required
from people.outbox import enqueue_on_commit

PER_PAGE = 25


def _rate_limited(request, bucket: str) -> bool:
    """True when this client made too many requests this minute (cache counter)."""
    limit = getattr(settings, "LIANXIN_CERTIFICATE_VERIFY_PER_MINUTE", 30)
    minute = int(timezone.now().timestamp() // 60)
    key = f"cert-rate:{bucket}:{client_ip(request) or '-'}:{minute}"
    if cache.add(key, 1, timeout=70):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=70)
            count = 1
    return count > limit


def _too_many() -> HttpResponse:
    response = HttpResponse(
        _("Too many requests. Wait a minute and try again."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _pdf_response(data: bytes, filename: str, *, attachment: bool = True):
    return FileResponse(
        io.BytesIO(data),
        as_attachment=attachment,
        filename=filename,
        content_type="application/pdf",
    )


@role_required(roles.WORKER)
@require_GET
def certificate_list(request):
    """我的证书: the worker's certificates with state, download, share, renew."""
    certificates = selectors.certificates_for_worker(user=request.user)
    for certificate in certificates:
        certificate.share_url = services.verification_url(certificate)
    return render(
        request,
        "assessments/certificates/my_certificates.html",
        {"certificates": certificates},
    )


@login_required
@require_GET
def certificate_download(request, pk: int):
    """The PDF: its holder, HR with the holder in scope, an admin; 404 otherwise."""
    certificate = selectors.certificate_for_viewer(user=request.user, pk=pk)
    if certificate is None:
        raise Http404
    data = services.certificate_pdf_bytes(certificate=certificate)
    if certificate.user_id != request.user.pk:
        audit_record(
            action="certificate.downloaded",
            obj=certificate,
            details={"serial": certificate.serial, "holder": certificate.user_id},
            request=request,
        )
    return _pdf_response(data, f"{certificate.serial}.pdf")


@role_required(roles.WORKER)
@require_POST
def certificate_renew(request, pk: int):
    """Start renewing an expiring certificate: back to the course (or its renewal)."""
    certificate = get_object_or_404(
        selectors.Certificate.objects.select_related("course"),
        pk=pk,
        user=request.user,
    )
    try:
        course = services.certificate_renew_start(
            certificate=certificate, by=request.user
        )
    except services.CertificateRefusedError as error:
        messages.error(request, str(error))
        return redirect("assessments:certificate_list")
    messages.success(
        request,
        _("Complete the course again to receive a renewed certificate."),
    )
    return redirect(course.url or "assessments:certificate_list")


class HRFilterForm(forms.Form):
    course = forms.TypedChoiceField(
        label=gettext_lazy("Course"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", _("All courses"))] + [
            (course.pk, course.title) for course in courses
        ]
        self.fields["state"].choices = [
            ("", _("All states")),
            (selectors.VALID, _("Valid")),
            (selectors.EXPIRING, _("Expiring within 30 days")),
            (selectors.EXPIRED, _("Expired")),
            (selectors.REVOKED, _("Revoked")),
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {"course_id": None, "state": None}
        return {
            "course_id": self.cleaned_data["course"],
            "state": self.cleaned_data["state"] or None,
        }


@role_required(roles.HR, roles.ADMIN)
@require_GET
def certificate_hr_list(request):
    """HR's list: certificates of workers in scope, by course and state, paged."""
    courses = list(selectors.certificate_courses_for_hr(user=request.user))
    form = HRFilterForm(request.GET or None, courses=courses)
    filters = form.filters()
    page = Paginator(
        selectors.certificates_for_hr(user=request.user, **filters), PER_PAGE
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for certificate in page:
        certificate.state = selectors.certificate_state(certificate, today)
    query = urlencode(
        {
            k: v
            for k, v in (("course", filters["course_id"]), ("state", filters["state"]))
            if v
        }
    )
    return render(
        request,
        "assessments/certificates/hr_list.html",
        {
            "form": form,
            "page_obj": page,
            "query": query,
            "course_id": filters["course_id"],
            "filtered": any(filters.values()),
        },
    )


@role_required(roles.HR, roles.ADMIN)
@require_POST
def certificate_zip(request):
    """A course's certificates in scope as a ZIP: at once when few, else a task."""
    from .tasks_certificates import certificate_archive_build

    course = get_object_or_404(
        CoursePage.objects.defer_streamfields(),
        pk=request.POST.get("course") or 0,
        certificate_enabled=True,
    )
    certificates = selectors.certificates_for_hr(user=request.user, course_id=course.pk)
    total = certificates.count()
    if not total:
        messages.error(
            request, _("There is no certificate of this course to download.")
        )
        return redirect(f"{_hr_list_url()}?course={course.pk}")
    sync_max = getattr(settings, "LIANXIN_CERTIFICATE_ZIP_SYNC_MAX", 20)
    if total <= sync_max:
        buffer = io.BytesIO()
        services.certificates_zip_write(list(certificates), handle=buffer)
        audit_record(
            action="certificate.zip_downloaded",
            obj=course,
            details={"course": course.pk, "certificates": total},
            request=request,
        )
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="certificates-{course.pk}.zip"'
        )
        return response
    archive = services.archive_create(user=request.user, course=course, total=total)
    enqueue_on_commit(certificate_archive_build, archive.pk)
    return redirect("assessments:certificate_zip_status", pk=archive.pk)


def _hr_list_url() -> str:
    return reverse("assessments:certificate_hr_list")


@role_required(roles.HR, roles.ADMIN)
@never_cache
@require_GET
def certificate_zip_status(request, pk: int):
    """The progress of a ZIP being built; JSON for the page's small script."""
    archive = selectors.archive_for_user(user=request.user, pk=pk)
    if archive is None:
        raise Http404
    if _wants_json(request):
        return JsonResponse(
            {
                "status": archive.status,
                "done": archive.done,
                "total": archive.total,
                "percent": archive.percent,
            }
        )
    return render(
        request, "assessments/certificates/zip_status.html", {"archive": archive}
    )


@role_required(roles.HR, roles.ADMIN)
@require_GET
def certificate_zip_download(request, pk: int):
    archive = selectors.archive_for_user(user=request.user, pk=pk)
    if archive is None or archive.status != archive.Status.DONE or not archive.file:
        raise Http404
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=f"certificates-{archive.course_id}.zip",
        content_type="application/zip",
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=gettext_lazy(
            "Kept in the audit log. The public verification page says only that "
            "the certificate is revoked, never why."
        ),
    )


@role_required(roles.HR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk: int):
    """Revoke with a reason, after a confirmation step (audited)."""
    certificate = selectors.certificate_for_manager(user=request.user, pk=pk)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            try:
                services.certificate_revoke(
                    certificate=certificate,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            except services.CertificateRefusedError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The certificate was revoked."))
                return redirect("assessments:certificate_hr_list")
        elif "edit" not in request.POST:
            confirming = True
    return render(
        request,
        "assessments/certificates/revoke.html",
        {
            "certificate": certificate,
            "state": selectors.certificate_state(certificate),
            "form": form,
            "confirming": confirming,
        },
    )


@never_cache
@require_GET
def certificate_verify(request, code: str):
    """Public: valid, expired or revoked, with the course, dates and masked name."""
    if _rate_limited(request, "verify"):
        return _too_many()
    result = selectors.certificate_verification(code=code)
    if result is None:
        if _wants_json(request):
            return JsonResponse({"detail": "Not found."}, status=404)
        return HttpResponse(render_to_string("404.html", request=request), status=404)
    if _wants_json(request):
        return JsonResponse(result, json_dumps_params={"ensure_ascii": False})
    return render(request, "assessments/certificates/verify.html", {"result": result})


def _json(document: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        document, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def badge_assertion(request, code: str):
    """Open Badges 2.0 hosted Assertion; 410 with "revoked": true when revoked."""
    if _rate_limited(request, "badge"):
        return _too_many()
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return _json({"detail": "Not found."}, status=404)
    certificate = selectors.Certificate.objects.select_related("user").get(
        pk=certificate.pk
    )
    if certificate.revoked_at is not None:
        return _json(openbadges.assertion_revoked(certificate), status=410)
    return _json(openbadges.assertion(certificate))


@require_GET
def badge_class(request, course_id: int):
    course = get_object_or_404(
        CoursePage.objects.defer_streamfields(),
        pk=course_id,
        certificate_enabled=True,
    )
    return _json(openbadges.badge_class(course))


@require_GET
def badge_issuer(request):
    return _json(openbadges.issuer_profile(services.issuer_current()))


@role_required(roles.TRAINER, roles.ADMIN)
@require_GET
def certificate_preview(request, course_id: int, design: str):
    """A design with sample data and the course's title, for trainers (PDF)."""
    if design not in DESIGNS:
        raise Http404
    course = get_object_or_404(CoursePage.objects.defer_streamfields(), pk=course_id)
    issuer = services.issuer_current()
    completed = timezone.localdate()
    validity = course.certificate_validity_months
    sample = SimpleNamespace(
        holder_name=_("Zhang Xiaoming"),
        course_title=course.title,
        hours=Decimal(course.credit_hours),
        completed_on=completed,
        issuer_name=issuer.name if issuer else services.DEFAULT_ISSUER,
        serial=f"LX-{completed.year}-000000",
        design=design,
        expires_on=services.months_add(completed, validity) if validity else None,
    )
    data = certificate_pdf_render(
        certificate=sample,
        verify_url=settings.LIANXIN_SITE_URL.rstrip("/") + "/certificates/verify/…/",
        seal=issuer.seal if issuer and issuer.seal else None,
    )
    return _pdf_response(data, f"preview-{design}.pdf", attachment=False)
