"""The clinic's second-step rule on the clinic settings page (a form of this app)."""

from __future__ import annotations

from typing import Any

from django import template

from mesoclinic.mfa import policy
from mesoclinic.mfa.forms import ClinicPolicyForm

register = template.Library()


@register.inclusion_tag("mfa/_clinic_policy.html", takes_context=True)
def mfa_clinic_policy(context: dict[str, Any]) -> dict[str, Any]:
    membership = context["request"].membership
    rule = policy.required_for(membership.clinic)
    return {
        "form": ClinicPolicyForm(initial={"required_for": rule}),
        "csrf_token": context.get("csrf_token"),
    }
