"""Signing a session from its page: the signing gates (consent, screening, contraindication
override or acknowledgement) and the dose-check override come from the sign form, the service
decides, and the signature and every override are audited in the same transaction."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import back_to_record, current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.records.services import SigningError
from mesoclinic.treatments import services
from mesoclinic.treatments.forms import SignForm
from mesoclinic.treatments.views import _render_detail, _session


@require_http_methods(["GET", "POST"])
@requires(Perm.SIGN)
def session_sign(request: HttpRequest, public_id: str) -> HttpResponse:
    """Sign, or refuse with every reason; a dose-check violation needs a written override."""
    membership = current_membership(request)
    session = _session(membership, Perm.SIGN, public_id)
    if request.method != "POST":
        # Reloading or going back after a refused signature lands on the session's page,
        # which lists what stands in the way, not on an error.
        return back_to_record(request, "treatments:detail", session.public_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in errors:
                messages.error(
                    request,
                    gettext("Not signed. %(label)s: %(error)s") % {"label": label, "error": error}
                    if label
                    else gettext("Not signed. %(error)s") % {"error": error},
                )
        return _render_detail(request, session, membership, sign_form=form)
    reason = form.cleaned_data["override_reason"] if form.cleaned_data["override"] else ""
    gate_arguments = form.gate_arguments()
    try:
        with transaction.atomic():
            session = services.sign_session(
                session,
                membership,
                dose_override_reason=reason,
                dose_check_seen=form.cleaned_data["dose_check"],
                **gate_arguments,
            )
            acknowledged = len(session.relative_contraindications_acknowledged)
            record(
                request,
                Action.SIGN,
                obj=session,
                detail=f"{acknowledged} relative contraindication(s) acknowledged"
                if acknowledged
                else "",
            )
            if session.contraindication_overridden:
                # A count only: the findings themselves are the patient's clinical data.
                count = len(session.contraindication_override_findings)
                record(
                    request,
                    Action.OVERRIDE,
                    obj=session,
                    detail=f"contraindication overridden: {count} absolute finding(s)",
                )
            if session.dose_overridden:
                # Rule codes and substances only: the messages carry the patient's weight.
                overridden = sorted(
                    {
                        f"{v['rule']} {v['substance'] or ''}".strip()
                        for v in session.dose_override_violations
                    }
                )
                record(
                    request,
                    Action.OVERRIDE,
                    obj=session,
                    detail="dose check overridden: " + "; ".join(overridden),
                )
    except services.SessionSignError as exc:
        for problem in exc.problems:
            messages.error(request, gettext("Not signed. %(error)s") % {"error": problem})
        confirming = (
            gate_arguments["contraindication_override_reason"]
            or (gate_arguments["relative_acknowledged"])
        )
        if isinstance(exc, services.DoseOverrideRequired) or confirming:
            # Show the form again with what was typed, rather than lose the reason.
            return _render_detail(request, session, membership, sign_form=form)
    except SigningError as exc:
        messages.error(request, gettext("Not signed. %(error)s") % {"error": exc})
    else:
        contraindication, dose = session.contraindication_overridden, session.dose_overridden
        if contraindication and dose:
            signed = gettext(
                "Session signed with a contraindication override and a dose-check override; "
                "lot stock updated."
            )
        elif contraindication:
            signed = gettext("Session signed with a contraindication override; lot stock updated.")
        elif dose:
            signed = gettext("Session signed with a dose-check override; lot stock updated.")
        else:
            signed = gettext("Session signed; lot stock updated.")
        messages.success(request, signed)
    return redirect("treatments:detail", public_id=session.public_id)
