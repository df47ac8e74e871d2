"""Consent templates (versions, defaults), capture, practitioner signature and withdrawal."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.consent import practice_rates
from mesoclinic.consent.forms import SIGNATURE_MAX_CHARS, check_signature_png
from mesoclinic.consent.models import Consent, ConsentTemplate
from mesoclinic.consent.services import default_templates, install_default_templates
from mesoclinic.records.models import Amendment, ImmutableRecordError

pytestmark = pytest.mark.django_db

# A real 1×1 PNG.
PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def templates(riverside, ada):
    return {t.code: t for t in install_default_templates(None, riverside, ada.user)}


def capture_data(template: ConsentTemplate, **overrides: str) -> dict[str, str]:
    data = {
        "template": str(template.public_id),
        "read_confirmed": "on",
        "discussed": "Risks, off-label status and alternatives discussed; asked about nodules.",
        "photo_consent": "on",
        "patient_typed_name": "Maria Lopez",
        "patient_signature_png": PNG,
        # The page's practice figures, sealed (consent/practice_rates.py); none shown here.
        "practice_rates": practice_rates.seal(None),
    }
    data.update(overrides)
    return data


@pytest.fixture
def consent(login, nina, patient, templates):
    template = templates["pcdc-lipolysis"]
    login(nina).post(reverse("consent:capture", args=[patient.public_id]), capture_data(template))
    return Consent.objects.get()


def test_it_provides_four_sourced_default_templates():
    # given the default templates
    found = {t["code"]: t for t in default_templates()}
    # then there are the four treatments, the PC/DC one disclosing off-label use and regulators
    assert set(found) == {
        "pcdc-lipolysis",
        "deoxycholic-submental",
        "skin-mesotherapy",
        "hair-mesotherapy",
    }
    pcdc = found["pcdc-lipolysis"]
    assert pcdc["off_label"] is True
    assert "OFF-LABEL" in pcdc["body"]
    assert "France banned" in pcdc["body"]
    assert "not aware of any credible scientific evidence" in pcdc["body"]
    kybella = found["deoxycholic-submental"]["body"]
    assert "Swelling 87% (placebo 43%)" in kybella
    assert "median 44" in kybella
    assert "Difficulty swallowing: 2%" in kybella
    assert "45.5%" in found["hair-mesotherapy"]["body"]
    for t in found.values():
        assert "https://" in t["body"]


def test_it_lists_templates_for_the_admin_only(login, ada, alice, templates):
    body = login(ada).get(reverse("consent:templates")).content.decode()
    assert "Injection lipolysis" in body
    assert "Consent templates" in body  # nav link
    assert login(alice).get(reverse("consent:templates")).status_code == 403


def test_it_shows_an_empty_state_and_installs_the_standard_templates(login, ada):
    client = login(ada)
    assert "No consent templates yet" in client.get(reverse("consent:templates")).content.decode()
    client.post(reverse("consent:template_defaults"))
    client.post(reverse("consent:template_defaults"))  # twice adds nothing more
    # four texts, each in English, French, Italian and Spanish
    assert ConsentTemplate.objects.count() == 4 * 4
    assert ConsentTemplate.objects.filter(language="en-gb").count() == 4


def test_it_creates_a_template_and_names_bad_fields(login, ada):
    client = login(ada)
    bad = client.post(
        reverse("consent:template_create"),
        {"code": "x y", "title": "T", "indication": "cellulite", "body": "too short"},
    )
    text = bad.content.decode()
    assert "Code: " in text
    assert "Text the patient reads: is too short" in text
    response = client.post(
        reverse("consent:template_create"),
        {
            "code": "cellulite-meso",
            "title": "Cellulite mesotherapy",
            "indication": "cellulite",
            "body": "Risks and alternatives. " * 20,
        },
    )
    template = ConsentTemplate.objects.get(code="cellulite-meso")
    assert response.status_code == 302
    assert template.template_version == 1
    assert AuditEvent.objects.filter(action="create", object_id=str(template.public_id)).exists()


def test_it_refuses_a_second_template_with_the_same_code(login, ada, templates):
    response = login(ada).post(
        reverse("consent:template_create"),
        {
            "code": "pcdc-lipolysis",
            "title": "Again",
            "indication": "localized_fat",
            "body": "Risks and alternatives. " * 20,
        },
    )
    assert "Code: a template with this code exists" in response.content.decode()
    # and the English template in use is the only one with that code, unchanged (its French,
    # Italian and Spanish versions share the code)
    english = ConsentTemplate.objects.filter(code="pcdc-lipolysis", language="en-gb")
    assert list(english) == [templates["pcdc-lipolysis"]]
    assert not ConsentTemplate.objects.filter(title="Again").exists()


def test_it_makes_a_new_version_without_touching_the_one_in_use(login, ada, consent, templates):
    # given version 1 is used by a consent
    v1 = templates["pcdc-lipolysis"]
    # when the admin makes a new version with a changed text
    response = login(ada).post(
        reverse("consent:template_new_version", args=[v1.public_id]),
        {
            "code": "ignored",
            "title": v1.title,
            "indication": v1.indication,
            "off_label": "on",
            "body": v1.body + "\n\nNew: bring a list of your medicines.",
            "version": v1.version,
        },
    )
    # then version 2 is active, version 1 is inactive and unchanged, and the consent keeps v1
    v2 = ConsentTemplate.objects.get(code="pcdc-lipolysis", template_version=2)
    v1_after = ConsentTemplate.objects.get(pk=v1.pk)
    assert response.status_code == 302
    assert v2.is_active
    assert not v1_after.is_active
    assert v1_after.body == v1.body
    assert "bring a list" in v2.body
    consent.refresh_from_db()
    assert consent.template_id == v1.pk
    assert "bring a list" not in consent.body_snapshot


def test_it_deactivates_a_template(login, ada, templates):
    t = templates["hair-mesotherapy"]
    login(ada).post(reverse("consent:template_deactivate", args=[t.public_id]), {"version": 1})
    t.refresh_from_db()
    assert not t.is_active


def test_it_suggests_only_templates_matching_the_plan(login, alice, patient, templates):
    # given the patient's latest consultation considered hair loss
    from mesoclinic.consultations.tests.test_consultation_views import form_data

    client = login(alice)
    client.post(
        reverse("consultations:create", args=[patient.public_id]),
        form_data(indications=["hair_loss"], areas=["scalp"]),
    )
    # when alice opens the consent page
    body = client.get(reverse("consent:capture", args=[patient.public_id])).content.decode()
    # then only the hair template is suggested, with a way to see all
    assert "Hair mesotherapy" in body
    assert "Injection lipolysis" not in body
    all_body = client.get(reverse("consent:capture", args=[patient.public_id]), {"all": "1"})
    assert "Injection lipolysis" in all_body.content.decode()


def test_it_captures_consent_and_a_practitioner_signs_it(login, nina, alice, patient, consent):
    # given the nurse recorded the patient's consent
    assert consent.body_snapshot == consent.template.body
    assert consent.photo_consent is True
    assert consent.patient_signature_png == PNG
    assert not consent.is_signed
    # when the nurse tries to sign, then alice signs
    assert login(nina).post(reverse("consent:sign", args=[consent.public_id])).status_code == 403
    client = login(alice)
    client.post(reverse("consent:sign", args=[consent.public_id]))
    # then it is signed by alice, immutable, and shown on the chart
    consent.refresh_from_db()
    assert consent.signed_by_name == "Alice Archer"
    consent.discussed = "tampered"
    with pytest.raises(ImmutableRecordError):
        consent.save()
    chart = client.get(reverse("patient_chart", args=[patient.public_id])).content.decode()
    assert "Consent: Injection lipolysis" in chart
    assert "v1" in chart
    assert "signed" in chart
    assert AuditEvent.objects.filter(action="sign", object_id=str(consent.public_id)).exists()


def test_it_hides_the_sign_button_from_the_nurse(login, nina, consent):
    body = login(nina).get(reverse("consent:detail", args=[consent.public_id])).content.decode()
    assert "Sign as practitioner" not in body
    assert "A practitioner must sign this consent." in body


def test_it_accepts_consent_without_a_drawn_signature(login, alice, patient, templates):
    # given a keyboard user who types their name but cannot draw
    data = capture_data(templates["skin-mesotherapy"], patient_signature_png="")
    # when the consent is recorded
    response = login(alice).post(reverse("consent:capture", args=[patient.public_id]), data)
    # then it is accepted on the typed name
    assert response.status_code == 302
    assert Consent.objects.get().patient_typed_name == "Maria Lopez"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "patient_typed_name",
            "",
            "Patient&#x27;s full name, typed by the patient: This field is required.",
        ),
        ("discussed", "", "Record of the consent discussion: This field is required."),
        (
            "read_confirmed",
            "",
            "The patient has read the text above and had their questions answered: This field is required.",
        ),
        (
            "patient_signature_png",
            "data:image/jpeg;base64,/9j/4AAQ",
            "Drawn signature: must be a PNG image",
        ),
        (
            "patient_signature_png",
            "data:image/png;base64,%%%notbase64",
            "Drawn signature: is not valid base64",
        ),
        (
            "patient_signature_png",
            "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(),
            "Drawn signature: is not a PNG image",
        ),
        ("patient_signature_png", PNG + "A" * SIGNATURE_MAX_CHARS, "Drawn signature: is too large"),
    ],
)
def test_it_names_the_field_of_bad_consent_input(
    login, alice, patient, templates, field, value, message
):
    data = capture_data(templates["pcdc-lipolysis"], **{field: value})
    response = login(alice).post(reverse("consent:capture", args=[patient.public_id]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_it_checks_signature_data_urls():
    assert check_signature_png("") is None
    assert check_signature_png(PNG) is None
    assert check_signature_png("javascript:alert(1)") is not None


def test_it_refuses_an_inactive_template(login, alice, patient, templates):
    t = templates["hair-mesotherapy"]
    ConsentTemplate.objects.filter(pk=t.pk).update(is_active=False)
    response = login(alice).post(
        reverse("consent:capture", args=[patient.public_id]), capture_data(t)
    )
    assert response.status_code == 404
    assert not Consent.objects.exists()


def test_it_withdraws_a_signed_consent_by_amendment(login, alice, consent):
    # given a signed consent
    client = login(alice)
    client.post(reverse("consent:sign", args=[consent.public_id]))
    consent.refresh_from_db()
    # when the patient withdraws it
    response = client.post(
        reverse("consent:withdraw", args=[consent.public_id]),
        {"reason": "Changed her mind", "version": consent.version},
    )
    # then the signed row is untouched, an amendment records the withdrawal, and it is audited
    consent.refresh_from_db()
    assert response.status_code == 302
    assert consent.withdrawn_at is None
    assert consent.is_withdrawn
    amendment = Amendment.objects.get()
    assert amendment.author_name == "Alice Archer"
    assert "Changed her mind" in amendment.reason
    assert AuditEvent.objects.filter(action="amend", object_id=str(consent.public_id)).exists()
    page = client.get(reverse("consent:detail", args=[consent.public_id])).content.decode()
    assert "withdrawn" in page
    assert "Record withdrawal" not in page


def test_it_withdraws_a_draft_and_then_refuses_to_sign_it(login, alice, consent):
    client = login(alice)
    client.post(
        reverse("consent:withdraw", args=[consent.public_id]),
        {"reason": "No reason given", "version": consent.version},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_reason == "No reason given"
    client.post(reverse("consent:sign", args=[consent.public_id]))
    consent.refresh_from_db()
    assert not consent.is_signed


def test_it_requires_a_reason_to_withdraw(login, alice, consent):
    response = login(alice).post(
        reverse("consent:withdraw", args=[consent.public_id]), {"reason": ""}
    )
    assert "Reason for withdrawal: This field is required." in response.content.decode()
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_it_refuses_the_nurse_a_withdrawal(login, nina, consent):
    # given a consent, the nurse signed in, and the audit trail so far
    client = login(nina)
    audited = AuditEvent.objects.count()
    # when she posts a withdrawal with a reason and the version she read
    response = client.post(
        reverse("consent:withdraw", args=[consent.public_id]),
        {"reason": "x", "version": consent.version},
    )
    # then she is refused, the consent stands as it was, and nothing was recorded as done
    assert response.status_code == 403
    before = consent.version
    consent.refresh_from_db()
    assert not consent.is_withdrawn
    assert consent.withdrawn_at is None
    assert consent.withdrawal_reason == ""
    assert consent.version == before
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["bob", "rita"])
def test_it_refuses_reception_and_researcher(request, login, who, consent, patient):
    client = login(request.getfixturevalue(who))
    for url in [
        reverse("consent:detail", args=[consent.public_id]),
        reverse("consent:capture", args=[patient.public_id]),
        reverse("consent:templates"),
    ]:
        response = client.get(url)
        assert response.status_code == 403
        assert "Lopez" not in response.content.decode()


def test_it_shows_charlie_nothing(login, charlie, consent, patient, templates):
    # given charlie, a practitioner at Hilltop
    client = login(charlie)
    template = templates["pcdc-lipolysis"]
    # when he tries Riverside's consent, patient and templates
    responses = [
        client.get(reverse("consent:detail", args=[consent.public_id])),
        client.post(reverse("consent:sign", args=[consent.public_id])),
        client.post(reverse("consent:withdraw", args=[consent.public_id]), {"reason": "x"}),
        client.get(reverse("consent:capture", args=[patient.public_id])),
        client.post(reverse("consent:capture", args=[patient.public_id]), capture_data(template)),
    ]
    # then every one is a 404 showing nothing, and nothing changed
    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "Lopez" not in body
        assert "nodules" not in body
    consent.refresh_from_db()
    assert not consent.is_signed
    assert not consent.is_withdrawn
    assert Consent.objects.count() == 1


def test_it_hides_another_clinics_templates_from_its_admin(login, hilltop, templates):
    # given Hilltop's clinic admin
    from django.contrib.auth.models import User

    from mesoclinic.clinics.models import Membership

    hank = User.objects.create_user("hank", password="x")
    admin = Membership.objects.create(user=hank, clinic=hilltop, role="admin")
    client = login(admin)
    t = templates["pcdc-lipolysis"]
    # when he opens Riverside's template or tries to version it
    detail = client.get(reverse("consent:template_detail", args=[t.public_id]))
    version = client.post(reverse("consent:template_new_version", args=[t.public_id]), {})
    # then both are 404 and his list is empty
    assert detail.status_code == 404
    assert version.status_code == 404
    assert "Injection lipolysis" not in client.get(reverse("consent:templates")).content.decode()


def test_it_offers_take_consent_on_the_chart_only_to_clinical_roles(login, alice, bob, patient):
    url = reverse("patient_chart", args=[patient.public_id])
    assert "Take consent" in login(alice).get(url).content.decode()
    assert "Take consent" not in login(bob).get(url).content.decode()


def test_it_shows_the_consent_text_and_signature_pad_when_a_template_is_chosen(
    login, alice, patient, templates
):
    t = templates["deoxycholic-submental"]
    response = login(alice).get(
        reverse("consent:capture", args=[patient.public_id]), {"template": str(t.public_id)}
    )
    body = response.content.decode()
    assert "Swelling 87%" in body
    assert "<canvas" in body
    assert "consent/signature.js" in body
    assert AuditEvent.objects.filter(action="view", patient=patient, username="alice").exists()
