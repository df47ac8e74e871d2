"""/healthz says whether the server can serve, to anyone, without data; request log lines are
JSON and never carry a patient's name or MRN."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from mesoclinic.audit.redaction import RedactingLogFilter
from mesoclinic.operations import health
from mesoclinic.operations.logs import REQUEST_LOGGER, JsonFormatter


@pytest.mark.django_db
def test_it_answers_healthy_without_signing_in(client):
    # when a probe asks, signed out
    response = client.get("/healthz")
    # then the database is reachable and migrated, and nothing else is said
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_while_a_migration_is_pending(client, monkeypatch):
    # given code with a migration the database has not applied
    pending = health.code_migrations() | {"patients.9999_not_applied"}
    monkeypatch.setattr(health, "code_migrations", lambda: pending)
    # when a probe asks
    response = client.get("/healthz")
    # then the server is unavailable, and says only why in words
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "migrations": "pending"}


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    # given a database that refuses connections
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server at 10.0.0.5 failed: secret detail")

    # the connection health uses: django.db.connection, the very object health imports
    monkeypatch.setattr(connection, "cursor", refuse)
    # when a probe asks
    response = client.get("/healthz")
    # then it is unavailable, with no error text
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert b"10.0.0.5" not in response.content


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    """The request logger, at INFO, formatted as in production (JSON, redacting filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingLogFilter())
    logger = logging.getLogger(REQUEST_LOGGER)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.django_db
def test_it_logs_a_patient_page_request_without_the_patients_name_or_mrn(
    login, alice, patient, request_log
):
    # given alice signed in, opening Maria Lopez's chart and searching for her by name
    client = login(alice)
    chart = client.get(reverse("patient_chart", args=[patient.public_id]))
    search = client.get(reverse("patients:list"), {"q": "Lopez RV000001"})
    assert chart.status_code == search.status_code == 200
    assert "Lopez" in chart.content.decode()
    # when the log lines of those requests are read
    lines = [json.loads(line) for line in request_log.getvalue().splitlines()]
    # then each is one JSON object naming the route, status and user id
    assert [line["view"] for line in lines] == ["patient_chart", "patients:list"]
    assert lines[0]["route"] == "/patients/<uuid:public_id>/"
    assert all(line["status"] == 200 and line["user_id"] == alice.user.pk for line in lines)
    # and none carries the patient's name, MRN or record id, nor the search
    text = request_log.getvalue()
    for value in ("Maria", "Lopez", "RV000001", str(patient.public_id), "q="):
        assert value not in text


def test_it_logs_an_exception_by_type_and_frames_without_its_message():
    # given an error whose message quotes a row's values (as a database error can)
    try:
        raise ValueError("duplicate key (mrn)=(RV000001) for Maria Lopez")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    # when it is formatted
    entry = json.loads(JsonFormatter().format(record))
    # then the type and where it happened are there, and the values are not
    assert entry["exception"] == "ValueError"
    assert any("test_health_and_logs.py" in frame for frame in entry["frames"])
    assert "RV000001" not in json.dumps(entry)


def test_it_logs_the_code_of_a_database_error():
    # given an error from SQLite, wrapped by Django as it does (SQLITE_BUSY is "database is locked")
    import sqlite3

    from django.db import OperationalError as DjangoOperationalError

    try:
        try:
            connection = sqlite3.connect(":memory:")
            connection.execute("SELECT * FROM no_such_table")
        except sqlite3.OperationalError as error:
            raise DjangoOperationalError(*error.args) from error
    except DjangoOperationalError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    # when it is formatted
    entry = json.loads(JsonFormatter().format(record))
    # then SQLite's code names the kind of error, and its message is not there
    assert entry["error_code"] == "SQLITE_ERROR"
    assert "no_such_table" not in json.dumps(entry)
