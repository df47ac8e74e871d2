"""``{% fixed_url %}``, ``{% fixed_static %}`` and ``{% main_nav %}``: the layout's repeated parts, kept per process
(``clinics.navigation``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from mesoclinic.clinics import navigation

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """As ``{% url name %}`` for a route without arguments (escaped the same way)."""
    return navigation.fixed_url(name)


@register.simple_tag
def fixed_static(path: str) -> str:
    """As ``{% static path %}`` (escaped the same way), asked of the storage once per process."""
    return navigation.static_url(path)


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> SafeString:
    can: Any = context.get("can") or {}
    return navigation.main_nav(can, tuple(context.get("nav_apps") or ()))
