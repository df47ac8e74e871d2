"""The second sign-in step: verify, enrol, and one's own devices; the clinic's rule."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.language import chosen_language, set_language
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.mfa import policy, services
from mesoclinic.mfa.forms import ClinicPolicyForm, CodeForm, LanguageForm, PasswordForm
from mesoclinic.mfa.middleware import State, state
from mesoclinic.mfa.models import RecoveryCodeDevice


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _device_name(device: Any) -> str:
    """A device's name as shown: the names this app gives its own devices are translated;
    a name the person typed (a passkey's) is theirs."""
    if device.name in (services.TOTP_NAME, "Recovery codes"):
        return _(device.name)
    return str(device.name)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    # Shown once, in this response only: nothing keeps them but their digests.
    return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, a recovery code, or a passkey."""
    user: Any = request.user
    if state(request) is not State.VERIFY:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.verify(request, user, form.cleaned_data["code"])
        except services.Throttled as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            if outcome.device is not None:
                return redirect(_next_url(request))
            form.add_error(None, outcome.message)
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    context = {"form": form, "next": _next_url(request), "has_passkey": has_passkey}
    return render(request, "mfa/verify.html", context, status=status)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, type the first code."""
    user: Any = request.user
    device = services.pending_totp(request, user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.confirm_totp(request, user, form.cleaned_data["code"])
        except services.Throttled as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            if outcome.device is not None:
                messages.success(request, _("Authenticator app set up."))
                if RecoveryCodeDevice.objects.filter(user=user, codes__used_at=None).exists():
                    return redirect(_next_url(request))
                return _codes_page(request, services.regenerate_recovery_codes(request, user))
            form.add_error(None, outcome.message)
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
    context = {
        "form": form,
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        "required": policy.is_required(user),
        "has_device": policy.has_authenticator(user),
        "next": _next_url(request),
    }
    return render(request, "mfa/enrol.html", context, status=status)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    context = {
        "devices": [
            (
                d,
                _("Passkey") if isinstance(d, WebAuthnCredential) else _("Authenticator app"),
                _device_name(d),
            )
            for d in policy.authenticators(user)
        ],
        "codes_left": device.codes.filter(used_at=None).count() if device else 0,
        "required": policy.is_required(user),
        "form": PasswordForm(),
        "language_form": LanguageForm(initial={"language": chosen_language(user)}),
    }
    return render(request, "mfa/manage.html", context)


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """One's own language (clinics.language): the next page is in it."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        chosen = form.cleaned_data["language"]
        set_language(request.user, chosen)
        record(request, Action.UPDATE, detail=f"own language: {chosen or 'clinic default'}")
        if chosen:  # the message below in the language just chosen
            translation.activate(chosen)
        messages.success(request, _("Your language is saved."))
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect("mfa:manage")


def _reauthenticated(request: HttpRequest, form: PasswordForm) -> bool:
    if not form.is_valid():
        messages.error(request, _("Type your password to make this change."))
        return False
    try:
        error = services.reauthenticate(request, request.user, form.cleaned_data["password"])
    except services.Throttled as exc:
        error = str(exc)
    if error:
        messages.error(request, error)
        return False
    return True


@login_required
@require_POST
def remove_device(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    if not _reauthenticated(request, form):
        return redirect("mfa:manage")
    device = Device.from_persistent_id(form.cleaned_data["device"])
    if (
        device is None
        or device.user_id != request.user.pk
        or isinstance(device, RecoveryCodeDevice)
    ):
        messages.error(request, _("That device is not one of yours."))
        return redirect("mfa:manage")
    services.remove_device(request, request.user, device)
    if device.name:
        messages.success(request, _("Removed %(name)s.") % {"name": _device_name(device)})
    else:
        messages.success(request, _("Removed the device."))
    return redirect("mfa:manage")


@login_required
@require_POST
def regenerate_codes(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST)
    if not _reauthenticated(request, form):
        return redirect("mfa:manage")
    if not policy.has_authenticator(request.user):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect("mfa:manage")
    return _codes_page(request, services.regenerate_recovery_codes(request, request.user))


@requires(Perm.MANAGE_CLINIC)
@require_POST
def clinic_policy(request: HttpRequest) -> HttpResponse:
    """The clinic admin's rule, posted from the clinic settings page."""
    clinic = current_membership(request).clinic
    form = ClinicPolicyForm(request.POST)
    if form.is_valid():
        changed = services.set_required_for(request, clinic, form.cleaned_data["required_for"])
        messages.success(
            request, _("Second-step rule saved.") if changed else _("Nothing changed.")
        )
    else:
        messages.error(request, _("Choose who must pass the second sign-in step."))
    return redirect("clinic_settings")
