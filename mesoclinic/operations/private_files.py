"""The files a backup carries beside the database: patients' photos and other private uploads.

A photo's row is in the database and its pixels are a file under a private folder
(each named by the setting that holds its path, listed in ``settings.PRIVATE_FILE_ROOTS``). A backup without them restores check-ins
whose photos are gone, so ``backup`` copies every file of every root into ``files/<name>/``
after the database snapshot (a row is committed only after its file is written, so every
file the copied rows name is already there; a file added meanwhile is carried harmlessly),
and the manifest lists each with its SHA-256. ``restore`` puts them back before the database,
refusing to overwrite a different file of the same name, and checks every copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

Report = Callable[[str], None]
FOLDER = "files"
# name of the root -> {path relative to the root (POSIX) -> SHA-256}
FileList = dict[str, dict[str, str]]


class FileConflict(RuntimeError):
    """A restore would overwrite a different file already in a private folder."""


def roots() -> dict[str, Path]:
    """Setting name -> folder, read now (tests and deployments may change the folder)."""
    return {name: Path(getattr(settings, name)) for name in settings.PRIVATE_FILE_ROOTS}


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def copy_out(folder: Path, digest: Callable[[Path], str], report: Report) -> FileList:
    """Copy every private file into ``folder/files/<root>/`` and list it with its SHA-256."""
    listed: FileList = {}
    for name, root in roots().items():
        files = _files(root)
        report(f"copying {len(files)} private files of {name!r}")
        listed[name] = {}
        for source in files:
            relative = source.relative_to(root).as_posix()
            target = folder / FOLDER / name / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            listed[name][relative] = digest(target)
    return listed


def check_restorable(folder: Path, listed: FileList, digest: Callable[[Path], str]) -> None:
    """Refuse, before anything is written, a backup whose files are missing or damaged, or a
    restore that would overwrite a different file already in a private folder."""
    known = roots()
    for name, files in listed.items():
        if name not in known:
            raise FileConflict(
                f"The backup holds private files of {name!r}, and this installation has no "
                f"such folder setting: restore with the version and settings it was made with."
            )
        for relative, sha in files.items():
            parts = Path(relative).parts
            if Path(relative).is_absolute() or ".." in parts or not parts:
                # A manifest edited to write outside the folder (``../../etc/…``) is refused.
                raise FileConflict(
                    f"The manifest names a private file outside its folder ({relative!r}): "
                    "the backup was altered. Use another backup."
                )
            source = folder / FOLDER / name / relative
            if not source.is_file() or digest(source) != sha:
                raise FileConflict(
                    f"{source} is missing or does not match its SHA-256 in the manifest: the "
                    "backup is damaged. Use another backup."
                )
            present = known[name] / relative
            if present.exists() and digest(present) != sha:
                raise FileConflict(
                    f"{present} already exists and differs from the backup's copy: a restore "
                    f"never overwrites a file. Point {name} at an empty folder or move that file "
                    "away."
                )


def copy_in(folder: Path, listed: FileList, report: Report) -> int:
    """Copy the backup's private files into their folders; return how many were written."""
    written = 0
    known = roots()
    for name, files in listed.items():
        report(f"restoring {len(files)} private files of {name!r} into {known[name]}")
        for relative in files:
            target = known[name] / relative
            if target.exists():
                continue  # the same file (check_restorable compared it)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / FOLDER / name / relative, target)
            written += 1
    return written


def missing_after_restore(listed: FileList, digest: Callable[[Path], str]) -> list[str]:
    """Files of the backup that are not, byte for byte, in their folder after the restore."""
    known = roots()
    return [
        f"{name}/{relative}"
        for name, files in listed.items()
        for relative, sha in files.items()
        if not (known[name] / relative).is_file() or digest(known[name] / relative) != sha
    ]
