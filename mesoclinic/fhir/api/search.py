"""Running a search: the query parsed and checked, each source filtered, counted and paged
in a stable order (by row), the page mapped, and the ``_include``d resources fetched.

The number of queries does not depend on ``_count``: a page is one query per source it
reaches, plus that source's prefetches, plus one query per ``_include``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from mesoclinic.fhir.api.outcome import FhirError
from mesoclinic.fhir.api.params import split_or
from mesoclinic.fhir.api.registry import TYPES
from mesoclinic.fhir.api.sources import ResourceType, Rows, Source
from mesoclinic.fhir.context import ExportContext

DEFAULT_COUNT = 50
MAX_COUNT = 500
# Parameters about the answer, not the resources: accepted by every search.
CONTROL = ("_count", "_offset", "_format", "_include")


@dataclass
class Query:
    """A checked search: filters (each occurrence of a parameter, its alternatives), the ids
    asked for (``_id``), the page and the includes."""

    filters: list[tuple[str, list[str]]] = field(default_factory=list)
    ids: list[str] | None = None
    count: int = DEFAULT_COUNT
    offset: int = 0
    includes: list[str] = field(default_factory=list)


def _whole(name: str, values: list[str], low: int) -> int:
    if len(values) != 1:
        raise FhirError(400, f"{name}: give it once.")
    try:
        number = int(values[0])
    except ValueError:
        raise FhirError(400, f"{name}: not a whole number.") from None
    if number < low:
        raise FhirError(400, f"{name}: must be {low} or more.")
    return number


def parse_query(rtype: ResourceType, params: QueryDict) -> Query:
    """The search ``params`` for ``rtype``, or FhirError(400) naming what is not understood:
    an unknown parameter, a modifier, an include this type does not offer, a bad value."""
    query = Query()
    for name in params:
        values = params.getlist(name)
        if name == "_format":
            continue
        if name == "_count":
            # More than the maximum is served as the maximum (FHIR lets a server page smaller);
            # the self link says so.
            query.count = min(_whole(name, values, 0), MAX_COUNT)
        elif name == "_offset":
            query.offset = _whole(name, values, 0)
        elif name == "_include":
            for value in values:
                if value not in rtype.includes:
                    offered = ", ".join(rtype.includes) or "none"
                    raise FhirError(400, f"_include: {rtype.name} offers {offered}.")
                query.includes.append(value)
        elif name in rtype.param_names:
            for value in values:
                alternatives = split_or(value)
                if any(not a for a in alternatives):
                    raise FhirError(400, f"{name}: an empty value searches nothing.")
                if name == "_id":
                    query.ids = [a for a in alternatives if query.ids is None or a in query.ids]
                else:
                    query.filters.append((name, alternatives))
        else:
            supported = ", ".join(sorted(rtype.param_names | set(CONTROL)))
            raise FhirError(
                400,
                f"Unknown or unsupported search parameter {name[:40]!r} for {rtype.name}; "
                f"supported: {supported}.",
            )
    return query


def _filtered(ctx: ExportContext, source: Source, query: Query) -> Rows:
    rows = source.rows(ctx)
    for name, values in query.filters:
        rows = source.filters[name](ctx, rows, values)
    if query.ids is not None:
        # Last: a derived id is found by deriving each candidate's, so narrow them first.
        rows = source.with_ids(rows, query.ids)
    return rows


@dataclass
class Page:
    total: int
    resources: list[dict[str, Any]]
    included: list[dict[str, Any]] = field(default_factory=list)


def run(ctx: ExportContext, rtype: ResourceType, query: Query) -> Page:
    if rtype.static is not None:
        resource = rtype.static(ctx.clinic)
        matched = [resource] if query.ids is None or resource["id"] in query.ids else []
        return Page(len(matched), matched[query.offset : query.offset + query.count])
    filtered = [(source, _filtered(ctx, source, query)) for source in rtype.sources]
    counts = [rows.count() for _, rows in filtered]
    resources: list[dict[str, Any]] = []
    skip, wanted = query.offset, query.count
    for (source, rows), found in zip(filtered, counts, strict=True):
        if wanted <= 0:
            break
        if skip >= found:
            skip -= found
            continue
        page = list(rows.order_by("pk")[skip : skip + wanted])
        skip = 0
        wanted -= len(page)
        resources.extend(source.to_resources(ctx, page))
    included = _included(ctx, rtype, query, resources)
    return Page(sum(counts), resources, included)


def read(ctx: ExportContext, rtype: ResourceType, resource_id: str) -> dict[str, Any] | None:
    """The resource ``resource_id`` of the clinic, or None. Sources whose ids are the rows'
    own are tried before those whose ids are derived (which cost a scan)."""
    if rtype.static is not None:
        resource = rtype.static(ctx.clinic)
        return resource if resource["id"] == resource_id else None
    for source in sorted(rtype.sources, key=lambda s: s.derive is not None):
        rows = source.with_ids(source.rows(ctx), [resource_id])
        for resource in source.to_resources(ctx, list(rows.order_by("pk")[:1])):
            return resource
    return None


def references(value: Any, resource_type: str) -> Iterator[str]:
    """The ids of every ``<resource_type>/<id>`` reference anywhere in a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                kind, _, target = item.partition("/")
                if kind == resource_type and target:
                    yield target
            else:
                yield from references(item, resource_type)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, resource_type)


def _included(
    ctx: ExportContext, rtype: ResourceType, query: Query, page: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for include in dict.fromkeys(query.includes):
        target = TYPES[rtype.includes[include]]
        ids = sorted({i for resource in page for i in references(resource, target.name)})
        if not ids:
            continue
        for source in target.sources:
            rows = source.with_ids(source.rows(ctx), ids)
            out.extend(source.to_resources(ctx, list(rows.order_by("pk"))))
    return out
