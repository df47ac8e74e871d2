"""Snapshot every chart of the demo practice, to check that a change leaves its HTML identical.

    DATABASE_URL=sqlite:////tmp/chdemo/demo.sqlite3 MESOCLINIC_VAR_DIR=/tmp/chdemo \
        .venv/bin/python -m mesoclinic.cli demo --no-serve          # once
    .venv/bin/python bench/chart_snapshot.py --db /tmp/chdemo/demo.sqlite3 --var /tmp/chdemo \
        --out /tmp/chsnap/before [--every 1] [--roles alice,nina,bob,ada]
    diff -r /tmp/chsnap/before /tmp/chsnap/after

With the production settings (DEBUG off, the cached template loader), on a copy of the demo
database (viewing a chart writes audit events), for each role (practitioner alice, nurse nina,
reception bob, admin ada) and language (en-gb, es, fr, it), requests each Riverside patient's
chart with the history cache emptied just before (cold): the page as served, the whole
history (``?years=100``), and the htmx answers of the "older" link for the second and third
years. The per-request parts (CSRF token, CSP nonce, the request id) are replaced by fixed
text; the pages are written one file each, and each page's number of queries to
``queries.txt`` (a column left out of an ``only()`` and then read costs a query per record; a
few pages move by 3 or 7 from run to run, the sign-in's periodic writes). ``--every N`` takes
every Nth patient, for a quick check between full ones.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROLES = ("alice", "nina", "bob", "ada")
LANGUAGES = ("en-gb", "es", "fr", "it")
# What changes from one request to the next and says nothing about the chart.
MOVING = (
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'(data-csrf-token=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
    (re.compile(r'(data-request-id=")[^"]+'), r"\1RID"),
)


def normalise(html: str) -> str:
    for pattern, replacement in MOVING:
        html = pattern.sub(replacement, html)
    return html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="the demo's SQLite database (not changed)")
    parser.add_argument("--var", required=True, help="the demo's MESOCLINIC_VAR_DIR")
    parser.add_argument("--out", required=True)
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    out = Path(args.out)
    with tempfile.TemporaryDirectory(prefix="chart-snapshot-") as tmp:
        db = Path(tmp) / "db.sqlite3"
        shutil.copyfile(args.db, db)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "mesoclinic.settings",
                "DATABASE_URL": f"sqlite:///{db}",
                "MESOCLINIC_VAR_DIR": args.var,
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DEBUG": "false",
                "LOG_LEVEL": "ERROR",
            }
        )
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.cache import caches
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from mesoclinic.clinics.language import set_language
        from mesoclinic.patients.models import Patient

        patients = list(
            Patient.objects.filter(clinic__slug="riverside").order_by("pk")[:: args.every]
        )
        count = 0
        # Queries per page: a column left out of an ``only()`` and then read costs a query per
        # record, which the HTML alone would not show.
        queries: list[str] = []
        for username in args.roles.split(","):
            user = get_user_model().objects.get(username=username)
            client = Client()
            client.force_login(user)
            for language in LANGUAGES:
                set_language(user, language)
                folder = out / username / language
                folder.mkdir(parents=True, exist_ok=True)
                for patient in patients:
                    url = reverse("patient_chart", args=[patient.public_id])
                    pages: tuple[tuple[str, str, bool], ...] = (
                        ("page", url, False),
                        ("whole", f"{url}?years=100", False),
                        ("older2", f"{url}?years=2", True),
                        ("older3", f"{url}?years=3", True),
                    )
                    for name, address, htmx in pages:
                        caches["chart"].clear()
                        connection.queries_log.clear()  # a bounded log: counts stay right
                        with CaptureQueriesContext(connection) as captured:
                            response = client.get(
                                address, headers={"HX-Request": "true"} if htmx else None
                            )
                        assert response.status_code == 200, (address, response.status_code)
                        html = normalise(response.content.decode())
                        (folder / f"{patient.mrn}-{name}.html").write_text(html)
                        queries.append(
                            f"{username} {language} {patient.mrn} {name} {len(captured)}\n"
                        )
                        count += 1
        (out / "queries.txt").write_text("".join(queries))
        print(f"{count} pages written under {out}")


if __name__ == "__main__":
    main()
