"""Correcting an injection line of a signed session (practitioners only): the form with the
dose check of the corrected lines and the lot's state on the session's date, then the save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.records.services import SigningError
from mesoclinic.treatments import corrections
from mesoclinic.treatments.correction_forms import LineCorrectionForm
from mesoclinic.treatments.dose_display import total_lines
from mesoclinic.treatments.dose_input import check_session_dose
from mesoclinic.treatments.models import Injection, TreatmentSession

SEE_DOSE_FIRST = _(
    "Not saved yet: the dose check below is for your corrected values. Review it and the "
    "lot's state, then save the correction."
)


def _context(
    session: TreatmentSession, row: corrections.LineRow, form: LineCorrectionForm
) -> dict[str, Any]:
    """The page: the line as it stands, and for the form's values (the line's own on first
    view) the lot warnings and the dose check of all the session's lines as corrected."""
    values = form.values() if form.is_bound and form.is_valid() else None
    lines = (
        corrections.corrected_lines(session, row.line, values)
        if values is not None
        else session.lines_in_effect()
    )
    dose = check_session_dose(session, lines)
    lot = values.lot if values is not None else row.line.lot
    return {
        "s": session,
        "patient": session.patient,
        "row": row,
        "form": form,
        "dose": dose,
        "dose_rows": total_lines(dose),
        "lot_warnings": corrections.lot_warnings(session, lot),
        "corrected_total_ml": sum((line.volume_ml for line in lines), start=Decimal(0)),
    }


@requires(Perm.SIGN)
def line_correct(request: HttpRequest, public_id: Any, line_id: Any) -> HttpResponse:
    membership = current_membership(request)
    session = get_object_or_404(
        TreatmentSession.objects.restrict(membership, Perm.SIGN).select_related(
            "patient", "clinic"
        ),
        public_id=public_id,
    )
    line = get_object_or_404(
        session.injections.select_related("product", "lot", "session__clinic"), public_id=line_id
    )
    if not session.is_signed:
        messages.error(
            request, gettext("A draft's lines are edited directly: remove the line, add it again.")
        )
        return redirect("treatments:detail", public_id=session.public_id)
    row = next((r for r in corrections.line_rows(session) if r.line.pk == line.pk), None)
    if row is None:
        messages.error(
            request,
            gettext("That line has since been corrected; correct the line as it now stands."),
        )
        return redirect("treatments:detail", public_id=session.public_id)
    form = LineCorrectionForm(request.POST or None, session=session, line=row.line)
    if request.method == "POST" and form.is_valid():
        fingerprint = form.values().fingerprint()
        if request.POST.get("action") != "save" or form.cleaned_data["checked"] != fingerprint:
            # Show the dose check and lot state of exactly these values before any save.
            data = request.POST.copy()
            data["checked"] = fingerprint
            form = LineCorrectionForm(data, session=session, line=row.line)
            if request.POST.get("action") == "save":
                messages.warning(request, SEE_DOSE_FIRST)
        else:
            saved = _save(request, form, row.line)
            if saved is not None:
                messages.success(
                    request,
                    gettext(
                        "Line %(number)s corrected; the original stays readable below it. "
                        "Recall, safety signals, dose totals and exports now use the correction."
                    )
                    % {"number": row.number},
                )
                return redirect("treatments:detail", public_id=session.public_id)
    elif request.method != "POST":
        form.initial["checked"] = corrections.LineValues.of(row.line).fingerprint()
    record(request, Action.VIEW, obj=session, detail=f"line correction form {line.public_id}")
    return render(request, "treatments/line_correct.html", _context(session, row, form))


def _save(request: HttpRequest, form: LineCorrectionForm, line: Injection) -> Injection | None:
    membership = current_membership(request)
    try:
        with transaction.atomic():
            new = corrections.correct_line(
                line, membership, form.cleaned_data["reason"], form.values()
            )
            assert new.amendment is not None
            # Field names and line ids only: values (a lot number, a volume) stay in the record.
            record(
                request,
                Action.AMEND,
                obj=line.session,
                detail=f"injection line {line.public_id} corrected as {new.public_id}: "
                + ", ".join(corrections.changed_fields(new.amendment)),
            )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
    except SigningError as exc:
        form.add_error(None, str(exc))
        return None
    return new
