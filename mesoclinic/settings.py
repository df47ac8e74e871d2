"""Django settings, all from environment variables with safe, zero-service defaults.

SQLite (WAL) under ``var/`` by default; set ``DATABASE_URL=postgres://…`` for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.envconfig import (
    DEVELOPMENT_SECRET_KEY,
    SECRET_KEY_MISSING,
    development_key_in_use,
    envbool,
    envint,
    envlist,
    envorigins,
    envregion,
    envstr,
    envurl,
    is_loopback_host,
)

# One BLAS thread a process (numpy's OpenBLAS reads this when numpy is first loaded, which no
# page or command but the evidence code does, after the settings). The evidence report's mixed
# model then gives the same digits on any machine: with a thread per core its patient
# variance moved in the fifth digit between one and two threads (20.793172 / 20.793056 on
# the 100,000-patient bench clinic). And server processes, one per core already, do not
# each start a thread per core (the mixed model's search took 0.3–0.4 s of CPU with them on
# a busy core, 0.05 s with one). An operator's own value is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("MESOCLINIC_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
USING_DEVELOPMENT_KEY = development_key_in_use()
SECRET_KEY = envstr("SECRET_KEY", "")
if USING_DEVELOPMENT_KEY:
    # The public development key signs sessions and patients' check-in links: acceptable for
    # the demo and tests on this machine only. A site that answers to any other name, with
    # DEBUG off, is a deployment; it stops here (and `mesoclinic serve` refuses it anywhere).
    if not DEBUG and not all(is_loopback_host(host) for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured(SECRET_KEY_MISSING)
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
# Behind HTTPS on another host or port, the origins the browser posts forms from
# ("https://clinic.example.org"); Django refuses cross-origin form posts otherwise.
CSRF_TRUSTED_ORIGINS = envorigins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "mesoclinic.clinics",
    "mesoclinic.mfa",
    "mesoclinic.audit",
    "mesoclinic.records",
    "mesoclinic.patients",
    "mesoclinic.consultations",
    "mesoclinic.consent",
    "mesoclinic.formulary",
    "mesoclinic.plans",
    "mesoclinic.treatments",
    "mesoclinic.dosing",
    "mesoclinic.outcomes",
    "mesoclinic.safety",
    "mesoclinic.aftercare",
    "mesoclinic.appointments",
    "mesoclinic.photos",
    "mesoclinic.billing",
    "mesoclinic.registry",
    "mesoclinic.demo",
    "mesoclinic.evidence",
    "mesoclinic.workspace",
    "mesoclinic.operations",
    "mesoclinic.fhir",
]

MIDDLEWARE = [
    # First, so every log line and audit event of the request carries its id.
    "mesoclinic.audit.request_ids.RequestIdMiddleware",
    # Next, so that its line times and reports every request, static files included.
    "mesoclinic.operations.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so that only static files may be cached: every page is no-store.
    "mesoclinic.clinics.cache_control.NoStoreMiddleware",
    # Camera, microphone and location denied on every page but the photo capture page.
    "mesoclinic.clinics.permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session and before CommonMiddleware (Django's order): the browser's
    # Accept-Language for anyone not signed in; ClinicLanguageMiddleware below overrides it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads which second-step device (if any) verified this session: user.is_verified().
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mesoclinic.clinics.middleware.ActiveMembershipMiddleware",
    # After the membership: the member's own language, else their clinic's (clinics.language).
    "mesoclinic.clinics.language.StaffLanguageMiddleware",
    # After the membership: its clinic sets the idle period before the sign-in ends.
    "mesoclinic.clinics.session_timeout.SessionTimeoutMiddleware",
    # A password alone opens nothing but the second step (mfa.middleware, docs/mfa.md).
    "mesoclinic.mfa.middleware.SecondStepMiddleware",
    # A refused change to a signed record (ORM guard or database trigger) is a clear 409 page.
    "mesoclinic.records.middleware.ImmutableRecordMiddleware",
    # A write the database rolled back for another at the same moment (a deadlock, a lock
    # timeout): a 503 page saying nothing was saved and to save again, not a server error.
    "mesoclinic.records.middleware.WriteConflictMiddleware",
    # A GET on a POST-only address gets a page in the site's layout, not a bare 405.
    "mesoclinic.clinics.method_not_allowed.MethodNotAllowedPageMiddleware",
    # axes last, as its documentation asks, so it sees the authenticated user.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mesoclinic.urls"
WSGI_APPLICATION = "mesoclinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mesoclinic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mesoclinic.clinics.context_processors.membership",
                "mesoclinic.clinics.context_processors.session_timeout",
            ],
            # ``qty`` (numbers with their unit, no stray zeros) on every page.
            "builtins": ["mesoclinic.clinics.templatetags.quantities"],
        },
    }
]


def _database() -> dict[str, object]:
    url = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mesoclinic.sqlite3'}")
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with sqlite:/// or postgres://, not {url.split(':', 1)[0]}:"
        )
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with table rebuilds that keep the immutability triggers
        # (mesoclinic/records/sqlite_backend/base.py, docs/immutability.md).
        config["ENGINE"] = "mesoclinic.records.sqlite_backend"
        Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers run beside the writer; FULL fsyncs every commit so a signed
        # record survives a power cut (reference/security-reliability.md §4); IMMEDIATE
        # makes writers wait for the lock instead of failing with "database is locked".
        # They wait up to SQLITE_TIMEOUT_SECONDS: every request writes (the audit trail), so
        # under a burst the wait grows with the queue; 5 s gave "database is locked" at 30
        # users (bench/load_bench.py, docs/deploy.md), and gunicorn's own timeout is 60 s.
        timeout_s = envint("SQLITE_TIMEOUT_SECONDS", 20, minimum=1)
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                f"PRAGMA foreign_keys=ON;PRAGMA busy_timeout={timeout_s * 1000};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout_s,
        }
        config["CONN_MAX_AGE"] = 0
        # Tests use an in-memory database, named explicitly: pytest-django recognises SQLite
        # by Django's own engine path only, and would otherwise derive a per-worker file
        # name from NAME ("test_/path…_gw0") for this backend.
        config["TEST"] = {"NAME": ":memory:"}
    else:
        config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("TEST", {})
    return config


DATABASES = {"default": _database()}
# "default" is Django's own default. "chart": the patient chart's rendered history, kept per
# process and keyed by version stamps that database triggers replace on every write
# (workspace/chart_cache.py, docs/performance.md); an hour unread and it goes.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "chart": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "chart",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (clinics/throttle.py, docs/deploy.md): failed sign-ins are counted per
# account and address (the quick lockout), per account across every address, and per address
# across every account; sign-in is refused while any count is at its limit within its window.
# - account and address: 5 in 15 minutes, django-axes' usual quick lockout for one desk's typos.
# - account: 10 an hour. ASVS 4.0.3 V2.2.1 allows at most 100 failed attempts an hour per
#   account (../shared/reference/security-reliability.md §1.3, S10). A person mistyping is
#   stopped at 5 by the quick lockout at their own desk; 10 failures within an hour from more
#   than one place is guessing. However many addresses an attacker has, they get 10 guesses an
#   hour (240 a day) against a 10-character minimum that refuses common passwords. Any limit
#   lets someone keep a named account locked by guessing steadily; its owner lifts that with a
#   password reset, an admin from the staff page, and the audit trail shows the failures.
# - address: 20 in 15 minutes across accounts; a whole practice behind one address does not
#   mistype 20 passwords in 15 minutes, and a password spray from one address stops at 20.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_MINUTES = envint("AXES_COOLOFF_MINUTES", 15, minimum=1)
SIGN_IN_ACCOUNT_FAILURE_LIMIT = envint("SIGN_IN_ACCOUNT_FAILURE_LIMIT", 10, minimum=1)
SIGN_IN_ACCOUNT_MINUTES = envint("SIGN_IN_ACCOUNT_MINUTES", 60, minimum=1)
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
SIGN_IN_ADDRESS_MINUTES = envint("SIGN_IN_ADDRESS_MINUTES", 15, minimum=1)
if SIGN_IN_ACCOUNT_FAILURE_LIMIT * 60 > 100 * SIGN_IN_ACCOUNT_MINUTES:
    raise ImproperlyConfigured(
        "SIGN_IN_ACCOUNT_FAILURE_LIMIT per SIGN_IN_ACCOUNT_MINUTES allows more than 100 failed "
        "sign-ins an hour per account (ASVS V2.2.1)"
    )
AXES_HANDLER = "mesoclinic.clinics.throttle.SignInThrottle"
# axes deletes failure records older than its cool-off: the longest of the three windows.
AXES_COOLOFF_TIME = "mesoclinic.clinics.throttle.longest_window"
# The parameters axes stores; the handler does the counting by its three rules.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address", ["username", "ip_address"]]
# Guesses while locked are refused without being counted, so the unlock time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mesoclinic.clinics.throttle.lockout_response"
# The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT reverse proxies in front (each
# appending to X-Forwarded-For), the hop the nearest of them vouch for; never the client's own
# X-Forwarded-For (clinics/client_address.py). The audit trail records the same address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "mesoclinic.clinics.client_address.client_address"
AXES_ENABLED = envbool("AXES_ENABLED", True)

# Password reset by e-mail (clinics.services): the link works for PASSWORD_RESET_TIMEOUT seconds
# (an hour: long enough to reach the mailbox, short enough that an old e-mail in a shared or
# compromised mailbox is useless) and once. Each address may ask for PASSWORD_RESET_ADDRESS_LIMIT
# e-mails in PASSWORD_RESET_ADDRESS_MINUTES, so the form cannot be used to flood mailboxes.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3600, minimum=60)
PASSWORD_RESET_ADDRESS_LIMIT = envint("PASSWORD_RESET_ADDRESS_LIMIT", 5, minimum=1)
PASSWORD_RESET_ADDRESS_MINUTES = envint("PASSWORD_RESET_ADDRESS_MINUTES", 60, minimum=1)

# The second sign-in step (docs/mfa.md). Wrong codes are throttled by mesoclinic.mfa.throttle
# (5 per 15 minutes, in the database); django-otp's own growing delay is off so that the
# two rules do not stack into one nobody documented.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", "mesoclinic")
# Passkeys are a second step only: a passkey alone must not bypass the password and its
# throttle. A passkey belongs to one site name (the relying party: a domain, never an IP
# address) and answers only to the listed origins; a deployment sets both to its address.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "mesoclinic"
OTP_WEBAUTHN_RP_ID = envstr("PASSKEY_RP_ID", "localhost")
OTP_WEBAUTHN_ALLOWED_ORIGINS = envlist("PASSKEY_ORIGINS", ["http://localhost:8000"])

# The absolute lifetime of a sign-in, however active (clinics.session_timeout); the idle
# period before it is each clinic's setting (15 minutes by default).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
# Flash messages name patients ("Registered … as RV000123"): keep them server-side in the
# session, not in a signed-but-readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over HTTPS (MESOCLINIC_HTTPS=true): cookies only travel encrypted, plain HTTP is
# redirected, and browsers are told to use HTTPS alone for a year (HSTS). Each part can still
# be set on its own by its variable.
HTTPS = envbool("MESOCLINIC_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
# A reverse proxy that ends TLS tells Django so in X-Forwarded-Proto; trust that header only
# when the proxy always sets it (otherwise a client could claim https itself).
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload the domain is its owner's decision (hstspreload.org, hard to
    # undo), not a default; check --deploy would otherwise warn about it on every deployment.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Nothing the site does needs a cross-origin opener (the default, said here on purpose).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy on every page: scripts and styles only from the site's own files
# (no inline script, handler, style or eval anywhere: htmx is configured so in base.html), so
# text that slipped past escaping still cannot run. Drawn consent signatures are PNG data URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The source strings are British English ("anaesthetic", "e-mail"), so English is en-gb: its
# catalogue is the source itself, and a browser asking for en-US gets en-gb too (Django falls
# back to the supported variant). Each language is named in itself: a French speaker looking
# for French in an English page finds "Français".
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("es", "Español"),
]
# Catalogues of project templates (mesoclinic/templates) and modules outside the apps; each
# app keeps its own in <app>/locale (CONTRIBUTING.md, Translations).
LOCALE_PATHS = [BASE_DIR / "mesoclinic" / "locale"]
# Date formats per language beside Django's own (mesoclinic/formats: English keeps ISO dates).
FORMAT_MODULE_PATH = ["mesoclinic.formats"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/London")
USE_I18N = True
# The country a phone number typed without its country code belongs to, so that
# "07700 900123" and "+44 7700 900123" are found to be the same number (patients.phone).
PHONE_REGION = envregion("MESOCLINIC_PHONE_REGION", "GB")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The project-wide assets (app.css, htmx) live in the mesoclinic package, which is not itself
# an installed app, so the app-directories finder would never find them.
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Until a deployment sets EMAIL_BACKEND (SMTP), mail goes to files in var/outbox: never to
# the console, where patients' addresses and check-in links would land in logs and in the
# stdout of commands such as `run-due --json`.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "mesoclinic@localhost")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)

# Aftercare: the address patients open their check-in links at (the practice's public URL),
# and the deployment's choices for texts and photos (docs/aftercare.md).
AFTERCARE_BASE_URL = envurl("AFTERCARE_BASE_URL", "http://127.0.0.1:8000")
AFTERCARE_SMS_SENDER = envstr("AFTERCARE_SMS_SENDER", "mesoclinic.aftercare.sms.LogSmsSender")
AFTERCARE_PHOTO_ROOT = envstr("AFTERCARE_PHOTO_ROOT", str(VAR_DIR / "private" / "aftercare"))
# The settings naming folders of private files (patients' photos): `mesoclinic backup` copies
# them beside the database and `restore` puts them back (mesoclinic/operations/private_files.py).
# Research hub (docs/pooled-evidence.md): other practices' de-identified bundles, kept as
# uploaded for the pooled evidence report; the largest .zip accepted (not a clinical number).
RESEARCH_BUNDLE_ROOT = envstr("RESEARCH_BUNDLE_ROOT", str(VAR_DIR / "private" / "research-bundles"))
RESEARCH_BUNDLE_MAX_BYTES = envint("RESEARCH_BUNDLE_MAX_BYTES", 500 * 1024 * 1024, minimum=1)
# Clinical photo series (docs/photos.md): local private files unless STORAGES["clinical_photos"]
# names an S3-compatible storage.
CLINICAL_PHOTO_ROOT = envstr("CLINICAL_PHOTO_ROOT", str(VAR_DIR / "private" / "photos"))
PRIVATE_FILE_ROOTS = ("AFTERCARE_PHOTO_ROOT", "CLINICAL_PHOTO_ROOT", "RESEARCH_BUNDLE_ROOT")
# FHIR (docs/fhir.md): requests a backend client may make per minute before a 429; where bulk
# $export files are written (a private folder, never under media) and how long they are kept;
# how many exports run at once inside each server process (0: only `run-due` runs them).
FHIR_RATE_LIMIT_PER_MINUTE = envint("FHIR_RATE_LIMIT_PER_MINUTE", 600, minimum=1)
FHIR_EXPORT_ROOT = envstr("FHIR_EXPORT_ROOT", str(VAR_DIR / "private" / "fhir-exports"))
FHIR_EXPORT_FILE_HOURS = envint("FHIR_EXPORT_FILE_HOURS", 24, minimum=1)
FHIR_BULK_WORKERS = envint("FHIR_BULK_WORKERS", 1, minimum=0)
AFTERCARE_PHOTO_MAX_BYTES = envint("AFTERCARE_PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# Every uploaded picture is decoded and re-encoded (mesoclinic/uploads, docs/uploads.md); one
# larger than this many pixels is refused before its pixels are decoded (not a clinical number).
IMAGE_UPLOAD_MAX_PIXELS = envint("IMAGE_UPLOAD_MAX_PIXELS", 50_000_000, minimum=1)
AFTERCARE_LINK_MAX_AGE_DAYS = envint("AFTERCARE_LINK_MAX_AGE_DAYS", 120, minimum=1)

# Error reports never carry form values or query strings: they are patient data.
DEFAULT_EXCEPTION_REPORTER_FILTER = "mesoclinic.audit.redaction.NoPatientDataReporterFilter"

# Each request gets a random id, put in its audit events and log lines and sent back as
# X-Request-ID. Set REQUEST_ID_HEADER (e.g. X-Request-ID) only behind a reverse proxy that
# always sets that header itself: the id is then the proxy's, and its logs line up.
REQUEST_ID_HEADER = envstr("REQUEST_ID_HEADER", "")

# Logs go to standard error (systemd's journal, the container's log): one JSON object per line
# by default (LOG_FORMAT=text for people reading a terminal), never with patient data
# (mesoclinic/operations/logs.py), each with its request id. ACCESS_LOG=true adds one line per
# request (`mesoclinic serve` turns it on; runserver prints its own).
LOG_FORMAT = envstr("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "mesoclinic.audit.redaction.RedactingLogFilter"},
        "request_id": {"()": "mesoclinic.audit.request_ids.RequestIdLogFilter"},
    },
    "formatters": {
        "json": {"()": "mesoclinic.operations.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact", "request_id"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {
        # django.request logs the request path at WARNING for 4xx: paths carry only
        # UUIDs, but the redacting filter also strips query strings.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "mesoclinic.requests": {
            "handlers": ["console"],
            "level": "INFO" if envbool("ACCESS_LOG", False) else "WARNING",
            "propagate": False,
        },
    },
}
