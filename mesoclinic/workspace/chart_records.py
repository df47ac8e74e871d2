"""The timeline's entries of a consultation, a consent and a patient message, written in
Python (each was a template, ``_entry_<kind>.html``, until issue 11; the template tag
``chart_rows.timeline_entry`` draws every entry), and the records' addresses.

The markup, the msgids, the translations and the escaping are the templates', byte for byte
(``bench/chart_snapshot.py`` compares every demo chart): a translated text is not escaped
(``{% translate %}`` trusts the template's text), a value is.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext, ngettext, pgettext

# A UUID no record has, to reverse an address once and put each record's id in its place.
_SENTINEL = str(uuid.UUID(int=0))


@functools.lru_cache(maxsize=64)
def _address_parts(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    # Keyed by what reverse() reads besides the name: the request's script prefix and urlconf
    # (the URL patterns themselves do not change in a process; Django's own reverse caches
    # them the same way). No record's data is kept: only the address around the id.
    address = reverse(name, args=[_SENTINEL], urlconf=urlconf)
    head, _, tail = address.partition(_SENTINEL)
    return head, tail


def address_of(name: str) -> Callable[[uuid.UUID], str]:
    """``reverse(name, args=[public_id])`` without a reverse per record (about 40 µs each): a
    UUID converter writes the id as ``str(id)``, which needs no quoting."""
    head, tail = _address_parts(name, get_script_prefix(), get_urlconf())
    return lambda public_id: f"{head}{public_id}{tail}"


def signed_badge(is_signed: bool, signed: str, unsigned: str) -> str:
    """A record's state: the translated ``signed`` text as a signed badge, else ``unsigned``
    as a draft one (the texts differ by record: "awaiting signature" for a consent)."""
    if is_signed:
        return f'<span class="badge signed">{signed}</span>'
    return f'<span class="badge draft">{unsigned}</span>'


def _when(value: Any, format_name: str) -> str:
    """``{{ value|date:format_name }}``: in the current zone, as the filter reads it."""
    return conditional_escape(date_filter(template_localtime(value), format_name))


def consultation_entry(day: Any, r: Any) -> str:
    """A consultation, as ``_entry_consultation.html`` wrote it."""
    address = conditional_escape(address_of("consultations:detail")(r.public_id))
    title = gettext("Consultation")
    state = signed_badge(r.is_signed, pgettext("consultation", "signed"), gettext("draft"))
    counts = r.finding_counts
    findings = ""
    if counts.get("absolute"):
        n = counts["absolute"]
        text = ngettext("%(counter)s absolute", "%(counter)s absolute", n) % {
            "counter": conditional_escape(localize(n))
        }
        findings += f'<span class="badge absolute">{text}</span>'
    if counts.get("relative"):
        n = counts["relative"]
        text = ngettext("%(counter)s relative", "%(counter)s relative", n) % {
            "counter": conditional_escape(localize(n))
        }
        findings += f' <span class="badge relative">{text}</span>'
    labels = r.indication_labels
    indications = ""
    if labels:
        indications = " · " + ", ".join(conditional_escape(label) for label in labels)
    return (
        f'<div><strong>{_when(day, "SHORT_DATE_FORMAT")}</strong> · <a href="{address}">'
        f"{title}</a>\n  {state}\n  {findings}\n"
        f'  <span class="muted">{conditional_escape(r.clinician_name)}{indications}</span>\n'
        "</div>\n"
    )


def consent_entry(day: Any, r: Any) -> str:
    """A consent, as ``_entry_consent.html`` wrote it."""
    address = conditional_escape(address_of("consent:detail")(r.public_id))
    title = gettext("Consent: %(title)s v%(version)s") % {
        "title": conditional_escape(r.template.title),
        "version": conditional_escape(localize(r.template.template_version)),
    }
    withdrawn = ""
    if r.is_withdrawn:
        withdrawn = pgettext("consent", "withdrawn")
        withdrawn = f'<span class="badge bad">{withdrawn}</span>'
    state = signed_badge(r.is_signed, pgettext("consent", "signed"), gettext("awaiting signature"))
    photos = ""
    if r.photo_consent:
        photos = gettext("photographs consented")
        photos = f'<span class="muted">· {photos}</span>'
    return (
        f'<div><strong>{_when(day, "SHORT_DATE_FORMAT")}</strong> · <a href="{address}">'
        f"{title}</a>\n  {withdrawn}\n  {state}\n  {photos}\n</div>\n"
    )


def message_entry(r: Any) -> str:
    """A reminder, recall or answer sent to the patient, as ``_entry_message.html`` wrote it."""
    title = gettext("Message")
    badge = (
        " warn"
        if r.outcome == "failed"
        else " signed"
        if r.outcome == "sent" or r.outcome == "confirmed"
        else ""
    )
    out = (
        f"<div><strong>{_when(r.at, 'SHORT_DATETIME_FORMAT')}</strong> · {title}: "
        f"{conditional_escape(r.get_kind_display())} · "
        f"{conditional_escape(r.get_channel_display())}\n"
        f'  <span class="badge{badge}">{conditional_escape(r.get_outcome_display())}</span>'
        "</div>\n"
    )
    appointment = r.appointment
    if appointment:
        label = gettext("Appointment")
        address = conditional_escape(address_of("appointments:detail")(appointment.public_id))
        out += (
            f'<div class="muted">{label}: <a href="{address}">'
            f"{conditional_escape(appointment.appointment_type.name)}, "
            f"{_when(appointment.starts_at, 'SHORT_DATETIME_FORMAT')}</a></div>"
        )
    return out + "\n"
