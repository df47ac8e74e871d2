"""A deployment sets what it needs from the environment, and a wrong value stops start-up
with a message naming the variable (README, "Settings come from environment variables")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.aftercare.checks import aftercare_settings
from mesoclinic.envconfig import envint, envorigins, envurl, is_loopback_url

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "from django.conf import settings; "
    "print(settings.AFTERCARE_BASE_URL); print(settings.CSRF_TRUSTED_ORIGINS); "
    "print(settings.AFTERCARE_SMS_SENDER); print(settings.AFTERCARE_LINK_MAX_AGE_DAYS); "
    "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
)


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoclinic.settings",
        "MESOCLINIC_VAR_DIR": str(tmp_path),
        **env,
    }
    for name in ("AFTERCARE_BASE_URL", "CSRF_TRUSTED_ORIGINS", "TRUST_X_FORWARDED_PROTO"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_reads_the_aftercare_base_url_and_origins_from_the_environment(tmp_path):
    # given a deployment behind HTTPS at clinic.example.org
    run = _settings(
        tmp_path,
        AFTERCARE_BASE_URL="https://clinic.example.org/",
        CSRF_TRUSTED_ORIGINS="https://clinic.example.org, https://www.clinic.example.org",
        AFTERCARE_LINK_MAX_AGE_DAYS="60",
        TRUST_X_FORWARDED_PROTO="true",
    )
    # then the settings carry those values (the base URL without its trailing slash)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "https://clinic.example.org"
    assert lines[1] == "['https://clinic.example.org', 'https://www.clinic.example.org']"
    assert lines[2] == "mesoclinic.aftercare.sms.LogSmsSender"
    assert lines[3] == "60"
    assert lines[4] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_it_keeps_the_development_defaults_without_the_variables(tmp_path):
    # when nothing is set
    run = _settings(tmp_path)
    # then links point at the development server and no proxy header is trusted
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "http://127.0.0.1:8000"
    assert lines[1] == "[]"
    assert lines[4] == "None"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AFTERCARE_BASE_URL", "clinic.example.org"),
        ("AFTERCARE_BASE_URL", "ftp://clinic.example.org"),
        ("AFTERCARE_BASE_URL", "https://clinic.example.org/?x=1"),
        ("CSRF_TRUSTED_ORIGINS", "clinic.example.org"),
        ("CSRF_TRUSTED_ORIGINS", "https://clinic.example.org/login"),
        ("AFTERCARE_LINK_MAX_AGE_DAYS", "0"),
        ("SECURE_HSTS_SECONDS", "a year"),
    ],
)
def test_it_stops_start_up_on_a_bad_value_and_names_the_variable(tmp_path, name, value):
    # when a deployment sets a malformed value
    run = _settings(tmp_path, **{name: value})
    # then the process stops, and the message names the variable and the value
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr
    assert name in run.stderr


def test_it_validates_urls_and_numbers(monkeypatch):
    # given values in the environment
    monkeypatch.setenv("X_URL", "https://clinic.example.org/mesoclinic/")
    monkeypatch.setenv("X_ORIGINS", "https://a.example.org,http://b.example.org:8443")
    monkeypatch.setenv("X_INT", "-1")
    # then a base URL keeps its path prefix without the slash, origins are kept, and a number
    # under its minimum is refused
    assert envurl("X_URL", "http://127.0.0.1:8000") == "https://clinic.example.org/mesoclinic"
    assert envorigins("X_ORIGINS", []) == ["https://a.example.org", "http://b.example.org:8443"]
    with pytest.raises(ImproperlyConfigured, match="X_INT must be at least 0"):
        envint("X_INT", 5, minimum=0)
    assert is_loopback_url("http://127.0.0.1:8000")
    assert is_loopback_url("http://localhost:8000")
    assert not is_loopback_url("https://clinic.example.org")


def test_it_warns_when_a_public_site_sends_links_to_this_machine(settings):
    # given a site served as clinic.example.org but links still at the development address
    settings.ALLOWED_HOSTS = ["clinic.example.org"]
    settings.AFTERCARE_BASE_URL = "http://127.0.0.1:8000"
    # when the start-up checks run
    problems = aftercare_settings()
    # then the deployment is warned, naming the setting
    assert [p.id for p in problems] == ["mesoclinic.W001"]
    assert "AFTERCARE_BASE_URL" in problems[0].msg
    # and once the public address is set, nothing is reported
    settings.AFTERCARE_BASE_URL = "https://clinic.example.org"
    assert aftercare_settings() == []


def test_it_reports_an_sms_sender_that_cannot_be_imported(settings):
    # given a mistyped SMS gateway class
    settings.AFTERCARE_SMS_SENDER = "mesoclinic.aftercare.sms.NoSuchSender"
    # then the start-up check is an error naming the setting
    problems = aftercare_settings()
    assert [p.id for p in problems] == ["mesoclinic.E001"]
    assert "AFTERCARE_SMS_SENDER" in problems[0].msg
