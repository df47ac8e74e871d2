"""The translation catalogues: find, check and compile them, without GNU gettext.

Each app keeps its catalogue in ``<app>/locale/<lang>/LC_MESSAGES/django.po``; the project's
templates and the modules outside apps keep theirs in ``mesoclinic/locale``
(CONTRIBUTING.md, Translations). The ``.po`` files are the source; the ``.mo`` files Django
reads are build products, compiled here with Babel (pure Python) so that a newcomer without
gettext installed gets translated pages from ``./dev``.

Run without Django's settings: ``python -m mesoclinic.operations.catalogues compile|check``
(the Dockerfile and ``./dev`` do), or ``mesoclinic compile-translations``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "it", "es")


def catalogues(root: Path = PACKAGE) -> list[Path]:
    """Every ``django.po`` under ``root``, the project's and each app's."""
    return sorted(root.glob("**/locale/*/LC_MESSAGES/django.po"))


def locale_owners(root: Path = PACKAGE) -> list[Path]:
    """The folders that own a ``locale/`` folder: each translated app, and the project."""
    return sorted({po.parents[3] for po in catalogues(root)})


def read(po: Path) -> Catalog:
    with po.open("rb") as handle:
        return read_po(handle)


@dataclass
class Report:
    """What a catalogue holds: counts of its messages, and what is wrong with it."""

    path: Path
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.errors)

    def summary(self, root: Path = PACKAGE) -> str:
        where = (
            self.path.relative_to(root.parent)
            if self.path.is_relative_to(root.parent)
            else self.path
        )
        return (
            f"{where}: {self.translated} translated, {len(self.untranslated)} untranslated, "
            f"{len(self.fuzzy)} fuzzy, {len(self.errors)} errors"
        )


def _text(message_id: object) -> str:
    return str(message_id[0] if isinstance(message_id, tuple) else message_id)


def examine(po: Path) -> Report:
    """Count a catalogue's messages and find the untranslated, fuzzy and malformed ones (a
    placeholder missing from a translation: Babel's checkers, as msgfmt --check does)."""
    catalog = read(po)
    report = Report(po)
    # The header's own fuzzy flag (makemessages sets it) is no message: msgfmt and Babel
    # compile the header whatever it says, so it is not counted.
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            report.fuzzy.append(_text(message.id))
        elif not all(strings):
            report.untranslated.append(_text(message.id))
        else:
            report.translated += 1
    for message, errors in catalog.check():
        report.errors.extend(f"{_text(message.id)!r}: {error}" for error in errors)
    return report


def compile_catalogue(po: Path) -> Path:
    """Write the ``.mo`` beside ``po`` (fuzzy translations left out, as msgfmt does)."""
    mo = po.with_suffix(".mo")
    catalog = read(po)
    # Written aside then renamed: parallel test processes may compile the same catalogue.
    with tempfile.NamedTemporaryFile("wb", dir=mo.parent, suffix=".tmp", delete=False) as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    Path(handle.name).replace(mo)
    return mo


def compile_stale(root: Path = PACKAGE) -> list[Path]:
    """Compile every catalogue whose ``.mo`` is missing or older than its ``.po``."""
    done = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            done.append(compile_catalogue(po))
    return done


def msgfmt_statistics(po: Path) -> str | None:
    """GNU msgfmt's own check and statistics, when it is installed (CI installs it)."""
    if shutil.which("msgfmt") is None:
        return None
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"msgfmt failed: {result.stderr.strip()}"
    # Its last line is the count ("148 translated messages."); warnings come before it.
    return (result.stderr or result.stdout).strip().splitlines()[-1]


def _ids(po: Path) -> set[str]:
    return {_text(m.id) for m in read(po) if m.id}


def makemessages(owner: Path, root: Path = PACKAGE) -> None:
    """Run Django's makemessages for one catalogue owner (an app, or the project without its
    apps); needs GNU gettext's xgettext."""
    command = [sys.executable, "-m", "mesoclinic.cli", "makemessages", "--no-obsolete"]
    command += [f"--locale={code}" for code in LANGUAGES]
    if owner == root:
        # The project's catalogue: its templates and the modules outside the apps only.
        command += [
            f"--ignore={app.name}/*" for app in root.iterdir() if (app / "apps.py").exists()
        ]
    subprocess.run(command, cwd=owner, check=True, capture_output=True, text=True)


def stale_catalogues(root: Path = PACKAGE) -> list[str]:
    """Extract every owner's messages again (into a copy of the package) and name the
    messages the source has that its catalogues lack: a string marked but never added."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        for owner in locale_owners(copy):
            makemessages(owner, copy)
        for po in catalogues(copy):
            original = root / po.relative_to(copy)
            missing = _ids(po) - (_ids(original) if original.exists() else set())
            if missing:
                shown = ", ".join(repr(m) for m in sorted(missing)[:5])
                problems.append(
                    f"{original.relative_to(root.parent)}: {len(missing)} new messages not in "
                    f"the catalogue ({shown}…): run makemessages (CONTRIBUTING.md, Translations)"
                )
    return problems


def conflicts(paths: Iterable[Path], root: Path = PACKAGE) -> list[str]:
    """The messages (same msgid and context) translated differently in two catalogues of one
    language. Django merges the catalogues and takes the first app's translation, so the other
    app's page would show a word it did not choose: one wording, or a ``pgettext`` context
    where the meanings differ."""
    # language -> (context, msgid) -> translation -> the catalogues that give it
    seen: dict[str, dict[tuple[str | None, str], dict[object, list[str]]]] = {}
    for po in paths:
        language = po.parents[1].name
        owner = po.parents[3]
        name = "project" if owner == root else owner.name
        for message in read(po):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or message.fuzzy or not all(strings):
                continue
            key = (message.context, _text(message.id))
            by_text = seen.setdefault(language, {}).setdefault(key, {})
            by_text.setdefault(message.string, []).append(name)
    problems = []
    for language, messages in sorted(seen.items()):
        for (context, msgid), by_text in sorted(messages.items(), key=lambda kv: str(kv[0])):
            if len(by_text) < 2:
                continue
            where = "; ".join(
                f"{text!r} in {', '.join(sorted(owners))}" for text, owners in by_text.items()
            )
            label = f"{context}|{msgid}" if context else msgid
            problems.append(f"{language}: {label!r} translated differently: {where}")
    return problems


def check(paths: Iterable[Path], out: list[str]) -> bool:
    """Every catalogue complete; False (with what is wrong in ``out``) otherwise."""
    ok = True
    for po in paths:
        report = examine(po)
        line = report.summary()
        gnu = msgfmt_statistics(po)
        if gnu is not None:
            line += f" [msgfmt: {gnu}]"
            if gnu.startswith("msgfmt failed") or "untranslated" in gnu or "fuzzy" in gnu:
                ok = False
        if gnu is not None and not gnu.startswith("msgfmt failed"):
            # msgfmt --check judged the placeholders; Babel's checker, stricter on a lone "%"
            # in prose ("95% t-interval"), is the judge only where gettext is not installed.
            report.errors.clear()
        out.append(line)
        if not report.complete:
            ok = False
            out.extend(f"  untranslated: {m!r}" for m in report.untranslated[:20])
            out.extend(f"  fuzzy: {m!r}" for m in report.fuzzy[:20])
            out.extend(f"  error: {e}" for e in report.errors[:20])
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mesoclinic.operations.catalogues")
    parser.add_argument("action", choices=["compile", "check"])
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="check: also extract the messages again and refuse a catalogue that lacks some "
        "(needs GNU gettext's xgettext)",
    )
    args = parser.parse_args(argv)
    if args.action == "compile":
        for po in catalogues():
            compile_catalogue(po)
        sys.stdout.write(f"compiled {len(catalogues())} catalogues\n")
        return 0
    lines: list[str] = []
    ok = check(catalogues(), lines)
    clashes = conflicts(catalogues())
    if clashes:
        lines.append(
            f"{len(clashes)} messages translated differently in two catalogues (Django shows "
            "the first app's translation on every page): use one wording, or pgettext "
            "contexts where the meanings differ"
        )
        lines.extend(f"  conflict: {c}" for c in clashes)
        ok = False
    if args.fresh:
        if shutil.which("xgettext") is None:
            lines.append("(xgettext not installed: catalogues not compared with the source)")
        else:
            stale = stale_catalogues()
            lines.extend(stale)
            ok = ok and not stale
    sys.stdout.write("\n".join(lines) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
