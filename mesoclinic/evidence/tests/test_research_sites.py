"""The research hub: other practices' bundles held as sites, and the report pooled over them
(issue 16, part 3). Personas: rita (researcher) adds sites, alice (practitioner) reads the
report, nina (nurse) sees no evidence, charlie (another clinic) sees none of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mesoclinic.evidence.models import SiteBundle
from mesoclinic.evidence.pooled_report import pooled_report
from mesoclinic.evidence.pooled_synthetic import SitesConfig, bundle_zip, generate_sites
from mesoclinic.evidence.services import bundle_tables

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def planted():
    return generate_sites(SitesConfig(sites=3, tau_cm=0.2, patients_low=50, patients_high=70), np.random.default_rng(11))  # fmt: skip


def _upload(client, site: str, data: bytes):
    return client.post(reverse("evidence:sites"), {"site": site, "bundle": SimpleUploadedFile(f"{site}.zip", data, content_type="application/zip")})  # fmt: skip


def test_it_adds_sites_and_pools_them_as_the_command_does(login, rita, alice, planted):
    # given a researcher who adds three practices' bundles
    client = login(rita)
    for name, bundle in zip(("Lyon", "Milano", "Sevilla"), planted.bundles, strict=True):
        answer = _upload(client, name, bundle_zip(bundle))
        assert answer.status_code == 302
    held = list(SiteBundle.objects.filter(clinic=rita.clinic))
    assert [b.site for b in held] == ["Lyon", "Milano", "Sevilla"]
    assert all(b.path.exists() for b in held)
    # when the practitioner opens the pooled report of localized fat
    page = login(alice).get(reverse("evidence:pooled", args=["localized_fat"]))
    text = page.content.decode()
    # then it shows the forest plot and the pooled estimate the engine computes from the bundles
    expected = pooled_report([(b.site, bundle_tables(b.path)) for b in held], indication="localized_fat", area=None, outcome="circumference_cm")  # fmt: skip
    assert page.status_code == 200
    assert 'class="forest-plot"' in text
    for site in ("Lyon", "Milano", "Sevilla"):
        assert site in text
    estimate = expected["per_session_effect"]["estimate"]
    assert f"{estimate:.3f}".rstrip("0") in text


def test_it_refuses_a_broken_bundle_and_keeps_nothing(login, rita, tmp_path: Path, settings):
    # given a zip whose patients file has an unknown sex code
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("patients.csv", "patient_id,sex,birth_year,height_cm\np1,q,1980,170\n")
        archive.writestr("sessions.csv", "session_id,patient_id,date,indication,area,side\n")
    # when the researcher uploads it
    answer = _upload(login(rita), "Broken", out.getvalue())
    # then the page lists the error with its place and nothing is kept
    assert answer.status_code == 200
    assert "patients.csv:2" in answer.content.decode()
    assert not SiteBundle.objects.exists()
    assert not any(Path(settings.RESEARCH_BUNDLE_ROOT).rglob("*.zip"))


def test_it_refuses_a_second_site_of_the_same_name(login, rita, planted):
    client = login(rita)
    assert _upload(client, "Lyon", bundle_zip(planted.bundles[0])).status_code == 302
    answer = _upload(client, "Lyon", bundle_zip(planted.bundles[1]))
    assert answer.status_code == 200
    assert "already held" in answer.content.decode()
    assert SiteBundle.objects.count() == 1


def test_it_removes_a_site_and_its_file(login, rita, planted, django_capture_on_commit_callbacks):
    # given a site held
    client = login(rita)
    _upload(client, "Lyon", bundle_zip(planted.bundles[0]))
    bundle = SiteBundle.objects.get()
    # when the researcher removes it (the file goes once the removal is committed)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("evidence:site_remove", args=[bundle.public_id]))
    # then neither the row nor the file is left
    assert answer.status_code == 302
    assert not SiteBundle.objects.exists()
    assert not bundle.path.exists()


def test_it_shows_another_clinic_none_of_the_sites(login, rita, charlie, planted):
    # given Riverside's researcher holds a site
    _upload(login(rita), "Nantes", bundle_zip(planted.bundles[0]))
    bundle = SiteBundle.objects.get()
    client = login(charlie)
    # when someone of another clinic looks for it
    listing = client.get(reverse("evidence:sites"))
    removal = client.post(reverse("evidence:site_remove", args=[bundle.public_id]))
    # then it is neither listed nor removable
    assert "Nantes" not in listing.content.decode()
    assert removal.status_code == 404
    assert SiteBundle.objects.filter(pk=bundle.pk).exists()


def test_it_lets_neither_the_nurse_nor_reception_see_the_hub(login, nina, bob):
    for member in (nina, bob):
        answer = login(member).get(reverse("evidence:sites"))
        assert answer.status_code in (302, 403)


def test_it_says_pooling_needs_two_sites(login, alice):
    page = login(alice).get(reverse("evidence:pooled", args=["localized_fat"]))
    assert page.status_code == 200
    assert "pooling needs at least 2" in page.content.decode()
