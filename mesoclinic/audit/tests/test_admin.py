"""The Django admin shows no patient data: no model that holds it is registered there.

Its pages are not clinic-scoped, role-filtered or audited, so reads there would escape the
audit trail (docs/audit.md says why we removed the models rather than audit the admin).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from mesoclinic.patients.models import Patient
from tests.second_step import sign_in

pytestmark = pytest.mark.django_db


def _reaches_a_patient(model: type[models.Model], depth: int = 3) -> bool:
    """Whether the model is a patient or points, through foreign keys, at one."""
    if model is Patient:
        return True
    if depth == 0:
        return False
    return any(
        _reaches_a_patient(field.related_model, depth - 1)
        for field in model._meta.concrete_fields
        if field.is_relation and isinstance(field.related_model, type)
    )


def _admin_models() -> list[type[models.Model]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        found.append(model)
        found.extend(inline.model for inline in model_admin.inlines)
    return found


def test_it_registers_no_model_holding_patient_data():
    # given every model in the Django admin, with its inlines
    # then none is a patient or belongs to one
    assert [m._meta.label for m in _admin_models() if _reaches_a_patient(m)] == []


def test_it_would_notice_a_patient_data_model():
    # the check above is able to fail: an injection line reaches a patient through its session
    from mesoclinic.treatments.models import Injection

    assert _reaches_a_patient(Injection)


def test_it_shows_an_operator_no_patient_in_the_django_admin(patient: Patient) -> None:
    # given an operator (a superuser) in the Django admin, and a registered patient
    client = Client()
    sign_in(client, User.objects.create_superuser("operator", "op@example.org", "x"))
    # when they open the admin's index and every list it offers
    pages = [reverse("admin:index")] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    bodies = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    # then no page names the patient, and the patient pages are gone
    for body in bodies:
        for text in (patient.mrn, patient.family_name, str(patient.public_id)):
            assert text not in body
    assert client.get(f"/django-admin/patients/patient/{patient.pk}/change/").status_code == 404
