"""Typed readers for settings that come from environment variables (after Healthchecks)."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def envstr(name: str, default: str) -> str:
    """A string setting; ``NAME_FILE`` (a path) wins over ``NAME`` so secrets can be files."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def envregion(name: str, default: str) -> str:
    """A country code (ISO 3166 alpha-2, e.g. "GB") that the phone-number library knows."""
    from mesoclinic.patients.phone import is_region

    raw = os.environ.get(name)
    value = (raw or default).strip().upper()
    if not is_region(value):
        raise ImproperlyConfigured(
            f"{name} must be a two-letter country code such as GB or IE, not {raw!r}"
        )
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_origin(name: str, value: str, *, path_allowed: bool) -> str:
    """``value`` as an absolute http(s) URL with a host and no query or fragment (and no path
    unless ``path_allowed``), without its trailing slash; ImproperlyConfigured naming ``name``
    otherwise."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"{name} must be an absolute URL starting with https:// or http://, not {value!r}"
        )
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ImproperlyConfigured(
            f"{name} must be a plain address without credentials, query or fragment: {value!r}"
        )
    if parts.path.strip("/") and not path_allowed:
        raise ImproperlyConfigured(f"{name} must be scheme and host only, not {value!r}")
    return value.strip().rstrip("/")


def envurl(name: str, default: str) -> str:
    """An absolute http(s) base URL (a path prefix is allowed), without its trailing slash."""
    raw = os.environ.get(name)
    return check_origin(name, raw if raw else default, path_allowed=True)


def envorigins(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of origins (scheme and host, as Django's CSRF check wants)."""
    return [check_origin(name, item, path_allowed=False) for item in envlist(name, default)]


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine only (localhost or a loopback address)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_host(host: str) -> bool:
    """Whether an ALLOWED_HOSTS entry names this machine only (or Django's test client)."""
    if host == "testserver":
        return True
    return is_loopback_url(f"http://{host}/")


SECRET_KEY_MISSING = (
    "SECRET_KEY is not set and DEBUG is false: sessions and patients' check-in links would be "
    "signed with the public development key. Set SECRET_KEY (or SECRET_KEY_FILE, a file "
    "holding it) to a long random value, e.g. the output of "
    "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
)


DEVELOPMENT_SECRET_KEY = "mesoclinic-development-key-not-for-production-use-0123456789"


def development_key_in_use() -> bool:
    """Whether SECRET_KEY (or SECRET_KEY_FILE) is unset, or set to the public development key."""
    return envstr("SECRET_KEY", "") in ("", DEVELOPMENT_SECRET_KEY)
