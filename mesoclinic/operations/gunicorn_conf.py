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
