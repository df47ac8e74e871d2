"""Where each served resource type comes from: the rows it is mapped from (the export's own
querysets and mappers), how an id finds its row, and which search parameters filter them.

A type may be mapped from several kinds of row (an Observation is a measurement, or the weight
or height taken at a consultation): each is a ``Source``, and a search pages through them in
order. A resource with no row of its own has an id derived from its record's (uuid5,
``context.derived_id``), which cannot be turned back: such an id is found by deriving the id of
each candidate row (``Source.derive``; ``docs/fhir.md`` gives the cost)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from mesoclinic.clinics.models import Clinic
from mesoclinic.fhir.api.params import date_q, parse_date, parse_reference, parse_token
from mesoclinic.fhir.context import ExportContext, derived_id
from mesoclinic.patients.models import Patient

Rows = QuerySet[Any]
# A search parameter's filter: the rows, and the value's comma-separated alternatives.
Filter = Callable[[ExportContext, Rows, list[str]], Rows]
# Maps one page of rows to their resources (a row may map to none: an empty allergy text).
PageMapper = Callable[[ExportContext, list[Any]], list[dict[str, Any]]]


def each(to_resource: Callable[[ExportContext, Any], dict[str, Any] | None]) -> PageMapper:
    def mapper(ctx: ExportContext, rows: list[Any]) -> list[dict[str, Any]]:
        return [r for r in (to_resource(ctx, row) for row in rows) if r is not None]

    return mapper


def patient_filter(lookup: str) -> Filter:
    """``patient=Patient/<id>``: the rows of those patients of the clinic (``lookup`` is the
    path to the row's patient; a patient of another clinic matches nothing)."""

    def apply(ctx: ExportContext, rows: Rows, values: list[str]) -> Rows:
        ids = [parse_reference("patient", v, "Patient") for v in values]
        patients = Patient.objects.for_clinic(ctx.clinic).filter(public_id__in=ids)
        return rows.filter(**{f"{lookup}__in": patients.values("pk")})

    return apply


def date_filter(name: str, lookup: str, *, day: bool) -> Filter:
    def apply(ctx: ExportContext, rows: Rows, values: list[str]) -> Rows:
        q = Q()
        for value in values:
            q |= date_q(
                lookup, parse_date(name, value, ctx.clinic.zone), day=day, zone=ctx.clinic.zone
            )
        return rows.filter(q)

    return apply


def token_filter(name: str, match: Callable[[ExportContext, str | None, str | None], Q]) -> Filter:
    def apply(ctx: ExportContext, rows: Rows, values: list[str]) -> Rows:
        q = NOTHING
        for value in values:
            token = parse_token(name, value)
            q |= match(ctx, token.system, token.code)
        return rows.filter(q)

    return apply


def lot_number(lookup: str) -> Filter:
    """``lot-number=<lot>``: the exact lot number as printed (a recall over the API)."""

    def match(ctx: ExportContext, system: str | None, code: str | None) -> Q:
        return Q(**{lookup: code}) if code else Q(pk__in=[])

    return token_filter("lot-number", match)


NOTHING = Q(pk__in=[])
# Every row. Not Q(): an empty Q is dropped when combined, so NOTHING | Q() is still nothing.
EVERYTHING = Q(pk__isnull=False)


@dataclass(frozen=True)
class Source:
    """One kind of row a resource type is mapped from.

    ``rows`` gives the clinic's rows (the export's queryset); ``to_resources`` maps a page of
    them. A resource's id is the row's ``public_id``, or, when ``derive`` is given, derived
    from the values of ``derived_from``. ``filters`` are the search parameters it answers."""

    rows: Callable[[ExportContext], Rows]
    to_resources: PageMapper
    filters: Mapping[str, Filter] = field(default_factory=dict)
    derive: Callable[..., str] | None = None
    derived_from: tuple[str, ...] = ()

    def with_ids(self, rows: Rows, ids: Sequence[str]) -> Rows:
        """The rows whose resource has one of ``ids``."""
        if self.derive is None:
            uuids = []
            for value in ids:
                try:
                    uuids.append(uuid.UUID(value))
                except ValueError:
                    continue
            return rows.filter(public_id__in=uuids)
        wanted = {value.lower() for value in ids}
        # The id cannot be turned back into its record: derive each candidate's and compare.
        found = [
            pk
            for pk, *values in rows.values_list("pk", *self.derived_from).iterator(chunk_size=5000)
            if self.derive(*values) in wanted
        ]
        return rows.filter(pk__in=found)


def derived(what: str) -> Callable[..., str]:
    def derive(public_id: uuid.UUID) -> str:
        return derived_id(public_id, what)

    return derive


@dataclass(frozen=True)
class SearchParam:
    """A search parameter as the CapabilityStatement declares it."""

    name: str
    type: str
    definition: str
    documentation: str


@dataclass(frozen=True)
class ResourceType:
    """A served resource type: its sources, or a fixed resource with no row (``static``)."""

    name: str
    sources: tuple[Source, ...] = ()
    static: Callable[[Clinic | None], dict[str, Any]] | None = None
    params: tuple[SearchParam, ...] = ()
    # _include values (``Observation:patient``) and the type each one includes.
    includes: Mapping[str, str] = field(default_factory=dict)
    public: bool = False  # readable without a token (holds nothing of a clinic)

    @property
    def param_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)
