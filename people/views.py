"""Sign-in (with an optional TOTP step), sign-out and the home redirect."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .audit import audit_record
from .forms import SignInForm, TokenForm

PENDING_KEY = "lianxin_otp_pending"
MAX_TOKEN_FAILURES = 5


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        # The Wagtail and Django admins send a signed-in user who may not use
        # them here with ?next=; bouncing back would loop for ever. Offer to
        # sign in with another account instead.
        self.redirect_authenticated_user = not (
            request.user.is_authenticated and self.redirect_field_name in request.GET
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context["signed_in_as"] = self.request.user
        return context

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_totp(user) is not None:
            # Password right; the session is not signed in until the code is.
            self.request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "failures": 0,
            }
            return redirect("people:otp_verify")
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Second step of sign-in for users who enrolled a TOTP device."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("people:login")
    user = (
        get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    )
    device = confirmed_totp(user) if user else None
    if device is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("people:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending.get("next") or reverse("people:home")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("people:home")
            return redirect(target)
        pending["failures"] += 1
        audit_record(action="otp_failed", obj=user, request=request)
        if pending["failures"] >= MAX_TOKEN_FAILURES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("people:login")
        request.session[PENDING_KEY] = pending
        form.add_error("token", _("That code is wrong or has expired."))
    return render(request, "registration/otp_verify.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """HR and admin users enrol (or remove) a TOTP authenticator."""
    if not roles.has_role(request.user, roles.HR, roles.ADMIN):
        raise PermissionDenied
    device = confirmed_totp(request.user)
    form = TokenForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "remove":
            if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
                TOTPDevice.objects.filter(user=request.user).delete()
                audit_record(action="otp_removed", obj=request.user, request=request)
                messages.success(request, _("Two-step sign-in is now off."))
                return redirect("people:otp_setup")
            form.add_error("token", _("That code is wrong or has expired."))
        return render(
            request, "registration/otp_setup.html", {"device": device, "form": form}
        )

    pending, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "TOTP"}
    )
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            audit_record(action="otp_enrolled", obj=request.user, request=request)
            messages.success(
                request, _("Two-step sign-in is on. You will be asked for a code.")
            )
            return redirect("people:otp_setup")
        form.add_error("token", _("That code is wrong or has expired."))
    context = {
        "form": form,
        "qr": _qr_svg(pending.config_url),
        "secret": base64.b32encode(pending.bin_key).decode(),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def home(request):
    """Send each person to the home of their main role."""
    held = roles.user_roles(request.user)
    if roles.HR in held:
        return redirect("records:home")
    if held & {roles.ADMIN, roles.TRAINER, roles.REVIEWER} and roles.WORKER not in held:
        return redirect("wagtailadmin_home")
    return redirect("courses:my_learning")


class SignOutView(auth_views.LogoutView):
    pass
