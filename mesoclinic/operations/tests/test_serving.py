"""The production server: `mesoclinic serve` (the container's entry command) runs gunicorn,
which answers /healthz and the login page; a deployment's settings pass `check --deploy`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = ROOT / "docs" / "production.env.example"
CLI = [sys.executable, "-m", "mesoclinic.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_", "BIND"))
        # set in this process by the browser tests (Playwright's loop); never in a deployment
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MESOCLINIC_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return env


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (our own server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_it_serves_the_health_endpoint_and_the_login_page_with_gunicorn(tmp_path):
    # given a migrated SQLite database and a production secret key
    env = base_env(tmp_path, SECRET_KEY="k" * 20 + "-test-only-" + "q" * 30, WEB_CONCURRENCY="2")
    subprocess.run([*CLI, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    # when the image's entry command starts the server on a free port
    server = subprocess.Popen(
        [*CLI, "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        health: tuple[int, str] | None = None
        deadline = time.monotonic() + 120  # a wait for start-up on a busy machine, not a measure
        while health is None and time.monotonic() < deadline and server.poll() is None:
            try:
                health = get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                time.sleep(0.5)
        login = get(f"http://127.0.0.1:{port}/login/")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, log = server.communicate(timeout=60)
    # then the health endpoint says the database is reachable and migrated, without signing in
    assert health is not None, log
    assert health == (200, '{"status": "ok", "database": "ok", "migrations": "ok"}')
    # and the login page is served, by gunicorn, logged as JSON lines without the query string
    assert login[0] == 200
    assert 'name="password"' in login[1]
    assert '"route": "/login/"' in log
    assert "Starting gunicorn" in log


def test_it_refuses_to_serve_with_the_development_key(tmp_path):
    # given DEBUG off and no SECRET_KEY, even on this machine only
    env = base_env(tmp_path)
    # when the production server is started
    run = subprocess.run(
        [*CLI, "serve", "--bind", f"127.0.0.1:{free_port()}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then it stops at once, saying what to set
    assert run.returncode == 1
    assert "SECRET_KEY is not set and DEBUG is false" in run.stderr
    assert "Starting gunicorn" not in run.stderr


def test_it_stops_start_up_of_a_public_site_without_a_secret_key(tmp_path):
    # given a site served under its public name, DEBUG off, and no SECRET_KEY
    env = base_env(tmp_path, ALLOWED_HOSTS="clinic.example.org")
    # when any command starts (here the system checks)
    run = subprocess.run(
        [*CLI, "check"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    # then start-up stops with the message, instead of using the public development key
    assert run.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in run.stderr


def production_env(tmp_path: Path) -> dict[str, str]:
    """docs/production.env.example, with its secret files made in ``tmp_path``."""
    values: dict[str, str] = {}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    for key in [k for k in values if k.endswith("_FILE")]:
        secret = tmp_path / key.lower()
        secret.write_text(("s" * 10 + "-not-a-real-secret-" + "x" * 30) + "\n")
        values[key] = str(secret)
    values["MESOCLINIC_VAR_DIR"] = str(tmp_path / "var")
    return values


def test_it_passes_the_deploy_checks_with_the_documented_production_environment(tmp_path):
    # given the production environment documented in docs/deploy.md
    env = {**base_env(tmp_path), **production_env(tmp_path)}
    # when Django's deployment checks run, failing on warnings
    run = subprocess.run(
        [*CLI, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # then there is nothing to report
    assert run.returncode == 0, run.stderr
    assert "no issues" in run.stdout


@pytest.mark.parametrize(
    "variable", ["SECURE_COOKIES", "SECURE_HSTS_SECONDS", "AFTERCARE_BASE_URL"]
)
def test_it_fails_the_deploy_checks_when_a_documented_setting_is_left_out(tmp_path, variable):
    # given the documented production environment without one of its settings
    env = {**base_env(tmp_path), **production_env(tmp_path)}
    del env[variable]
    # when the deployment checks run
    run = subprocess.run(
        [*CLI, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # then they fail
    assert run.returncode != 0
