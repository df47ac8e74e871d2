"""Audit action codes."""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    SIGN = "sign", "Signed"
    AMEND = "amend", "Amended"
    OVERRIDE = "override", "Overrode a safety check"
    EXPORT = "export", "Exported"
    IMPORT = "import", "Imported"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    DENIED = "denied", "Was refused"
