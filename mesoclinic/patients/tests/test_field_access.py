"""Which patient fields each role sees and edits, on every page and form that shows them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.choices import Role
from mesoclinic.clinics.roles import Perm, role_has
from mesoclinic.patients.fields import (
    PATIENT_FIELDS,
    ROLE_FIELD_GROUPS,
    FieldGroup,
    access_for_role,
)
from mesoclinic.patients.models import Patient

pytestmark = pytest.mark.django_db

DEMOGRAPHICS = {
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "preferred_language",
}
CLINICAL = {"height_cm", "allergies", "current_medications"}
BASE_FIELDS = {"id", "public_id", "clinic", "created_at", "updated_at", "created_by", "version"}


@pytest.fixture
def full_patient(patient: Patient) -> Patient:
    patient.current_medications = "Warfarin 5 mg daily"
    patient.height_cm = Decimal("168.0")
    patient.address = "1 River Road"
    patient.save()
    return patient


def _form_fields(body: str) -> set[str]:
    controls = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([a-z_]+)"', body)
    return set(controls) - {"csrfmiddlewaretoken", "version"}


def test_it_classifies_every_patient_field():
    # given the Patient model's own fields
    own = {f.name for f in Patient._meta.concrete_fields} - BASE_FIELDS
    # then each is in the one table (a new field is shown to no one until it is classified)
    assert own == set(PATIENT_FIELDS)


@pytest.mark.parametrize("role", list(Role))
def test_it_never_grants_more_than_the_role_table(role):
    # given what the field table lets a role see and edit
    sees, edits = ROLE_FIELD_GROUPS[role]
    # then it stays within the role's permissions
    needs = {
        FieldGroup.IDENTITY: (Perm.VIEW_DEMOGRAPHICS, Perm.EDIT_DEMOGRAPHICS),
        FieldGroup.CONTACT: (Perm.VIEW_DEMOGRAPHICS, Perm.EDIT_DEMOGRAPHICS),
        FieldGroup.CLINICAL: (Perm.VIEW_CLINICAL, Perm.EDIT_CLINICAL),
    }
    for group in sees:
        assert role_has(role, needs[group][0])
    for group in edits:
        assert group in sees
        assert role_has(role, needs[group][1])


@pytest.mark.parametrize(
    ("role", "editable"),
    [
        (Role.RECEPTION, DEMOGRAPHICS),
        (Role.NURSE, DEMOGRAPHICS | CLINICAL),
        (Role.PRACTITIONER, DEMOGRAPHICS | CLINICAL),
        (Role.ADMIN, set()),
        (Role.RESEARCHER, set()),
    ],
)
def test_it_decides_each_roles_editable_fields(role, editable):
    assert access_for_role(role).editable == editable


@pytest.mark.parametrize(
    ("persona", "editable"),
    [("bob", DEMOGRAPHICS), ("nina", DEMOGRAPHICS | CLINICAL), ("alice", DEMOGRAPHICS | CLINICAL)],
)
def test_it_renders_only_the_fields_the_role_edits(
    request, login, bob, nina, alice, full_patient, persona, editable
):
    # given a member signed in
    client = login(request.getfixturevalue(persona))
    # when they open the register and the edit forms
    create = client.get(reverse("patients:create")).content.decode()
    edit = client.get(reverse("patients:edit", args=[full_patient.public_id])).content.decode()
    # then each form carries exactly the fields the role may edit
    assert _form_fields(create) == editable
    assert _form_fields(edit) == editable
    if persona == "bob":
        assert "Penicillin" not in edit
        assert "Warfarin" not in edit
        # the height as a value (a bare "168" can turn up inside a random UUID)
        assert "168.0" not in edit
        assert 'value="168' not in edit


def test_it_ignores_clinical_fields_posted_by_reception(login, bob, full_patient):
    # given reception on a patient's Edit details
    client = login(bob)
    # when a crafted post carries allergies, medications and height
    response = client.post(
        reverse("patients:edit", args=[full_patient.public_id]),
        {
            "given_name": "Maria",
            "family_name": "Lopez",
            "birth_date": "1985-03-14",
            "sex": "f",
            "phone": "+44 7700 900999",
            "allergies": "none",
            "current_medications": "",
            "height_cm": "199",
            "version": full_patient.version,
        },
    )
    # then the contact change is saved and nothing clinical changed or was blanked
    assert response.status_code == 302
    full_patient.refresh_from_db()
    assert full_patient.phone == "+44 7700 900999"
    assert full_patient.allergies == "Penicillin (rash)"
    assert full_patient.current_medications == "Warfarin 5 mg daily"
    assert full_patient.height_cm == Decimal("168.0")
    update = AuditEvent.objects.get(action="update", patient=full_patient)
    assert "allergies" not in update.detail


def test_it_keeps_clinical_fields_when_reception_saves_the_form_it_was_shown(
    login, bob, full_patient
):
    # given the edit form exactly as reception sees it
    client = login(bob)
    url = reverse("patients:edit", args=[full_patient.public_id])
    body = client.get(url).content.decode()
    posted = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', body))
    posted |= {"sex": "f", "address": "1 River Road", "birth_date": "1985-03-14"}
    # when it is saved unchanged
    response = client.post(url, posted)
    # then the clinical fields the form did not show keep their values
    assert response.status_code == 302
    full_patient.refresh_from_db()
    assert full_patient.allergies == "Penicillin (rash)"
    assert full_patient.current_medications == "Warfarin 5 mg daily"
    assert full_patient.height_cm == Decimal("168.0")


def test_it_registers_no_clinical_field_posted_by_reception(login, bob):
    # when reception's registration post carries an allergy
    login(bob).post(
        reverse("patients:create"),
        {
            "given_name": "Jane",
            "family_name": "Doe",
            "birth_date": "1990-05-01",
            "sex": "f",
            "allergies": "Latex",
        },
    )
    # then the patient is registered without it
    assert Patient.objects.get(family_name="Doe").allergies == ""


def test_it_lets_a_nurse_record_allergies(login, nina, full_patient):
    response = login(nina).post(
        reverse("patients:edit", args=[full_patient.public_id]),
        {
            "given_name": "Maria",
            "family_name": "Lopez",
            "birth_date": "1985-03-14",
            "sex": "f",
            "allergies": "Penicillin (rash); lidocaine (urticaria)",
            "current_medications": "Warfarin 5 mg daily",
            "height_cm": "168",
            "version": full_patient.version,
        },
    )
    assert response.status_code == 302
    full_patient.refresh_from_db()
    assert full_patient.allergies == "Penicillin (rash); lidocaine (urticaria)"


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("alice", ["Penicillin", "Warfarin", "168 cm", "maria@example.org", "1 River Road"], []),
        ("nina", ["Penicillin", "Warfarin", "168 cm", "maria@example.org"], []),
        ("bob", ["maria@example.org", "+44 7700 900123", "1 River Road"], ["Penicillin", "Warfarin", "168 cm"]),
        ("ada", ["RV000001", "1985-03-14"], ["Penicillin", "Warfarin", "maria@example.org", "7700", "River Road"]),
    ],
)  # fmt: skip
def test_it_shows_on_the_chart_only_what_the_role_sees(
    request, login, alice, nina, bob, ada, full_patient, persona, shown, hidden
):
    # given a member signed in
    client = login(request.getfixturevalue(persona))
    # when they open the chart
    body = client.get(reverse("patient_chart", args=[full_patient.public_id])).content.decode()
    # then it shows the fields of their role and none other
    for text in shown:
        assert text in body
    for text in hidden:
        assert text not in body


def test_it_lets_neither_admin_nor_researcher_edit_a_patient(login, ada, rita, patient):
    for member in (ada, rita):
        client = login(member)
        assert client.get(reverse("patients:edit", args=[patient.public_id])).status_code == 403
        assert client.get(reverse("patients:create")).status_code == 403


def test_it_lists_patients_with_the_columns_the_role_sees(login, ada, patient):
    # given the clinic admin searches the patient list
    body = login(ada).post(reverse("patients:list"), {"q": "Lopez"}).content.decode()
    # then the results name the patient and show no contact details
    assert patient.mrn in body
    assert "Maria Lopez" in body
    assert "maria@example.org" not in body


def test_it_keeps_names_and_birth_date_required_for_reception(login, bob):
    # given reception registers a patient with no birth date
    response = login(bob).post(
        reverse("patients:create"), {"given_name": "Jane", "family_name": "Doe", "sex": "f"}
    )
    # then the field is named as required and nothing is saved
    assert "Birth date: This field is required." in response.content.decode()
    assert not Patient.objects.exists()
