"""What a browser would submit from a rendered page: the stdlib HTML parser and the HTML
standard's rules for building a form's entry list.

The walks use it to post a form back exactly as a person pressing its submit button would:
inputs with the value the browser keeps after its value sanitisation (a date input keeps only
an ISO date, a number input only a number), checked checkboxes and radios, selected options
(the first one when none is selected), textareas without the newline that follows the
opening tag and with CRLF line breaks, hidden fields and the formset management forms;
never disabled controls or unnamed ones. Interactive constraint validation (required, step,
min, max) is reported the way the browser would refuse to submit, unless the form says
``novalidate``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}
DATE = re.compile(r"^(\d{4,})-(\d{2})-(\d{2})$")
LOCAL_DATETIME = re.compile(
    r"^(\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$"
)
NUMBER = re.compile(r"^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$")


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    options: list[tuple[str, bool, bool]] = field(default_factory=list)  # value, selected, disabled

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def type(self) -> str:
        if self.tag == "input":
            return self.attrs.get("type", "text").lower()
        return self.tag

    @property
    def disabled(self) -> bool:
        return "disabled" in self.attrs


@dataclass
class Form:
    attrs: dict[str, str]
    action: str
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.attrs.get("method", "get").lower()

    @property
    def validates(self) -> bool:
        return "novalidate" not in self.attrs


def _valid_date(text: str) -> dt.date | None:
    m = DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _local_datetime(text: str) -> dt.datetime | None:
    m = LOCAL_DATETIME.match(text)
    if not m:
        return None
    try:
        micro = int((m[7] or "0").ljust(3, "0")) * 1000
        # A "local" date and time has no zone by definition: the server reads it in the clinic's.
        return dt.datetime(  # noqa: DTZ001
            int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micro
        )
    except ValueError:
        return None


def sanitised(control: Control) -> str:
    """The value after the HTML standard's value sanitisation algorithm for its type."""
    value = control.attrs.get("value", "")
    kind = control.type
    if kind in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    if kind in ("email", "url"):
        return value.replace("\r", "").replace("\n", "").strip()
    if kind == "number":
        return value if NUMBER.match(value) else ""
    if kind == "date":
        return value if _valid_date(value) else ""
    if kind == "datetime-local":
        when = _local_datetime(value)
        if when is None:
            return ""
        # The valid normalised form: a "T", and the shortest time that says the same.
        text = when.strftime("%Y-%m-%dT%H:%M")
        if when.second or when.microsecond:
            text += when.strftime(":%S")
        if when.microsecond:
            text += f".{when.microsecond // 1000:03d}".rstrip("0")
        return text
    return value


class _Parser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.open_text: Control | None = None  # the textarea or option being read
        self.select: Control | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            self.form = Form(attrs, urljoin(self.url, attrs.get("action") or self.url))
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag in ("input", "button"):
            self.form.controls.append(Control(tag, attrs))
        elif tag == "textarea":
            self.open_text = Control(tag, attrs)
            self.form.controls.append(self.open_text)
        elif tag == "select":
            self.select = Control(tag, attrs)
            self.form.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select.options.append(
                (attrs.get("value", "\0"), "selected" in attrs, "disabled" in attrs)
            )
            self.open_text = Control("option", attrs)

    def handle_data(self, data: str) -> None:
        if self.open_text is not None:
            self.open_text.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.open_text is not None:
            # The HTML parser drops a newline straight after <textarea>; Python's does not.
            self.open_text.text = self.open_text.text.removeprefix("\n")
            self.open_text = None
        elif tag == "option" and self.select is not None and self.open_text is not None:
            value, selected, disabled = self.select.options[-1]
            if value == "\0":  # no value attribute: the option's text, whitespace collapsed
                value = " ".join(self.open_text.text.split())
            self.select.options[-1] = (value, selected, disabled)
            self.open_text = None
        elif tag == "select":
            self.select = None


def forms_in(html: str, url: str) -> list[Form]:
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    return parser.forms


def post_forms_to(html: str, url: str, action: str) -> list[Form]:
    """The POST forms of the page at ``url`` that submit to the path ``action``."""
    return [
        f for f in forms_in(html, url) if f.method == "post" and urlsplit(f.action).path == action
    ]


def own_post_forms(html: str, url: str) -> list[Form]:
    """The POST forms of a page that submit to the page's own address (its own form, not the
    buttons it offers for other actions)."""
    return post_forms_to(html, url, urlsplit(url).path)


def _step_mismatch(value: Decimal, step: Decimal, base: Decimal) -> bool:
    return step > 0 and (value - base) % step != 0


def entry_list(form: Form) -> tuple[dict[str, list[str]], list[str]]:
    """What pressing the form's first submit button sends, and why the browser would refuse."""
    data: dict[str, list[str]] = {}
    refusals: list[str] = []
    checked_radios: set[str] = set()
    required_radios: set[str] = set()
    submitter = next(
        (
            c
            for c in form.controls
            if (c.tag == "button" and c.attrs.get("type", "submit").lower() == "submit")
            or (c.tag == "input" and c.type in ("submit", "image"))
        ),
        None,
    )
    for c in form.controls:
        if not c.name or c.disabled:
            continue
        kind = c.type
        if c is submitter:
            data.setdefault(c.name, []).append(c.attrs.get("value", ""))
            continue
        if kind in NOT_SUBMITTED or c.tag == "button":
            continue
        required = "required" in c.attrs
        if kind in ("checkbox", "radio"):
            checked = "checked" in c.attrs
            if kind == "radio":
                if checked:
                    checked_radios.add(c.name)
                if required:
                    required_radios.add(c.name)
            elif required and not checked:
                refusals.append(f"{c.name}: a required box is not ticked")
            if checked:
                data.setdefault(c.name, []).append(c.attrs.get("value", "on"))
            continue
        if c.tag == "select":
            chosen = [v for v, selected, _ in c.options if selected]
            if "multiple" not in c.attrs:
                if not chosen:
                    usable = [v for v, _, disabled in c.options if not disabled]
                    chosen = usable[:1]
                chosen = chosen[-1:]
            data.setdefault(c.name, []).extend(chosen)
            if required and (not chosen or chosen == [""]):
                refusals.append(f"{c.name}: nothing chosen in a required list")
            continue
        if c.tag == "textarea":
            value = c.text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        else:
            value = sanitised(c)
            if c.attrs.get("value", "") and not value:
                refusals.append(f"{c.name}: the browser drops the value {c.attrs['value']!r}")
        if required and not value:
            refusals.append(f"{c.name}: required, but empty")
        if kind == "number" and value:
            refusals.extend(_number_problems(c, Decimal(value)))
        if kind == "datetime-local" and value:
            step = c.attrs.get("step", "60")
            when = _local_datetime(value)
            if step != "any" and when is not None:
                seconds = Decimal(when.second) + Decimal(when.microsecond) / 1_000_000
                if _step_mismatch(seconds, Decimal(step), Decimal(0)):
                    refusals.append(f"{c.name}: {value} does not fit the step of {step} s")
        data.setdefault(c.name, []).append(value)
    refusals.extend(
        f"{n}: no choice made in a required group" for n in required_radios - checked_radios
    )
    return data, refusals if form.validates else []


def _number_problems(c: Control, value: Decimal) -> list[str]:
    problems = []
    try:
        low = Decimal(c.attrs["min"]) if c.attrs.get("min") else None
        high = Decimal(c.attrs["max"]) if c.attrs.get("max") else None
        step_text = c.attrs.get("step", "1")
        step = None if step_text == "any" else Decimal(step_text)
    except InvalidOperation:
        return [f"{c.name}: unreadable min, max or step"]
    if low is not None and value < low:
        problems.append(f"{c.name}: {value} is below the minimum {low}")
    if high is not None and value > high:
        problems.append(f"{c.name}: {value} is above the maximum {high}")
    if step is not None and _step_mismatch(value, step, low or Decimal(0)):
        problems.append(f"{c.name}: {value} does not fit the step {step}")
    return problems
