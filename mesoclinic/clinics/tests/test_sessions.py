"""The session store (clinics.sessions): Django's database sessions, read in plain SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from mesoclinic.clinics.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_reads_what_django_store_wrote():
    # given a session saved by Django's own database store
    written = DjangoStore()
    written["active_clinic_id"] = 7
    written["note"] = "é, ü"
    written.save()
    # when this store reads it by its key
    read = SessionStore(written.session_key)
    # then it holds the same data, as Django's store reads it
    assert dict(read.items()) == dict(DjangoStore(written.session_key).items())
    assert read["active_clinic_id"] == 7


def test_it_drops_an_expired_session_as_django_does():
    # given a session whose expiry has passed
    written = SessionStore()
    written["active_clinic_id"] = 7
    written.save()
    Session.objects.filter(session_key=written.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    # when it is read
    read = SessionStore(written.session_key)
    # then it is empty and its key is dropped, so that a save makes a new one
    assert dict(read.items()) == {}
    assert read.session_key is None


def test_it_finds_nothing_under_an_unknown_key():
    # when a key that was never issued is read
    read = SessionStore("x" * 32)
    # then the session is empty, with no key
    assert dict(read.items()) == {}
    assert read.session_key is None


def test_it_keeps_a_member_signed_in_from_request_to_request(login, alice):
    # given alice signed in (the test client keeps her session cookie)
    client = login(alice)
    # when she opens two pages
    first = client.get(reverse("mfa:manage"))
    second = client.get(reverse("today"))
    # then both are hers, served from the session the store read back
    assert first.status_code == second.status_code == 200
    assert second.wsgi_request.user == alice.user
