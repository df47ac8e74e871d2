"""The injection map: placing and removing points on a draft, amending a signed map, and the
map of a session as it stands (for the session page, the chart and the printed summary).

A point belongs to an injection line. On a draft it is placed and removed freely; signing the
session freezes it (``InjectionMapPoint.save``/``delete`` refuse). An amendment records the
line's whole new map: an ``Amendment`` whose change ``injection_map <line id>`` lists the marks
from and to, and new points that name it. The map in effect for a line is the one of its
latest map amendment, else the points as signed; a corrected line with no map of its own shows
the map of the line it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from mesoclinic.clinics.models import Membership
from mesoclinic.records.models import Amendment, ImmutableRecordError
from mesoclinic.records.services import SigningError, add_amendment, amendable_reason
from mesoclinic.treatments.corrections import LineRow
from mesoclinic.treatments.injection_map_models import Diagram, InjectionMapPoint, MapMarkKind
from mesoclinic.treatments.models import Injection, TreatmentSession

# The diagram a line's area is placed on first (the injector may choose another).
DIAGRAM_OF_AREA = {
    "abdomen": Diagram.ABDOMEN,
    "flank": Diagram.BODY_BACK,
    "thigh_outer": Diagram.THIGHS,
    "thigh_inner": Diagram.THIGHS,
    "thigh_anterior": Diagram.THIGHS,
    "thigh_posterior": Diagram.BODY_BACK,
    "buttock": Diagram.BODY_BACK,
    "arm": Diagram.BODY_FRONT,
    "knee": Diagram.THIGHS,
    "back": Diagram.BODY_BACK,
    "submental": Diagram.SUBMENTAL,
    "face": Diagram.FACE_FRONT,
    "neck": Diagram.FACE_PROFILE,
    "decollete": Diagram.BODY_FRONT,
    "scalp": Diagram.SCALP,
}
# Product colours, in the order products first appear in the session; each is at least 4.5:1
# on white (the diagrams' background), and every mark also carries its line's number, so
# colour is never the only cue.
PALETTE = ("#1f5fa8", "#a8430f", "#2e6b30", "#7b1fa2", "#b0124f", "#5d4037", "#00695c", "#37474f")
# The keyboard grid: the cursor moves by one cell of a GRID x GRID grid.
GRID = 20
# The size of the drawn diagrams (viewBox units) that marks are placed in.
SCALE = 1000
MAP_CHANGE_PREFIX = "injection_map "
_MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Mark:
    """A point or zone on a diagram, as stored and as an amendment lists it."""

    diagram: str
    x: Decimal
    y: Decimal
    kind: str

    @classmethod
    def of(cls, point: InjectionMapPoint) -> Mark:
        return cls(point.diagram, Decimal(point.x), Decimal(point.y), point.kind)

    def text(self) -> str:
        # Codes and dot decimals: an amendment's changes are language-neutral.
        return f"{self.diagram} {self.x:.3f} {self.y:.3f} {self.kind}"

    @classmethod
    def parse(cls, text: str) -> Mark:
        """``submental 0.400 0.550 point`` (the kind may be left out: a point)."""
        parts = text.split()
        if len(parts) not in (3, 4):
            raise ValueError(text)
        diagram, x_text, y_text = parts[:3]
        kind = parts[3] if len(parts) == 4 else MapMarkKind.POINT
        return cls(diagram, Decimal(x_text), Decimal(y_text), kind)


def _unit(value: Decimal | float | str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(_MILLI, rounding=ROUND_HALF_UP)
    except ArithmeticError as exc:
        raise ValidationError(gettext("A position is a number from 0 to 1.")) from exc
    if not Decimal(0) <= number <= Decimal(1):
        raise ValidationError(gettext("A position is a number from 0 to 1."))
    return number


def checked_mark(
    diagram: str, x: Decimal | float | str, y: Decimal | float | str, kind: str
) -> Mark:
    """The mark with its position rounded to the stored precision, or ValidationError."""
    if diagram not in Diagram.values:
        raise ValidationError(gettext("Choose one of the diagrams."))
    if kind not in MapMarkKind.values:
        raise ValidationError(gettext("Choose a point or a zone."))
    return Mark(diagram, _unit(x), _unit(y), kind)


def place_point(session: TreatmentSession, line: Injection, mark: Mark) -> InjectionMapPoint:
    """Place a point of ``line`` on a draft session's map (the caller audits it)."""
    if session.is_signed:
        raise ImmutableRecordError(gettext("The session is signed; amend its map instead."))
    if line.session_id != session.pk or line.replaced_by.exists():
        raise ValidationError(gettext("This line is not one of the session's lines in effect."))
    mark = checked_mark(mark.diagram, mark.x, mark.y, mark.kind)
    return InjectionMapPoint.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        line=line,
        diagram=mark.diagram,
        x=mark.x,
        y=mark.y,
        kind=mark.kind,
    )


def remove_point(point: InjectionMapPoint) -> None:
    """Remove a point from a draft's map; a signed map refuses (the model's guard)."""
    point.delete()


@dataclass
class LineMap:
    """One line of the session with its marks in effect, and (if amended) the earlier ones."""

    row: LineRow
    colour: str
    marks: list[Mark]
    amendment: Amendment | None = None  # the map amendment in effect, if any
    as_signed: list[Mark] = field(default_factory=list)  # before any map amendment

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def line(self) -> Injection:
        return self.row.line

    @property
    def placed(self) -> int:
        return sum(1 for mark in self.marks if mark.kind == MapMarkKind.POINT)

    @property
    def difference(self) -> int | None:
        """Points placed minus the line's recorded ``points``; None when it records none."""
        if self.line.points is None:
            return None
        return self.placed - self.line.points

    @property
    def agrees(self) -> bool:
        return self.difference in (None, 0)

    @property
    def shortfall(self) -> int:
        return -(self.difference or 0)

    @property
    def excess(self) -> int:
        return self.difference or 0

    @property
    def diagram(self) -> str:
        if self.marks:
            return self.marks[0].diagram
        return DIAGRAM_OF_AREA.get(self.line.area, Diagram.BODY_FRONT)


@dataclass(frozen=True)
class DrawnMark:
    """A mark as drawn: in diagram units, with its line's number and colour."""

    cx: int
    cy: int
    number: int
    colour: str
    zone: bool
    current: bool
    labelled: bool  # the first mark of its line on the diagram carries the line's number


@dataclass
class DiagramView:
    code: str
    label: str
    marks: list[DrawnMark]

    @property
    def image(self) -> str:
        return f"treatments/diagrams/{self.code}.svg"


@dataclass
class SessionMap:
    lines: list[LineMap]
    legend: list[tuple[str, str]]  # (product name, colour)

    @property
    def has_marks(self) -> bool:
        return any(line.marks for line in self.lines)

    @property
    def amended(self) -> list[LineMap]:
        return [line for line in self.lines if line.amendment is not None]

    def diagrams(
        self, only: str = "", current_line: int | None = None, as_signed: bool = False
    ) -> list[DiagramView]:
        """The diagrams holding marks (or ``only``), each with every line's marks on it: as
        they stand, or ``as_signed`` (before any map amendment)."""
        labels = dict(Diagram.choices)

        def marks_of(line: LineMap) -> list[Mark]:
            return line.as_signed if as_signed and line.amendment is not None else line.marks

        codes = (
            [only]
            if only
            else list(dict.fromkeys(m.diagram for lm in self.lines for m in marks_of(lm)))
        )
        views = []
        for code in codes:
            drawn = []
            for lm in self.lines:
                on_diagram = [mark for mark in marks_of(lm) if mark.diagram == code]
                drawn += [
                    DrawnMark(
                        int(mark.x * SCALE),
                        int(mark.y * SCALE),
                        lm.number,
                        lm.colour,
                        mark.kind == MapMarkKind.ZONE,
                        lm.line.pk == current_line,
                        n == 0,
                    )
                    for n, mark in enumerate(on_diagram)
                ]
            views.append(DiagramView(code, str(labels.get(code, code)), drawn))
        return views

    def signed_diagrams(self) -> list[DiagramView]:
        return self.diagrams(as_signed=True)


def _map_amendments(session: TreatmentSession) -> dict[str, Amendment]:
    """The latest map amendment of each line, by the line's public id."""
    latest: dict[str, Amendment] = {}
    for amendment in session.amendment_rows():
        for key in amendment.changes:
            if key.startswith(MAP_CHANGE_PREFIX):
                latest[key.removeprefix(MAP_CHANGE_PREFIX)] = amendment
    return latest


def _rows(session_lines: list[Injection]) -> list[LineRow]:
    """As ``corrections.line_rows``, from every version of one session's lines (no query)."""
    every = {line.pk: line for line in session_lines}
    replaced = {line.replaces_id for line in session_lines if line.replaces_id is not None}
    rows: list[tuple[int, LineRow]] = []
    for line in session_lines:
        if line.pk in replaced:
            continue
        earlier: list[Injection] = []
        step = line
        while step.replaces_id is not None and step.replaces_id in every:
            step = every[step.replaces_id]
            earlier.append(step)
        rows.append((step.pk, LineRow(0, line, earlier)))
    rows.sort(key=lambda item: item[0])
    for number, (_, row) in enumerate(rows, start=1):
        row.number = number
    return [row for _, row in rows]


def session_maps(sessions: list[TreatmentSession]) -> dict[int, SessionMap]:
    """Each session's map as it stands (by session pk): each line in effect with its marks.
    Two queries whatever the number of sessions (the chart draws many); the amendments are
    read through ``amendment_rows()``, so prefetch them."""
    ids = [session.pk for session in sessions]
    lines: dict[int, list[Injection]] = {pk: [] for pk in ids}
    for line in (
        Injection.objects.filter(session_id__in=ids).select_related("product", "lot").order_by("id")
    ):
        lines[line.session_id].append(line)
    points: dict[int, list[InjectionMapPoint]] = {}
    for point in InjectionMapPoint.objects.filter(session_id__in=ids).order_by("id"):
        points.setdefault(point.line_id, []).append(point)
    return {
        session.pk: _session_map(session, _rows(lines[session.pk]), points) for session in sessions
    }


def session_map(session: TreatmentSession) -> SessionMap:
    return session_maps([session])[session.pk]


def marks_in_effect(
    line: Injection, points: list[InjectionMapPoint], amendments: list[Amendment]
) -> list[Mark]:
    """One line's marks as they stand, from its own ``points`` and its session's amendments
    (the FHIR export reads them so; a corrected line's inherited map is not followed)."""
    key = f"{MAP_CHANGE_PREFIX}{line.public_id}"
    latest = None
    for amendment in amendments:
        if key in amendment.changes:
            latest = amendment
    wanted = latest.pk if latest is not None else None
    return [Mark.of(p) for p in points if p.amendment_id == wanted]


def _session_map(
    session: TreatmentSession, rows: list[LineRow], points: dict[int, list[InjectionMapPoint]]
) -> SessionMap:
    amended = _map_amendments(session)
    colours: dict[int, str] = {}
    legend: list[tuple[str, str]] = []
    maps = []
    for row in rows:
        product = row.line.product
        if product.pk not in colours:
            colours[product.pk] = PALETTE[len(colours) % len(PALETTE)]
            legend.append((product.name, colours[product.pk]))
        line_map = LineMap(row, colours[product.pk], [])
        # The line as it stands, then the versions it replaced: the first that has a map.
        for version in [row.line, *row.earlier]:
            own = points.get(version.pk, [])
            signed = [Mark.of(p) for p in own if p.amendment_id is None]
            amendment = amended.get(str(version.public_id))
            if amendment is not None:
                line_map.marks = [Mark.of(p) for p in own if p.amendment_id == amendment.pk]
                line_map.amendment, line_map.as_signed = amendment, signed
                break
            if signed:
                line_map.marks = signed
                break
        maps.append(line_map)
    return SessionMap(maps, legend)


def amend_line_map(
    session: TreatmentSession,
    membership: Membership,
    line: Injection,
    reason: str,
    marks: list[Mark],
) -> Amendment:
    """Record a signed line's corrected map: an amendment listing the marks from and to, and
    the new marks as points naming it. The map as signed stays stored and readable."""
    reason = amendable_reason(session, membership, reason)
    if line.session_id != session.pk or line.replaced_by.exists():
        raise SigningError(gettext("This line is not one of the session's lines in effect."))
    marks = [checked_mark(m.diagram, m.x, m.y, m.kind) for m in marks]
    current = next(lm for lm in session_map(session).lines if lm.line.pk == line.pk)
    before = [m.text() for m in current.marks]
    after = [m.text() for m in marks]
    if before == after:
        raise SigningError(gettext("Nothing was changed, so there is nothing to amend."))
    amendment = add_amendment(
        session,
        membership,
        reason,
        {
            f"{MAP_CHANGE_PREFIX}{line.public_id}": {
                "from": "; ".join(before),
                "to": "; ".join(after),
            }
        },
    )
    InjectionMapPoint.objects.bulk_create(
        InjectionMapPoint(
            clinic_id=session.clinic_id,
            session=session,
            line=line,
            diagram=m.diagram,
            x=m.x,
            y=m.y,
            kind=m.kind,
            amendment=amendment,
        )
        for m in marks
    )
    return amendment
