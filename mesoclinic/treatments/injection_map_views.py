"""Injection map pages: place and remove points on a draft, amend a signed line's map, and the
printable session summary that carries the map."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record
from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.permissions import current_membership, requires
from mesoclinic.clinics.roles import Perm
from mesoclinic.records.models import ImmutableRecordError
from mesoclinic.records.services import SigningError
from mesoclinic.treatments import injection_map as imap
from mesoclinic.treatments.injection_map_forms import MapAmendmentForm, PlacePointForm
from mesoclinic.treatments.injection_map_models import Diagram, InjectionMapPoint
from mesoclinic.treatments.models import TreatmentSession


def _session(membership: Membership, perm: Perm, public_id: Any) -> TreatmentSession:
    return get_object_or_404(
        TreatmentSession.objects.restrict(membership, perm).select_related("patient", "clinic"),
        public_id=public_id,
    )


def _chosen(session_map: imap.SessionMap, request: HttpRequest) -> imap.LineMap | None:
    """The line named by ``?line=`` (or posted), else the first line; a post acts only on
    the line it names (None when that is not a line of the session in effect)."""
    wanted = request.POST.get("line") or request.GET.get("line") or ""
    for line_map in session_map.lines:
        if str(line_map.line.public_id) == wanted:
            return line_map
    if request.method == "POST":
        return None
    return session_map.lines[0] if session_map.lines else None


def _diagram(request: HttpRequest, line_map: imap.LineMap | None) -> str:
    wanted = request.POST.get("diagram") or request.GET.get("diagram") or ""
    if wanted in Diagram.values:
        return wanted
    return line_map.diagram if line_map else Diagram.FACE_FRONT


def _map_url(session: TreatmentSession, line_map: imap.LineMap, diagram: str) -> str:
    url = reverse("treatments:map", args=[session.public_id])
    return f"{url}?line={line_map.line.public_id}&diagram={diagram}"


@requires(Perm.EDIT_CLINICAL)
def map_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """A draft's map for one line and diagram: the diagram, the place form and the points."""
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    session_map = imap.session_map(session)
    line_map = _chosen(session_map, request)
    diagram = _diagram(request, line_map)
    form = PlacePointForm(initial={"diagram": diagram})
    record(request, Action.VIEW, obj=session, detail="injection map")
    return _render_editor(request, session, session_map, line_map, diagram, form)


def _render_editor(
    request: HttpRequest,
    session: TreatmentSession,
    session_map: imap.SessionMap,
    line_map: imap.LineMap | None,
    diagram: str,
    form: PlacePointForm,
    status: int = 200,
) -> HttpResponse:
    points: list[InjectionMapPoint] = []
    if line_map is not None and not session.is_signed:
        points = list(line_map.line.map_points.filter(diagram=diagram, amendment__isnull=True))
    context = {
        "s": session,
        "patient": session.patient,
        "map": session_map,
        "current": line_map,
        "diagram": diagram,
        "diagrams": Diagram.choices,
        "view": session_map.diagrams(diagram, line_map.line.pk if line_map else None)[0],
        "form": form,
        "points": [(p, int(p.x * imap.SCALE), int(p.y * imap.SCALE)) for p in points],
        "grid": imap.GRID,
        "editable": not session.is_signed and line_map is not None,
    }
    return render(request, "treatments/injection_map.html", context, status=status)


@require_POST
@requires(Perm.EDIT_CLINICAL)
def map_place(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    session_map = imap.session_map(session)
    line_map = _chosen(session_map, request)
    form = PlacePointForm(request.POST)
    if session.is_signed:
        messages.error(request, gettext("The session is signed; amend its map instead."))
        return redirect("treatments:detail", public_id=session.public_id)
    if line_map is None:
        messages.error(request, gettext("Choose one of the session's injection lines."))
        return redirect("treatments:map", public_id=session.public_id)
    if form.is_valid():
        try:
            with transaction.atomic():
                point = imap.place_point(session, line_map.line, form.mark())
                record(
                    request,
                    Action.UPDATE,
                    obj=session,
                    detail=f"injection map point placed {point.public_id}",
                )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(_map_url(session, line_map, point.diagram))
    diagram = _diagram(request, line_map)
    return _render_editor(request, session, session_map, line_map, diagram, form, status=200)


@require_POST
@requires(Perm.EDIT_CLINICAL)
def map_remove(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = current_membership(request)
    session = _session(membership, Perm.EDIT_CLINICAL, public_id)
    try:
        point_id = uuid.UUID(request.POST.get("point", ""))
    except ValueError:
        point_id = None
    point = get_object_or_404(
        InjectionMapPoint.objects.restrict(membership, Perm.EDIT_CLINICAL).select_related("line"),
        session=session,
        public_id=point_id,
    )
    try:
        with transaction.atomic():
            imap.remove_point(point)
            record(
                request,
                Action.UPDATE,
                obj=session,
                detail=f"injection map point removed {point_id}",
            )
    except ImmutableRecordError:
        messages.error(request, gettext("The session is signed; amend its map instead."))
        return redirect("treatments:detail", public_id=session.public_id)
    url = reverse("treatments:map", args=[session.public_id])
    return redirect(f"{url}?line={point.line.public_id}&diagram={point.diagram}")


@requires(Perm.SIGN)
def map_amend(request: HttpRequest, public_id: str) -> HttpResponse:
    """A signed line's map corrected by amendment; the map as signed stays readable."""
    membership = current_membership(request)
    session = _session(membership, Perm.SIGN, public_id)
    if not session.is_signed:
        messages.error(
            request,
            gettext("A draft's map is edited directly; amendments are for signed sessions."),
        )
        return redirect("treatments:map", public_id=session.public_id)
    session_map = imap.session_map(session)
    line_map = _chosen(session_map, request)
    if line_map is None:
        if session_map.lines:
            messages.error(request, gettext("Choose one of the session's injection lines."))
            return redirect("treatments:map_amend", public_id=session.public_id)
        messages.error(request, gettext("This session has no injection line to map."))
        return redirect("treatments:detail", public_id=session.public_id)
    initial = {"marks": "\n".join(m.text() for m in line_map.marks)}
    form = MapAmendmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                imap.amend_line_map(
                    session,
                    membership,
                    line_map.line,
                    form.cleaned_data["reason"],
                    form.cleaned_data["marks"],
                )
                record(request, Action.AMEND, obj=session, detail="injection map")
        except (SigningError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(
                request, gettext("Map amendment recorded; the map as signed stays readable.")
            )
            return redirect("treatments:detail", public_id=session.public_id)
    diagram = _diagram(request, line_map)
    record(request, Action.VIEW, obj=session, detail="injection map amendment form")
    return render(
        request,
        "treatments/injection_map_amend.html",
        {
            "s": session,
            "patient": session.patient,
            "map": session_map,
            "current": line_map,
            "form": form,
            "view": session_map.diagrams(diagram, line_map.line.pk)[0],
            "diagram": diagram,
            "grid": imap.GRID,
        },
    )


@requires(Perm.VIEW_CLINICAL)
def map_fragment(request: HttpRequest, public_id: str) -> HttpResponse:
    """The session's map alone, as the chart loads it when its "Injection map" is opened: the
    chart does not draw every session's map on every view (issue 11)."""
    membership = current_membership(request)
    session = _session(membership, Perm.VIEW_CLINICAL, public_id)
    if not getattr(request, "htmx", False):
        # Opened as a page (a bookmark, a new tab, no script): the session's own page holds
        # the map with everything a page needs (title, language, navigation).
        return redirect(reverse("treatments:detail", args=[session.public_id]))
    record(request, Action.VIEW, obj=session, detail="injection map")
    context = {"s": session, "map": imap.session_map(session), "links": False}
    return render(request, "treatments/_injection_map.html", context)


@requires(Perm.VIEW_CLINICAL)
def session_summary(request: HttpRequest, public_id: str) -> HttpResponse:
    """The session on one printable page: header, areas, lines and the injection map."""
    membership = current_membership(request)
    session = get_object_or_404(
        TreatmentSession.objects.restrict(membership, Perm.VIEW_CLINICAL).select_related(
            "patient", "practitioner", "clinic"
        ),
        public_id=public_id,
    )
    record(request, Action.VIEW, obj=session, detail="printable summary")
    session_map = imap.session_map(session)
    return render(
        request,
        "treatments/session_summary.html",
        {
            "s": session,
            "patient": session.patient,
            "areas": list(session.areas.all()),
            "map": session_map,
            "amendments": session.amendment_rows(),
        },
    )
