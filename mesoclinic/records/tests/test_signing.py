"""Signing, immutability, amendments and versioned saves, on a real signed record type."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mesoclinic.records.models import ImmutableRecordError, IncompleteEditError, StaleRecordError
from mesoclinic.records.services import SigningError, amend_record, save_versioned, sign_record
from mesoclinic.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(riverside, patient, alice):
    return TreatmentSession.objects.create(
        clinic=riverside,
        patient=patient,
        performed_at=timezone.now(),
        indication="localized_fat",
        practitioner=alice.user,
        notes="Abdomen, 20 points",
        created_by=alice.user,
    )


def test_it_lets_a_practitioner_sign_and_records_who(draft, alice):
    # when alice signs the draft
    signed = sign_record(draft, alice)
    # then the signature carries her name and the time
    assert signed.is_signed
    assert signed.signed_by == alice.user
    assert signed.signed_by_name == "Alice Archer"


@pytest.mark.parametrize("persona", ["nina", "bob", "ada", "rita"])
def test_it_refuses_signing_by_anyone_but_a_practitioner(draft, persona, request):
    membership = request.getfixturevalue(persona)
    with pytest.raises(SigningError):
        sign_record(draft, membership)
    draft.refresh_from_db()
    assert not draft.is_signed


def test_it_refuses_signing_a_record_of_another_clinic(draft, charlie):
    with pytest.raises(SigningError, match="another clinic"):
        sign_record(draft, charlie)


def test_it_refuses_to_sign_twice(draft, alice):
    sign_record(draft, alice)
    with pytest.raises(SigningError, match="already signed"):
        sign_record(draft, alice)


def test_it_refuses_any_change_to_a_signed_record(draft, alice):
    sign_record(draft, alice)
    draft.notes = "changed afterwards"
    with pytest.raises(ImmutableRecordError):
        draft.save()
    with pytest.raises(ImmutableRecordError):
        draft.delete()
    draft.refresh_from_db()
    assert draft.notes == "Abdomen, 20 points"


def test_it_keeps_the_original_readable_beside_its_amendments(draft, alice):
    # given a signed session
    sign_record(draft, alice)
    # when alice amends the notes twice
    amend_record(draft, alice, "wrong point count", {"notes": "Abdomen, 24 points"})
    amend_record(draft, alice, "typo", {"notes": "Abdomen, 24 points, 4 mm"})
    # then the row is as signed, and the effective value is the last amendment
    draft.refresh_from_db()
    assert draft.notes == "Abdomen, 20 points"
    assert draft.effective("notes") == "Abdomen, 24 points, 4 mm"
    history = list(draft.amendments.all())
    assert [a.reason for a in history] == ["wrong point count", "typo"]
    assert history[0].changes == {
        "notes": {"from": "Abdomen, 20 points", "to": "Abdomen, 24 points"}
    }
    assert history[0].author_name == "Alice Archer"


def test_it_refuses_an_amendment_without_a_reason_or_a_change(draft, alice):
    sign_record(draft, alice)
    with pytest.raises(SigningError, match="reason"):
        amend_record(draft, alice, "   ", {"notes": "x"})
    with pytest.raises(SigningError, match="Nothing was changed"):
        amend_record(draft, alice, "no-op", {"notes": "Abdomen, 20 points"})
    assert draft.amendments.count() == 0


def test_it_refuses_amendments_by_a_nurse(draft, alice, nina):
    sign_record(draft, alice)
    with pytest.raises(SigningError):
        amend_record(draft, nina, "reason", {"notes": "x"})


def test_it_detects_a_concurrent_edit(draft):
    # given two people opened the draft at version 1
    read_version = draft.version
    # when the first saves, then the second saves from the same version
    save_versioned(draft, read_version, {"notes": "first"})
    with pytest.raises(StaleRecordError):
        save_versioned(draft, read_version, {"notes": "second"})
    # then the first edit stands and the second was not lost silently
    draft.refresh_from_db()
    assert draft.notes == "first"
    assert draft.version == read_version + 1


@pytest.mark.parametrize("version", [None, "1", True, 1.0])
def test_it_refuses_a_versioned_save_without_the_version_it_was_read_at(draft, version):
    # given a draft; when an edit is saved without a version (or a value that is not one)
    with pytest.raises(IncompleteEditError, match="out of date or incomplete"):
        save_versioned(draft, version, {"notes": "overwritten unseen"})
    # then nothing was saved
    draft.refresh_from_db()
    assert draft.notes == "Abdomen, 20 points"
    assert draft.version == 1
