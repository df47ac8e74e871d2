"""The production environment the README documents passes Django's deployment checks with no
warning (issue 10, S13), and serving over HTTPS turns on secure cookies, the redirect and HSTS.

The environment is read from the README itself, so that the documentation cannot drift from
what is tested.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"<!-- production-environment -->\s*```sh\n(.*?)```", re.S)
# Variables of the machine running the tests that would change what is checked (the browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process, which a deployment must not).
OURS = re.compile(
    r"^(DJANGO_ALLOW_ASYNC_UNSAFE|DEBUG|SECRET_KEY.*|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|MESOCLINIC_HTTPS|SECURE_.*|"
    r"TRUST_X_FORWARDED_PROTO|AFTERCARE_.*|DATABASE_URL|SESSION_COOKIE_AGE)$"
)


def documented_environment() -> dict[str, str]:
    found = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no production-environment block"
    env = {}
    for line in found.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = line.split("=", 1)
            env[name] = value
    return env


def _run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not OURS.match(k)}
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic.cli", *args],
        env={**base, "MESOCLINIC_VAR_DIR": str(tmp_path), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _production(tmp_path: Path) -> dict[str, str]:
    env = documented_environment()
    key = tmp_path / "secret-key"
    key.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    env["SECRET_KEY_FILE"] = str(key)
    return env


def test_it_passes_the_deployment_checks_with_the_documented_environment(tmp_path):
    # given the production environment as the README documents it
    env = _production(tmp_path)
    assert env["MESOCLINIC_HTTPS"] == "true"
    # when the deployment checks run, failing on any warning
    run = _run(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    # then there is nothing to report
    assert run.returncode == 0, run.stderr + run.stdout
    assert "no issues" in run.stdout


def test_it_warns_a_deployment_not_served_over_https(tmp_path):
    # given the same environment without HTTPS
    env = _production(tmp_path)
    env["MESOCLINIC_HTTPS"] = "false"
    # when the deployment checks run
    run = _run(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    # then they fail, naming insecure cookies, no redirect and no HSTS
    assert run.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in run.stderr


def test_it_turns_on_secure_cookies_the_redirect_and_a_year_of_hsts_over_https(tmp_path):
    # given MESOCLINIC_HTTPS=true and nothing else of the kind
    show = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    on = _run(tmp_path, {"MESOCLINIC_HTTPS": "true"}, "shell", "--verbosity", "0", "-c", show)
    off = _run(tmp_path, {}, "shell", "--verbosity", "0", "-c", show)
    # then all of them are on, a year of HSTS without preload; and none without it
    assert on.stdout.split() == ["True", "True", "True", "31536000", "True", "False"], on.stderr
    assert off.stdout.split() == ["False", "False", "False", "0", "False", "False"], off.stderr
