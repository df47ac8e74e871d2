"""Formulary screens: products with ingredients, lots, quarantine and recall, per persona."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.choices import LotStatus
from mesoclinic.formulary.models import Ingredient, Lot, Product
from mesoclinic.treatments.tests.conftest import make_lot, make_product

pytestmark = pytest.mark.django_db


def _product_form(*ingredients: tuple[str, str], **fields: str) -> dict[str, str]:
    form = {
        "name": "Lipo mix",
        "manufacturer": "Compounding pharmacy",
        "procedure_type": "subcutaneous_lipolysis",
        "is_active": "on",
        "notes": "",
        "ingredients-TOTAL_FORMS": str(len(ingredients)),
        "ingredients-INITIAL_FORMS": "0",
        "ingredients-MIN_NUM_FORMS": "1",
        "ingredients-MAX_NUM_FORMS": "1000",
    }
    for n, (substance, mg_per_ml) in enumerate(ingredients):
        form[f"ingredients-{n}-substance"] = substance
        form[f"ingredients-{n}-mg_per_ml"] = mg_per_ml
    form.update(fields)
    return form


def _lot_form(product: Product, **fields: str) -> dict[str, str]:
    # "Today" is the clinic's, as the form reckons it, never the server's.
    today = product.clinic.today()
    form = {
        "product": str(product.pk),
        "lot_number": "A123",
        "expiry_date": (today + dt.timedelta(days=200)).isoformat(),
        "received_on": today.isoformat(),
        "quantity_received": "4",
        "vial_volume_ml": "2.5",
        "vial_type": "single",
    }
    form.update(fields)
    return form


def test_it_creates_a_product_with_its_ingredients(login, ada):
    # given the clinic admin
    client = login(ada)
    # when she adds a product with two ingredients (one typed with capitals and a space)
    response = client.post(
        reverse("formulary:product_create"),
        _product_form(("phosphatidylcholine", "25"), ("Deoxycholic acid", "21")),
    )
    # then the product exists with normalised substance codes, and the write is audited
    product = Product.objects.get(name="Lipo mix")
    assert response.status_code == 302
    assert {(i.substance, i.mg_per_ml) for i in product.ingredients.all()} == {
        ("phosphatidylcholine", Decimal(25)),
        ("deoxycholic_acid", Decimal(21)),
    }
    assert AuditEvent.objects.filter(action="create", object_id=str(product.public_id)).exists()


@pytest.mark.parametrize(
    ("ingredients", "message"),
    [
        (
            (("lidocaine", "10"), ("lidocaine", "20")),
            "Substance: lidocaine is listed twice",
        ),
        ((("lidocaine", "-1"),), "Concentration (mg/mL): A concentration cannot be negative."),
        ((("lido%caine", "10"),), "Substance: Use a lower-case code with underscores"),
    ],
)
def test_it_refuses_bad_ingredients_naming_the_field(login, ada, ingredients, message):
    response = login(ada).post(reverse("formulary:product_create"), _product_form(*ingredients))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()
    assert not Ingredient.objects.exists()


def test_it_refuses_a_product_without_ingredients(login, ada):
    response = login(ada).post(reverse("formulary:product_create"), _product_form())
    assert "Ingredients: Please submit at least 1 form." in response.content.decode()
    assert not Product.objects.exists()


def test_it_refuses_a_second_product_with_the_same_name(login, ada, riverside):
    make_product(riverside, "Lipo mix", phosphatidylcholine="25")
    response = login(ada).post(
        reverse("formulary:product_create"), _product_form(("lidocaine", "10"))
    )
    assert (
        "Name: Another product of this clinic already has this name." in response.content.decode()
    )
    # and the clinic still has the one product, with its own ingredient only
    product = Product.objects.get(clinic=riverside)
    assert [i.substance for i in Ingredient.objects.filter(product=product)] == [
        "phosphatidylcholine"
    ]


def test_it_keeps_ingredients_of_a_product_used_in_a_signed_session(
    login, ada, alice, ready, draft, pcdc, pcdc_lot
):
    # given PC/DC was injected in a signed session
    from mesoclinic.treatments import services

    services.add_injection(
        draft,
        {
            "area": "abdomen",
            "side": "midline",
            "product": pcdc,
            "lot": pcdc_lot,
            "volume_ml": Decimal(2),
            "points": 10,
        },
    )
    services.sign_session(draft, alice)
    ingredient = pcdc.ingredients.get(substance="deoxycholic_acid")
    # when the admin changes a concentration
    form = _product_form(
        ("phosphatidylcholine", "25"),
        ("deoxycholic_acid", "42"),
        name="PC/DC",
        version=str(pcdc.version),
        **{"ingredients-INITIAL_FORMS": "2"},
    )
    form["ingredients-0-id"] = str(pcdc.ingredients.get(substance="phosphatidylcholine").pk)
    form["ingredients-1-id"] = str(ingredient.pk)
    response = login(ada).post(reverse("formulary:product_edit", args=[pcdc.public_id]), form)
    # then it is refused and the signed dose stays computable from the same numbers
    assert "Ingredients: this product was used in signed sessions" in response.content.decode()
    ingredient.refresh_from_db()
    assert ingredient.mg_per_ml == Decimal(21)


def test_it_receives_a_lot_with_its_volume_in_stock(login, ada, pcdc):
    response = login(ada).post(reverse("formulary:lot_receive"), _lot_form(pcdc))
    lot = Lot.objects.get(lot_number="A123")
    assert response.status_code == 302
    assert lot.remaining_ml == Decimal(10)  # 4 vials × 2.5 mL
    assert lot.status == LotStatus.AVAILABLE
    assert AuditEvent.objects.filter(action="create", object_type="lot").exists()


def test_it_prefills_the_received_date_so_a_date_picker_shows_it(login, ada, riverside):
    # given the clinic's language writes dates as 14/03/2025
    # when the admin opens "receive a lot"
    body = login(ada).get(reverse("formulary:lot_receive")).content.decode()
    # then today's date is in the date picker, in the ISO form a browser keeps
    today = riverside.today().isoformat()
    assert f'type="date" name="received_on" value="{today}"' in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lot_number": "PC-001"}, "Lot number: Lot PC-001 of PC/DC has already been received."),
        (
            {"vial_volume_ml": "0"},
            "Volume per vial (mL): The volume per vial must be more than 0 mL.",
        ),
        ({"quantity_received": "0"}, "Quantity (vials or syringes): Receive at least one"),
        ({"expiry_date": "2001-01-01"}, "Expiry date: This lot had already expired"),
        ({"expiry_date": ""}, "Expiry date: This field is required."),
    ],
)
def test_it_refuses_a_bad_lot_naming_the_field(login, ada, pcdc, pcdc_lot, change, message):
    response = login(ada).post(reverse("formulary:lot_receive"), _lot_form(pcdc, **change))
    assert message in response.content.decode()
    assert Lot.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "status"), [("recall", "recalled"), ("quarantine", "quarantined")]
)
def test_it_withdraws_a_lot_with_a_reason_and_audits_it(login, ada, pcdc_lot, action, status):
    # given an available lot; when the admin recalls or quarantines it with a reason
    client = login(ada)
    client.post(
        reverse("formulary:lot_status", args=[pcdc_lot.public_id, action]),
        {"reason": "Manufacturer notice 2026-17", "version": pcdc_lot.version},
    )
    # then the lot carries the status and reason, and the change is audited
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.status == status
    assert pcdc_lot.status_reason == "Manufacturer notice 2026-17"
    event = AuditEvent.objects.get(action="update", object_id=str(pcdc_lot.public_id))
    assert event.detail == status
    page = client.get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id])).content.decode()
    assert f"is {status}." in page


def test_it_refuses_a_recall_without_a_reason(login, ada, pcdc_lot):
    response = login(ada).post(
        reverse("formulary:lot_status", args=[pcdc_lot.public_id, "recall"]), {"reason": ""}
    )
    assert "Reason: This field is required." in response.content.decode()
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.status == LotStatus.AVAILABLE


def test_it_never_releases_a_recalled_lot(login, ada, pcdc_lot):
    pcdc_lot.status = LotStatus.RECALLED
    pcdc_lot.save()
    login(ada).post(
        reverse("formulary:lot_status", args=[pcdc_lot.public_id, "release"]), {"reason": "ok"}
    )
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.status == LotStatus.RECALLED


def test_it_shows_expired_and_recalled_lots_clearly(login, nina, pcdc):
    make_lot(pcdc, "OLD", expiry_date=pcdc.clinic.today() - dt.timedelta(days=1))
    make_lot(pcdc, "BAD", status=LotStatus.RECALLED)
    body = login(nina).get(reverse("formulary:lots")).content.decode()
    assert '<span class="badge bad">Expired</span>' in body
    assert '<span class="badge bad">Recalled</span>' in body


def test_it_shows_empty_states(login, alice):
    client = login(alice)
    assert (
        "No products are in the formulary yet."
        in client.get(reverse("formulary:products")).content.decode()
    )
    assert "No lots have been received" in client.get(reverse("formulary:lots")).content.decode()


def test_it_lets_clinical_staff_read_but_not_manage(login, alice, nina, pcdc, pcdc_lot):
    for persona in (alice, nina):
        client = login(persona)
        assert client.get(reverse("formulary:products")).status_code == 200
        assert (
            client.get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id])).status_code
            == 200
        )
        assert client.get(reverse("formulary:product_create")).status_code == 403
        assert (
            client.post(
                reverse("formulary:lot_status", args=[pcdc_lot.public_id, "recall"]),
                {"reason": "x"},
            ).status_code
            == 403
        )
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.status == LotStatus.AVAILABLE


@pytest.mark.parametrize("persona", ["bob", "rita"])
def test_it_refuses_reception_and_researcher(request, login, persona, pcdc_lot):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("formulary:products")).status_code == 403
    assert client.get(reverse("formulary:lots")).status_code == 403
    assert client.get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id])).status_code == 403


def test_it_shows_charlie_nothing_of_riverside(login, charlie, pcdc, pcdc_lot):
    client = login(charlie)
    responses = [
        client.get(reverse("formulary:lot_detail", args=[pcdc_lot.public_id])),
        client.get(reverse("formulary:lots") + f"?product={pcdc.public_id}"),
    ]
    for response in responses:
        assert response.status_code == 404
        assert "PC-001" not in response.content.decode()
    listing = client.get(reverse("formulary:lots")).content.decode()
    assert "PC-001" not in listing
    assert "PC/DC" not in client.get(reverse("formulary:products")).content.decode()


def test_it_shows_another_clinics_admin_a_404(login, pcdc, pcdc_lot, hilltop):
    from django.contrib.auth.models import User

    from mesoclinic.clinics.choices import Role
    from mesoclinic.clinics.models import Membership

    admin = Membership.objects.create(
        user=User.objects.create_user("hana"), clinic=hilltop, role=Role.ADMIN
    )
    client = login(admin)
    assert client.get(reverse("formulary:product_edit", args=[pcdc.public_id])).status_code == 404
    recall = client.post(
        reverse("formulary:lot_status", args=[pcdc_lot.public_id, "recall"]), {"reason": "x"}
    )
    assert recall.status_code == 404
    pcdc_lot.refresh_from_db()
    assert pcdc_lot.status == LotStatus.AVAILABLE
