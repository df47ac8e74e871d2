"""``mesoclinic check --deploy``: a deployment never runs on the public development key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from mesoclinic.envconfig import SECRET_KEY_MISSING


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # Django's own check (security.W009) accepts the development key: it is long and varied.
    if getattr(settings, "USING_DEVELOPMENT_KEY", False):
        return [Error(SECRET_KEY_MISSING, id="mesoclinic.operations.E001")]
    return []
