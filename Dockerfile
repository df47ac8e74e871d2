# mesoclinic's production image: gunicorn serving the app (`mesoclinic serve`), static files by
# whitenoise, pg_dump for `mesoclinic backup`. docs/deploy.md; `docker compose up` starts it with
# PostgreSQL (compose.yaml).
#
# BASE may name any Debian bookworm image with python3 (3.11), python3-venv and apt, e.g. one
# made with debootstrap where no registry can be reached (docs/deploy.md, "Building offline").
ARG BASE=docker.io/library/python:3.11-slim-bookworm
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/mesoclinic \
    PATH=/opt/mesoclinic/bin:$PATH \
    MESOCLINIC_VAR_DIR=/var/lib/mesoclinic \
    BIND=0.0.0.0:8000

# postgresql-client: pg_dump/pg_restore of the server's major version (15) for backups;
# python3-venv only where the base's Python lacks venv (Debian's own python3).
RUN packages=postgresql-client \
 && { python3 -c "import ensurepip" 2>/dev/null || packages="$packages python3-venv"; } \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system mesoclinic \
 && useradd --system --gid mesoclinic --home-dir /var/lib/mesoclinic --shell /usr/sbin/nologin mesoclinic \
 && install -d -o mesoclinic -g mesoclinic /var/lib/mesoclinic

WORKDIR /srv/mesoclinic
# The locked, hash-checked dependencies first: this layer is rebuilt only when a lock changes.
COPY requirements/ requirements/
RUN python3 -m venv "$VIRTUAL_ENV" \
 && pip install --no-cache-dir --disable-pip-version-check --require-hashes \
      -r requirements/build.lock -r requirements/base.lock
COPY pyproject.toml README.md ./
COPY mesoclinic/ mesoclinic/
RUN pip install --no-cache-dir --disable-pip-version-check --no-deps --no-build-isolation . \
 && cd / && python -m mesoclinic.operations.catalogues compile

USER mesoclinic
VOLUME /var/lib/mesoclinic
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python3 -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
# Settings come from the environment (docs/production.env.example); serve refuses to start
# without SECRET_KEY. compose.yaml runs `mesoclinic serve --migrate`.
CMD ["mesoclinic", "serve"]
