"""The practice dose-limit pages: admins add and tighten limits with a source, never loosen."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from mesoclinic.audit.choices import Action
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import Clinic, Membership
from mesoclinic.dosing.models import DoseLimit
from mesoclinic.treatments.tests.conftest import make_product

Login = Callable[[Membership], Client]


def _limit(clinic: Clinic, **fields: object) -> DoseLimit:
    values: dict[str, object] = {"substance": "lidocaine", "max_mg": Decimal(200)}
    values.update(fields)
    return DoseLimit.objects.create(clinic=clinic, source="Practice policy 2026", **values)


def test_it_lets_the_clinic_admin_add_a_limit_with_its_source_and_audits_it(
    ada: Membership, login: Login
) -> None:
    # when ada adds a 200 mg lidocaine limit with a source
    response = login(ada).post(
        reverse("dosing:limit_create"),
        {"substance": "Lidocaine", "max_mg": "200", "source": "Practice policy 2026"},
    )
    # then it is stored for her clinic, as the code, and audited
    assert response.status_code == 302
    limit = DoseLimit.objects.get()
    assert (limit.clinic, limit.substance, limit.max_mg) == (ada.clinic, "lidocaine", Decimal(200))
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(limit.public_id)).exists()


def test_it_requires_a_source_and_a_value(ada: Membership, login: Login) -> None:
    # when ada submits a limit with neither a source nor a value
    response = login(ada).post(reverse("dosing:limit_create"), {"substance": "procaine"})
    # then both fields say what is missing and nothing is stored
    body = response.content.decode()
    assert "Source: This field is required." in body
    assert "Maximum per session (mg): Give a maximum" in body
    assert not DoseLimit.objects.exists()


def test_it_refuses_a_limit_looser_than_the_label_naming_the_field(
    ada: Membership, login: Login
) -> None:
    # when ada tries 600 mg and 8 mg/kg of lidocaine (label: 500 mg and 7 mg/kg at most)
    response = login(ada).post(
        reverse("dosing:limit_create"),
        {"substance": "lidocaine", "max_mg": "600", "mg_per_kg": "8", "source": "Our habit"},
    )
    # then each field says it would loosen the label limit
    body = response.content.decode()
    assert "Maximum per session (mg): 600 mg would loosen the label limit" in body
    assert "Maximum per kg body weight (mg/kg): 8 mg/kg would loosen the label limit" in body
    assert not DoseLimit.objects.exists()


def test_it_stores_another_name_of_a_substance_as_its_code(ada: Membership, login: Login) -> None:
    # when ada types a brand name of lidocaine
    response = login(ada).post(
        reverse("dosing:limit_create"),
        {"substance": "Xylocaine", "max_mg": "100", "source": "Policy"},
    )
    # then the limit is stored under the code it is counted under, so it applies
    assert response.status_code == 302
    assert DoseLimit.objects.get().substance == "lidocaine"


def test_it_refuses_a_misspelt_substance_naming_the_closest_known_one(
    ada: Membership, login: Login
) -> None:
    # when ada misspells lidocaine
    response = login(ada).post(
        reverse("dosing:limit_create"),
        {"substance": "lidocain", "max_mg": "100", "source": "Policy"},
    )
    # then the substance field says the limit would never apply and suggests lidocaine
    body = response.content.decode()
    assert "Substance: “lidocain” is not an ingredient of any product of this clinic" in body
    assert "did you mean lidocaine?" in body
    assert not DoseLimit.objects.exists()


def test_it_accepts_an_ingredient_of_this_clinics_products_only(
    ada: Membership, hilltop: Clinic, login: Login
) -> None:
    # given Riverside stocks a product with organic silicon, and Hilltop one with DMAE
    make_product(ada.clinic, "Silicon cocktail", organic_silicon="5")
    make_product(hilltop, "Hilltop mix", dmae="3")
    client = login(ada)
    # when ada limits organic silicon, then DMAE
    ours = client.post(
        reverse("dosing:limit_create"),
        {"substance": "Organic silicon", "max_mg": "50", "source": "Policy"},
    )
    theirs = client.post(
        reverse("dosing:limit_create"),
        {"substance": "dmae", "max_mg": "50", "source": "Policy"},
    )
    # then her clinic's ingredient is accepted as its code, and the other clinic's is unknown
    assert ours.status_code == 302
    assert "Substance: “dmae” is not an ingredient of any product of this clinic" in (
        theirs.content.decode()
    )
    assert list(DoseLimit.objects.values_list("substance", flat=True)) == ["organic_silicon"]


def test_it_offers_the_known_substances_on_the_form(ada: Membership, login: Login) -> None:
    # given a product with organic silicon
    make_product(ada.clinic, "Silicon cocktail", organic_silicon="5")
    # when ada opens the form
    body = login(ada).get(reverse("dosing:limit_create")).content.decode()
    # then the substance input lists the engine's codes and the clinic's ingredients
    assert 'list="id_substance-options"' in body
    assert '<option value="lidocaine">' in body
    assert '<option value="organic_silicon">' in body


def test_it_flags_an_existing_limit_on_an_unknown_substance(ada: Membership, login: Login) -> None:
    # given limits saved before names were checked: one misspelt, one right
    wrong = _limit(ada.clinic, substance="lidocain")
    _limit(ada.clinic, substance="procaine", max_mg=Decimal(300))
    # when ada lists the limits
    body = login(ada).get(reverse("dosing:limits")).content.decode()
    # then the misspelt one, and only it, is flagged as applying to no product
    assert body.count("applies to no product") == 1
    row = body[body.index(f"<td>{wrong.substance}") :]
    assert row.index("applies to no product") < row.index("</td>")
    assert "1 limit below names a substance that no product of this clinic contains" in body


def test_it_lets_a_protocol_replace_the_phosphatidylcholine_default(
    ada: Membership, login: Login
) -> None:
    # when ada sets 5,000 mg phosphatidylcholine for a named protocol, and for every session
    client = login(ada)
    for_protocol = client.post(
        reverse("dosing:limit_create"),
        {
            "substance": "phosphatidylcholine",
            "protocol": "PC/DC 5 g",
            "max_mg": "5000",
            "source": "Indian series, https://pmc.ncbi.nlm.nih.gov/articles/PMC5054992",
        },
    )
    everywhere = client.post(
        reverse("dosing:limit_create"),
        {"substance": "phosphatidylcholine", "max_mg": "5000", "source": "Indian series"},
    )
    # then the protocol limit is accepted and the general one refused as loosening
    assert for_protocol.status_code == 302
    assert "would loosen the label limit" in everywhere.content.decode()
    assert DoseLimit.objects.get().protocol == "PC/DC 5 g"


def test_it_only_tightens_an_existing_limit(ada: Membership, login: Login) -> None:
    # given a 200 mg lidocaine limit
    limit = _limit(ada.clinic)
    client = login(ada)
    url = reverse("dosing:limit_tighten", args=[limit.public_id])
    # when ada tries to raise it to 250 mg
    raised = client.post(url, {"max_mg": "250", "source": "x", "version": limit.version})
    # then it is refused on the field
    assert "Maximum per session (mg): 250 is above the current 200" in raised.content.decode()
    # when she lowers it to 150 mg
    lowered = client.post(url, {"max_mg": "150", "source": "New policy", "version": limit.version})
    # then it is saved and audited
    assert lowered.status_code == 302
    limit.refresh_from_db()
    assert limit.max_mg == Decimal(150)
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(limit.public_id)).exists()


def test_it_retires_a_limit_and_keeps_it_listed(ada: Membership, login: Login) -> None:
    # given an active limit
    limit = _limit(ada.clinic)
    client = login(ada)
    # when ada retires it
    client.post(reverse("dosing:limit_retire", args=[limit.public_id]))
    # then it is inactive and listed as retired
    limit.refresh_from_db()
    assert not limit.is_active
    assert "Retired" in client.get(reverse("dosing:limits")).content.decode()


def test_it_refuses_the_limit_pages_to_practitioners_and_nurses(
    alice: Membership, nina: Membership, login: Login
) -> None:
    for member in (alice, nina):
        # when a practitioner or a nurse adds a limit
        response = login(member).post(
            reverse("dosing:limit_create"),
            {"substance": "lidocaine", "max_mg": "100", "source": "x"},
        )
        # then it is refused
        assert response.status_code == 403
    assert not DoseLimit.objects.exists()


def test_it_gives_another_clinics_admin_a_404_and_shows_nothing(
    ada: Membership, hilltop: Clinic, login: Login
) -> None:
    # given Hilltop has a limit
    theirs = _limit(hilltop, substance="procaine", max_mg=Decimal(123))
    client = login(ada)
    # when ada opens, tightens or retires it, or lists her own limits
    tighten = client.get(reverse("dosing:limit_tighten", args=[theirs.public_id]))
    retire = client.post(reverse("dosing:limit_retire", args=[theirs.public_id]))
    listing = client.get(reverse("dosing:limits")).content.decode()
    # then it is a 404 and nothing of it shows
    assert tighten.status_code == 404
    assert retire.status_code == 404
    assert "123" not in listing
    theirs.refresh_from_db()
    assert theirs.is_active
