"""The patient's check-in page: no account, a signed link, and nothing about them in the URL.

Every refusal (expired, revoked, changed, another check-in's link, already answered) gets a
plain page with a 403 or 410 that says what to do, and shows nothing of the check-in.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from mesoclinic.aftercare.forms import CheckInForm
from mesoclinic.aftercare.language import patient_language
from mesoclinic.aftercare.models import CheckIn, CheckInLink
from mesoclinic.aftercare.questions import (
    OutcomeQuestion,
    Symptom,
    outcome_questions,
    symptoms_for,
)
from mesoclinic.aftercare.reporting import AlreadyAnsweredError, is_submental, record_response
from mesoclinic.aftercare.tokens import NO_SESSION, Refusal, resolve
from mesoclinic.audit.choices import Action
from mesoclinic.audit.services import record


def _private(response: HttpResponse) -> HttpResponse:
    # The page is about one person's health: never cached (never_cache) nor indexed. The
    # site-wide same-origin referrer policy stays: "no-referrer" would make the browser send
    # "Origin: null" with the form, which CSRF protection rightly refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    record(
        request,
        Action.DENIED,
        obj=refusal.link.check_in if refusal.link else None,
        detail=f"aftercare link refused: {refusal.reason}",
    )
    # A link that names its check-in is answered in its patient's language; an unknown one
    # in the browser's (the locale middleware's choice).
    browser = translation.get_language()
    language = patient_language(refusal.link.check_in.patient, browser) if refusal.link else browser
    with translation.override(language):
        return _private(
            render(
                request, "aftercare/link_refused.html", {"refusal": refusal}, status=refusal.status
            )
        )


def _questions(check_in: CheckIn) -> tuple[tuple[Symptom, ...], list[OutcomeQuestion]]:
    session = check_in.session
    symptoms = symptoms_for(is_submental(session))
    scales = []
    if check_in.asks_outcomes:
        sites = [(a.area, a.side) for a in session.areas.all()]
        scales = outcome_questions(session.indication, sites)
    return symptoms, scales


def _session_key(public_id: uuid.UUID) -> str:
    return f"aftercare-link-{public_id}"


@never_cache
def open_link(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    """The link from the message: check it, keep the token in the browser's session, and
    redirect to a URL without it (as Django's password reset does), so the token is not
    left in the history, in a Referer header or in a server's error log."""
    found = resolve(public_id, token)
    if isinstance(found, Refusal):
        return _refused(request, found)
    request.session[_session_key(public_id)] = token
    return redirect("aftercare_patient:form", public_id=public_id)


@never_cache
def check_in(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    token = request.session.get(_session_key(public_id))
    if not token:
        return _refused(request, NO_SESSION)
    found = resolve(public_id, token)
    if isinstance(found, Refusal):
        return _refused(request, found)
    # The patient answers in their own language, whatever the browser asks for.
    with translation.override(patient_language(found.check_in.patient, translation.get_language())):
        return _answer(request, public_id, token, found)


def _answer(
    request: HttpRequest, public_id: uuid.UUID, token: str, link: CheckInLink
) -> HttpResponse:
    item = link.check_in
    symptoms, scales = _questions(item)
    form = CheckInForm(
        request.POST or None,
        request.FILES or None,
        symptoms=symptoms,
        outcome_questions=scales,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _response, escalations = record_response(
                request,
                item,
                form.answers(),
                scales,
                photo=form.cleaned_data.get("photo"),
                link=link,
            )
        except AlreadyAnsweredError:
            refusal = resolve(public_id, token)
            return _refused(request, refusal if isinstance(refusal, Refusal) else NO_SESSION)
        request.session.pop(_session_key(public_id), None)
        urgent = any(e.is_red_flag for e in escalations)
        return _private(
            render(
                request, "aftercare/check_in_thanks.html", {"urgent": urgent, "clinic": item.clinic}
            )
        )
    if request.method == "GET":
        record(request, Action.VIEW, obj=item, detail="aftercare link opened by the patient")
    return _private(
        render(
            request,
            "aftercare/check_in_form.html",
            {
                "form": form,
                "check_in": item,
                "clinic": item.clinic,
                "session_day": item.session.performed_at,
            },
        )
    )
