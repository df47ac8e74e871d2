"""Audit action codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    SEARCH = "search", _("Searched")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    SIGN = "sign", pgettext_lazy("audit action", "Signed")
    AMEND = "amend", pgettext_lazy("audit action", "Amended")
    OVERRIDE = "override", _("Overrode a safety check")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    DENIED = "denied", _("Was refused")
