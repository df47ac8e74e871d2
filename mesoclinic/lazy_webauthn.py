"""The passkey library (``webauthn``, with ``cryptography``, ``pyOpenSSL`` and ``pyasn1``)
loaded when a passkey is used, not by every start-up.

``django_otp_webauthn`` is an installed app; its ``apps.py`` and ``models.py`` import a few
names of ``webauthn.helpers`` (an enum, the credential structures, the attestation parser)
at app loading. ``webauthn/__init__.py`` and ``webauthn/helpers/__init__.py`` import the
whole library, every verifier and its cryptography with it: about 0.1 s of CPU (a quarter
of a command's start-up, issue 11) for commands such as ``recall`` that never see a passkey.

``install()`` (called by the settings, before Django loads the apps) makes those two package
modules lazy: they are created without running their ``__init__``; their submodules import
as usual (``webauthn.helpers.structs`` is the real module), and a name asked of the package
itself runs its real ``__init__`` then (PEP 562 module ``__getattr__``), so
``from webauthn import verify_registration_response`` gets the real function, at the first
passkey sign-in or registration. The one exception is a helper named as its own submodule
(``webauthn.helpers.parse_attestation_object``, which ``models.py`` imports): it is taken
from that submodule alone, as the package's ``__init__`` would have bound it
(``from .parse_attestation_object import parse_attestation_object``). Nothing of the library
is changed or replaced: every object is the library's own.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

LAZY_PACKAGES = ("webauthn", "webauthn.helpers")
# Helpers that the package binds from a submodule of the same name, and that need nothing
# heavy: taken from the submodule alone when asked before the package is loaded.
LIGHT_HELPERS = {"webauthn.helpers": frozenset({"parse_attestation_object"})}

_lock = threading.RLock()


class _LazyPackageLoader(importlib.abc.Loader):
    """Creates the package module with its real spec; runs its ``__init__`` on demand."""

    def __init__(self, real: importlib.machinery.ModuleSpec) -> None:
        self.real = real

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module, with __path__, __file__ and __spec__ set

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        real_loader = self.real.loader
        state = {"loaded": False, "loading": False}

        def load_all() -> None:
            with _lock:
                if state["loaded"] or state["loading"]:
                    return
                state["loading"] = True
                try:
                    assert real_loader is not None
                    real_loader.exec_module(module)  # the real __init__, in this module
                    state["loaded"] = True
                finally:
                    state["loading"] = False

        def __getattr__(attribute: str) -> Any:
            if attribute.startswith("__"):
                raise AttributeError(attribute)
            if not state["loaded"] and attribute in LIGHT_HELPERS.get(name, ()):
                helper = getattr(importlib.import_module(f"{name}.{attribute}"), attribute)
                # Importing the submodule bound the submodule to this name: bind the helper,
                # as the package's __init__ does.
                setattr(module, attribute, helper)
                return helper
            load_all()
            try:
                return module.__dict__[attribute]
            except KeyError:
                raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from None

        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        module.__dict__["_mesoclinic_load_all"] = load_all


class _LazyPackageFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in LAZY_PACKAGES:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if real is None or real.submodule_search_locations is None:
            return None
        return importlib.util.spec_from_file_location(
            fullname,
            real.origin,
            loader=_LazyPackageLoader(real),
            submodule_search_locations=list(real.submodule_search_locations),
        )


def install() -> None:
    """Make the passkey library's packages lazy (once; before anything imports them)."""
    if any(isinstance(finder, _LazyPackageFinder) for finder in sys.meta_path):
        return
    if any(name in sys.modules for name in LAZY_PACKAGES):
        return  # already imported whole: nothing to save
    sys.meta_path.insert(0, _LazyPackageFinder())


def load_all() -> None:
    """Run the real ``__init__`` of the lazy packages now (a server may want it at start)."""
    for name in LAZY_PACKAGES:
        loader = getattr(sys.modules.get(name), "_mesoclinic_load_all", None)
        if loader is not None:
            loader()
