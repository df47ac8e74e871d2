"""View guards built on the role table. A view names the permission it needs; nothing else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mesoclinic.clinics.models import Membership
from mesoclinic.clinics.roles import Perm

_V = TypeVar("_V", bound=Callable[..., HttpResponse])


def current_membership(request: HttpRequest) -> Membership:
    m = getattr(request, "membership", None)
    if m is None:
        raise PermissionDenied(_("You are not a member of any clinic."))
    return cast(Membership, m)


def requires(*perms: Perm) -> Callable[[_V], _V]:
    """Login required, an active membership, and every named permission for its role."""

    def decorator(view: _V) -> _V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            missing = [p for p in perms if not membership.has(p)]
            if missing:
                raise PermissionDenied(
                    _("Your role (%(role)s) does not allow this.")
                    % {"role": membership.get_role_display()}
                )
            return view(request, *args, **kwargs)

        return cast(_V, wrapped)

    return decorator


def back_to_record(request: HttpRequest, url_name: str, public_id: Any) -> HttpResponse:
    """A GET on a sign address (a reload or a step back after pressing Sign): nothing is
    signed; the person lands on the record's page, which shows what still stands in the way.
    Called after the view has found the record, so another clinic's id is still a 404."""
    messages.info(
        request, _("Nothing was signed by opening that address: use the Sign button below.")
    )
    return redirect(url_name, public_id=public_id)
