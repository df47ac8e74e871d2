"""A GET on a POST-only address shows a page in the site's layout that says nothing was done
and links back; opening a sign address after a refused signature lands on the record's page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mesoclinic.clinics.method_not_allowed import accepts_get, record_page
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(riverside, patient, alice):
    return TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        practitioner=alice.user,
        created_by=alice.user,
    )


def test_it_explains_a_get_on_a_post_only_address_in_the_sites_layout(login, nina, session):
    # given the nurse on a session's page
    client = login(nina)
    detail = reverse("treatments:detail", args=[session.public_id])
    # when she opens the address of its "add a line" button directly
    response = client.get(
        reverse("treatments:line_add", args=[session.public_id]),
        HTTP_REFERER=f"http://testserver{detail}",
    )
    page = response.content.decode()
    # then a 405 page in the site's layout says nothing was done and links back
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Nothing was saved, signed or changed by this visit." in page
    assert f'href="{detail}">Back to the record' in page
    assert "Back to the previous page" in page
    assert 'class="topbar"' in page
    # and it names no patient
    assert "Maria" not in page.split('<main id="main"', 1)[1]


def test_it_sends_a_reload_of_a_refused_signature_back_to_the_session_page(login, alice, session):
    client = login(alice)
    # given a signature refused for a draft with no injection line, shown at the sign address
    refused = client.post(reverse("treatments:sign", args=[session.public_id]), follow=True)
    assert "Not signed." in refused.content.decode()
    # when the sign address is opened again with GET (a reload, the back button, the URL bar)
    response = client.get(reverse("treatments:sign", args=[session.public_id]), follow=True)
    # then she lands on the session's page with a note that nothing was signed, not on a 405
    assert response.redirect_chain[-1] == (
        reverse("treatments:detail", args=[session.public_id]),
        302,
    )
    assert response.status_code == 200
    assert "Nothing was signed by opening that address" in response.content.decode()
    session.refresh_from_db()
    assert not session.is_signed


def test_it_keeps_another_clinics_sign_address_a_404(login, charlie, session):
    # when charlie opens Riverside's session sign address with GET
    response = login(charlie).get(reverse("treatments:sign", args=[session.public_id]))
    # then it is a 404, as any of Riverside's records, and not a redirect revealing it exists
    assert response.status_code == 404


def test_it_sends_a_get_on_a_consultation_sign_address_to_the_consultation(login, alice, patient):
    from mesoclinic.consultations.models import Consultation

    # given a draft consultation
    consultation = Consultation.objects.create(
        clinic=patient.clinic,
        patient=patient,
        consulted_at=timezone.now(),
        clinician=alice.user,
        clinician_name="Alice Archer",
        concerns="Abdominal fat",
        created_by=alice.user,
    )
    # when its sign address is opened with GET
    response = login(alice).get(reverse("consultations:sign", args=[consultation.public_id]))
    # then it goes to the consultation's page and nothing is signed
    assert response["Location"] == reverse("consultations:detail", args=[consultation.public_id])
    consultation.refresh_from_db()
    assert not consultation.is_signed


def test_it_finds_the_record_page_above_a_button_address(session):
    # the nearest address above that opens with GET: the session, not the POST-only lines
    line_remove = reverse("treatments:line_remove", args=[session.public_id, session.public_id])
    assert record_page(line_remove) == reverse("treatments:detail", args=[session.public_id])
    assert record_page("/nowhere/") is None


def test_it_tells_post_only_views_from_others():
    @require_POST
    def post_only(request):
        return None

    @require_GET
    def get_only(request):
        return None

    assert not accepts_get(post_only)
    assert accepts_get(get_only)
    assert accepts_get(lambda request: None)
