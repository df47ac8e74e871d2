"""gunicorn's configuration for mesoclinic (``mesoclinic serve``, docs/deploy.md).

gunicorn -c python:mesoclinic.operations.gunicorn_conf mesoclinic.wsgi:application

Every value comes from the environment, with defaults for one machine behind a reverse proxy
on the same host: BIND (127.0.0.1:8000), WEB_CONCURRENCY (worker processes, 2 × cores + 1),
GUNICORN_THREADS (threads per worker, 4), GUNICORN_TIMEOUT (seconds, 60) and
FORWARDED_ALLOW_IPS (gunicorn's own: the proxies whose X-Forwarded-* headers it trusts;
127.0.0.1 by default).
"""

from __future__ import annotations

import os
import sys

from mesoclinic.envconfig import SECRET_KEY_MISSING, development_key_in_use, envbool, envint

if not envbool("DEBUG", False) and development_key_in_use():
    # Before any worker starts: a served site never signs with the public development key.
    sys.exit(f"mesoclinic: {SECRET_KEY_MISSING}")

# Request lines come from the app (mesoclinic.operations.logs: JSON, route only, no query
# string); gunicorn's own access log would print full paths and queries.
os.environ.setdefault("ACCESS_LOG", "true")

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = envint("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
worker_class = "gthread"
threads = envint("GUNICORN_THREADS", 4, minimum=1)
timeout = envint("GUNICORN_TIMEOUT", 60, minimum=1)
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), bounding any slow leak.
max_requests = 2000
max_requests_jitter = 200
# The app (Django, the URL map and every view with the evidence engine's numpy/scipy) is
# imported once in the master and shared by the forked workers: fast worker start, less
# memory, and no first request that waits seconds for imports. No database connection is
# opened before the fork.
preload_app = True
# gunicorn's runtime control socket (gunicornc) is not used; without it nothing is written to
# $HOME and two servers on one machine never compete for the same socket path.
control_socket_disable = True
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "mesoclinic.operations.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": sys.stderr}
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}


def when_ready(server: object) -> None:
    """In the master, after the app is loaded and before the workers fork: import the URL map
    (and so every view) and read the migrations from disk, which a first request would do."""
    from django.urls import get_resolver

    from mesoclinic.operations.health import code_migrations

    get_resolver().url_patterns  # noqa: B018  (the property imports every URL module)
    code_migrations()
