"""Start-up checks of the aftercare settings a deployment sets from the environment.

``mesoclinic check --deploy`` (and every management command) reports them: a deployment
that serves real hosts but still sends links to 127.0.0.1 would mail patients links that
open nothing, and a mistyped SMS gateway class would only fail at the first text message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from mesoclinic.envconfig import is_loopback_url

LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "[::1]", "::1"}


@register(Tags.compatibility)
def aftercare_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    base_url = str(settings.AFTERCARE_BASE_URL)
    public_hosts = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    if public_hosts and is_loopback_url(base_url):
        problems.append(
            Warning(
                f"AFTERCARE_BASE_URL is {base_url}, but the site is served as "
                f"{', '.join(public_hosts)}: patients' check-in links would point at this "
                "machine only.",
                hint="Set AFTERCARE_BASE_URL to the practice's public address, "
                "e.g. https://clinic.example.org.",
                id="mesoclinic.W001",
            )
        )
    try:
        import_string(str(settings.AFTERCARE_SMS_SENDER))
    except ImportError as exc:
        problems.append(
            Error(
                f"AFTERCARE_SMS_SENDER {settings.AFTERCARE_SMS_SENDER!r} cannot be imported: {exc}",
                hint="Give the dotted path of a class with send(to, body).",
                id="mesoclinic.E001",
            )
        )
    return problems
