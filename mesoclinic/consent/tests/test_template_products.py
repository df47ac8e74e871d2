"""A consent template may name the products it covers: the admin picks them from the clinic's
formulary on the template pages, a new version starts from them, and the pages say so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mesoclinic.consent.models import ConsentTemplate
from mesoclinic.treatments.tests.conftest import make_product

pytestmark = pytest.mark.django_db

BODY = "Risks, alternatives, aftercare and the off-label status of the product. " * 4


@pytest.fixture
def products(riverside, hilltop):
    return {
        "dca": make_product(riverside, "Deoxycholic acid 10 mg/mL", deoxycholic_acid="10"),
        "lido": make_product(riverside, "Lidocaine 1%", lidocaine="10"),
        "theirs": make_product(hilltop, "Hilltop PC/DC", phosphatidylcholine="50"),
    }


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "dca-submental",
        "title": "Deoxycholic acid, submental",
        "indication": "submental_fat",
        "body": BODY,
    }
    data.update(changes)
    return data


def test_it_creates_a_template_covering_only_the_products_named(login, ada, products):
    # when the admin names the deoxycholic acid product on a new template
    client = login(ada)
    client.post(reverse("consent:template_create"), _form(products=[products["dca"].pk]))
    # then the template covers only that product, and its page says so
    template = ConsentTemplate.objects.get(code="dca-submental")
    assert list(template.products.all()) == [products["dca"]]
    page = client.get(reverse("consent:template_detail", args=[template.public_id]))
    assert "Covers only: Deoxycholic acid 10 mg/mL." in page.content.decode()


def test_it_covers_any_product_when_none_is_named(login, ada, products):
    client = login(ada)
    client.post(reverse("consent:template_create"), _form())
    template = ConsentTemplate.objects.get(code="dca-submental")
    assert not template.products.exists()
    page = client.get(reverse("consent:template_detail", args=[template.public_id]))
    assert "Covers any product given for submental fat." in page.content.decode()


def test_it_offers_only_the_clinics_own_products(login, ada, products):
    # when the admin opens the form, then Hilltop's product is not offered
    page = login(ada).get(reverse("consent:template_create")).content.decode()
    assert "Deoxycholic acid 10 mg/mL" in page
    assert "Hilltop PC/DC" not in page
    # and posting it anyway is refused, naming the field
    response = login(ada).post(
        reverse("consent:template_create"), _form(products=[products["theirs"].pk])
    )
    assert "Products this consent covers (optional): Select a valid choice." in (
        response.content.decode()
    )
    assert not ConsentTemplate.objects.exists()


def test_it_starts_a_new_version_from_the_products_and_keeps_the_old_ones(login, ada, products):
    # given version 1 names deoxycholic acid
    client = login(ada)
    client.post(reverse("consent:template_create"), _form(products=[products["dca"].pk]))
    v1 = ConsentTemplate.objects.get(code="dca-submental")
    # when the admin opens a new version, then deoxycholic acid is ticked
    page = client.get(reverse("consent:template_new_version", args=[v1.public_id]))
    assert f'value="{products["dca"].pk}" id="id_products_0" checked' in page.content.decode()
    # when she adds lidocaine in version 2
    client.post(
        reverse("consent:template_new_version", args=[v1.public_id]),
        _form(products=[products["dca"].pk, products["lido"].pk], version=v1.version),
    )
    # then version 2 names both and version 1 still names only deoxycholic acid
    v2 = ConsentTemplate.objects.get(code="dca-submental", template_version=2)
    assert set(v2.products.all()) == {products["dca"], products["lido"]}
    assert list(v1.products.all()) == [products["dca"]]
