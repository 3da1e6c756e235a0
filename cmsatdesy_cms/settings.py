"""Settings for cmsatdesy_cms, read from the environment.

Development is the default and needs no environment at all: a SQLite file and
kombu's filesystem transport under ``var/``, e-mail to the console, secrets
generated into ``var/`` once. ``DJANGO_ENV=production`` demands the real thing.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from contributors.oidc import institution_openid_connect

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CMS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or env.bool("CMS_TESTING", default=False)


def require(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production")
    return value


def _test_rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def generated_secret(name: str, make: Callable[[], str]) -> str:
    """A development secret kept in ``var/`` so that sessions survive restarts."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = require("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or [require("ALLOWED_HOSTS")]
    require("DATABASE_URL")
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[])
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or generated_secret(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[]) or [
        generated_secret("field_encryption_key", lambda: Fernet.generate_key().decode())
    ]
    DEBUG = env.bool("DEBUG", default=not TESTING)

# The first key encrypts; all of them decrypt (MultiFernet rotation).
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds a key that is not a valid Fernet key") from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    # The project's own apps, lowest layer first.
    "contributors",
    "stories",
    "instagram",
    "scheduling",
    "analytics",
    "cmsatdesy_cms",
]
if TESTING or env.bool("OIDC_TEST_PROVIDER", default=False):
    # allauth's own OpenID provider stands in for an institution's Keycloak in tests.
    INSTALLED_APPS += ["allauth.idp.oidc"]
    IDP_OIDC_PRIVATE_KEY = generated_secret("oidc_test_private_key.pem", lambda: _test_rsa_key())
    # allauth 65.22 signs ID tokens through cryptography.hazmat.primitives.serialization as an
    # attribute, never importing it; Fernet above loads its parent, so import the module itself.
    import cryptography.hazmat.primitives.serialization  # noqa: F401

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cmsatdesy_cms.middleware.TooBigRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "contributors.middleware.ProfileLanguageMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cmsatdesy_cms.urls"
WSGI_APPLICATION = "cmsatdesy_cms.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates (base layout, error pages, allauth overrides); apps keep theirs.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cmsatdesy_cms.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "cmsatdesy_cms.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets web, worker and beat read while one writes; IMMEDIATE takes the
            # write lock at BEGIN, so two writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests use a file, not memory, so a worker in another process sees the same data.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("CMS_TEST_SQLITE", default=str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 0 if TESTING else env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # An unreachable server (packets dropped) fails a connection in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://cmsatdesy")}
if TESTING:
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"

# --- Celery -------------------------------------------------------------------
BROKER_DIR = Path(
    env.str(
        "CELERY_BROKER_DIR", default=str(VAR_DIR / (f"test-broker-{os.getpid()}" if TESTING else "broker"))
    )
)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("out", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A message not acknowledged within this time is delivered again: no task may wait on
    # the broker for longer (no countdown or ETA past it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Each test process gets its own queue, so parallel test runs on one Redis never share messages.
CELERY_TASK_DEFAULT_QUEUE = env.str(
    "CELERY_TASK_DEFAULT_QUEUE", default=f"test-{os.getpid()}" if TESTING else "celery"
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The schedule itself is one literal in cmsatdesy_cms/celery.py; this scheduler also records
# beat's own tick for /healthz.
CELERY_BEAT_SCHEDULER = "cmsatdesy_cms.heartbeat:RecordingScheduler"

# --- Health (/healthz) ----------------------------------------------------------
# Seconds between the heartbeats a worker (from a thread of its own) and beat write.
HEALTH_HEARTBEAT_INTERVAL = env.float("HEALTH_HEARTBEAT_INTERVAL", default=30.0)
# A worker or beat not heard from for this many seconds is down.
HEALTH_HEARTBEAT_TIMEOUT = env.float("HEALTH_HEARTBEAT_TIMEOUT", default=120.0)
# After the web process starts, a missing heartbeat reads "starting" (200) for this long. Tests
# run no worker unless they start one, and the health tests shorten the grace themselves.
HEALTH_STARTUP_GRACE = env.float("HEALTH_STARTUP_GRACE", default=10.0**9 if TESTING else 120.0)
# Each check (database, broker) gives up after this many seconds and reports the part down.
# Tests on a loaded machine get longer; the health tests shorten it where they measure it.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=10.0 if TESTING else 2.0)

# --- Authentication -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Not Django's ModelBackend beside it: that would sign in by a username alone, past the rule
    # of contributors.login for which account a login names (and which one the lockout counts).
    "contributors.login.LoginBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is not what the tests examine; the default hasher costs seconds per suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ALLOWED_SIGNUP_DOMAINS = [
    d.lower().lstrip("@") for d in env.list("ALLOWED_SIGNUP_DOMAINS", default=["desy.de", "cern.ch"])
]

ACCOUNT_ADAPTER = "contributors.adapters.InstitutionAccountAdapter"
SOCIALACCOUNT_ADAPTER = "contributors.adapters.InstitutionSocialAccountAdapter"
ACCOUNT_FORMS = {"login": "contributors.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[cmsatdesy] "
# django-axes throttles failed logins; allauth's own limit would fight it. Its limit on logins from
# one address (counted in the cache, so shared by all web machines) is raised by `make load` only.
ACCOUNT_RATE_LIMITS = {"login_failed": False, "login": env.str("LOGIN_RATE_LIMIT", default="30/m/ip")}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_ONLY = False

# Institutional OpenID Connect (DESY and CERN run Keycloak): off unless configured.
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="Institution")
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
if bool(OIDC_SERVER_URL) != bool(OIDC_CLIENT_ID):
    raise ImproperlyConfigured("OIDC_SERVER_URL and OIDC_CLIENT_ID must be set together, or neither")
if OIDC_SERVER_URL and not OIDC_SERVER_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"OIDC_SERVER_URL must be an http(s) URL, not {OIDC_SERVER_URL!r}")


SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, object]] = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = institution_openid_connect(
        server_url=OIDC_SERVER_URL,
        client_id=OIDC_CLIENT_ID,
        secret=OIDC_CLIENT_SECRET,
        name=OIDC_PROVIDER_NAME,
    )

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "contributors.adapters.axes_username"
AXES_LOCKOUT_CALLABLE = "contributors.views.lockout"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy every request comes from the proxy's address, and the lock by
# (username, address) would lock the account for everyone: count the proxies we run.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "contributors.adapters.client_ip"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
FORMAT_MODULE_PATH = ["cmsatdesy_cms.formats"]
# The German catalogue of the project-wide templates (templates/); each app keeps its own.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Several machines keep media in an S3-compatible store instead of local folders: renditions in
# MEDIA_BUCKET, originals in PRIVATE_MEDIA_BUCKET (a bucket of its own). Both private: files are
# served by views that check permissions, or signed for an hour. AWS_S3_ENDPOINT_URL names a store
# other than Amazon's; credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
PRIVATE_MEDIA_BUCKET = env.str("PRIVATE_MEDIA_BUCKET", default="")
if bool(MEDIA_BUCKET) != bool(PRIVATE_MEDIA_BUCKET) or (
    MEDIA_BUCKET and MEDIA_BUCKET == PRIVATE_MEDIA_BUCKET
):
    raise ImproperlyConfigured("Set MEDIA_BUCKET and PRIVATE_MEDIA_BUCKET together, to two different buckets")


def s3_storage(backend: str, bucket: str) -> dict[str, Any]:
    """One STORAGES entry on the S3-compatible store: private objects, signed addresses, no overwrite."""
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 3600,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
        },
    }


STORAGES = {
    "default": (
        s3_storage("storages.backends.s3.S3Storage", MEDIA_BUCKET)
        if MEDIA_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        s3_storage("stories.storage.PrivateS3Storage", PRIVATE_MEDIA_BUCKET)
        if PRIVATE_MEDIA_BUCKET
        else {"BACKEND": "stories.storage.PrivateFileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Originals of uploaded photos: never served directly, only through views that check permissions.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
# Contact data of people shown in photos is erased this many days after publication.
PEOPLE_CONTACT_RETENTION_DAYS = env.int("PEOPLE_CONTACT_RETENTION_DAYS", default=365)
# "Next free slot" keeps at least this many hours between two posts.
POST_MIN_SPACING_HOURS = env.int("POST_MIN_SPACING_HOURS", default=20)
# Publishing (scheduling.publishing): a worker holds a post for this long per step; a post whose
# lease ran out is taken over by the next sweep (its worker died).
PUBLISH_LEASE_SECONDS = env.int("PUBLISH_LEASE_SECONDS", default=120)
# How often an image container's status is read while Instagram processes it.
PUBLISH_POLL_SECONDS = env.int("PUBLISH_POLL_SECONDS", default=5)
# Transient errors: exponential backoff from the first delay up to the cap, with jitter, for at most
# the window; the next attempt's time is stored on the post and the sweep picks it up.
PUBLISH_BACKOFF_SECONDS = env.int("PUBLISH_BACKOFF_SECONDS", default=30)
PUBLISH_BACKOFF_MAX_SECONDS = env.int("PUBLISH_BACKOFF_MAX_SECONDS", default=600)
PUBLISH_RETRY_WINDOW_SECONDS = env.int("PUBLISH_RETRY_WINDOW_SECONDS", default=7200)
# How many fresh containers one post may use (an image download can fail once, 2207052).
PUBLISH_MAX_CONTAINERS = env.int("PUBLISH_MAX_CONTAINERS", default=3)
# The team is told (once) of a post that is not out this long after its time.
PUBLISH_LATE_NOTICE_SECONDS = env.int("PUBLISH_LATE_NOTICE_SECONDS", default=600)
# How long a signed public address of a rendition (given to Meta at container creation) works.
PUBLIC_MEDIA_URL_SECONDS = env.int("PUBLIC_MEDIA_URL_SECONDS", default=3600)
# Uploaded photos up to this many pixels are decoded in the request (checked and rendered at once);
# larger ones are read only from their header there, and decoded, checked and rendered by the
# worker, so that one request cannot tie up the web process. HEIC has no reduced decode: smaller.
STORY_IMAGE_DECODE_BUDGET_PIXELS = env.int("STORY_IMAGE_DECODE_BUDGET_PIXELS", default=13_000_000)
STORY_IMAGE_DECODE_BUDGET_PIXELS_HEIF = env.int("STORY_IMAGE_DECODE_BUDGET_PIXELS_HEIF", default=4_000_000)
# How many photos one person may add, and how many stories they may start, within an hour.
STORY_PHOTOS_PER_HOUR = env.int("STORY_PHOTOS_PER_HOUR", default=60)
STORY_DRAFTS_PER_HOUR = env.int("STORY_DRAFTS_PER_HOUR", default=10)
if min(STORY_IMAGE_DECODE_BUDGET_PIXELS, STORY_IMAGE_DECODE_BUDGET_PIXELS_HEIF) < 1:
    raise ImproperlyConfigured("STORY_IMAGE_DECODE_BUDGET_PIXELS(_HEIF) must be positive")
if min(STORY_PHOTOS_PER_HOUR, STORY_DRAFTS_PER_HOUR) < 1:
    raise ImproperlyConfigured("STORY_PHOTOS_PER_HOUR and STORY_DRAFTS_PER_HOUR must be at least 1")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A story has at most 10 photos; a request with many more is refused (413) before it is read.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_HANDLERS = [
    # Keeps no more of any file than the per-file cap (plus a byte), in memory or on disk.
    "stories.uploads.PerFileCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Video (reels and video stories) -------------------------------------------
# ffmpeg/ffprobe from Debian's `ffmpeg` package; where they are missing, video upload is off.
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env.str("FFPROBE_BINARY", default="ffprobe")
# The largest video file one upload may send (MB); it arrives in pieces of VIDEO_CHUNK_BYTES.
STORY_VIDEO_MAX_UPLOAD_MB = env.int("STORY_VIDEO_MAX_UPLOAD_MB", default=1024)
VIDEO_CHUNK_BYTES = env.int("VIDEO_CHUNK_BYTES", default=2 * 1024 * 1024)
VIDEO_PROBE_TIMEOUT_SECONDS = env.int("VIDEO_PROBE_TIMEOUT_SECONDS", default=20)
# Converting runs on a queue of its own, so that a long clip never holds up publishing or mail.
VIDEO_QUEUE = env.str("VIDEO_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}-video" if TESTING else "video")
# Time limits of one conversion: base seconds plus this many per second of video.
VIDEO_TRANSCODE_BASE_SECONDS = env.float("VIDEO_TRANSCODE_BASE_SECONDS", default=120.0)
VIDEO_TRANSCODE_SECONDS_PER_SECOND = env.float("VIDEO_TRANSCODE_SECONDS_PER_SECOND", default=4.0)
VIDEO_X264_PRESET = env.str("VIDEO_X264_PRESET", default="veryfast")
# A conversion still queued, or without progress, after this long is queued again (lost message,
# dead worker); a second message for the same video does nothing.
VIDEO_REQUEUE_AFTER_SECONDS = env.int("VIDEO_REQUEUE_AFTER_SECONDS", default=900)
# How often a video container's status is read while Instagram processes it: the wait doubles
# from the first value up to the cap (Meta's advice: about once a minute, video is slow).
PUBLISH_VIDEO_POLL_SECONDS = env.int("PUBLISH_VIDEO_POLL_SECONDS", default=10)
PUBLISH_VIDEO_POLL_MAX_SECONDS = env.int("PUBLISH_VIDEO_POLL_MAX_SECONDS", default=300)
if not 0 < VIDEO_CHUNK_BYTES < DATA_UPLOAD_MAX_MEMORY_SIZE:
    raise ImproperlyConfigured("VIDEO_CHUNK_BYTES must be positive and below DATA_UPLOAD_MAX_MEMORY_SIZE")
CELERY_TASK_ROUTES = {
    name: {"queue": VIDEO_QUEUE}
    for name in (
        "stories.tasks.transcode_video",
        "stories.tasks.check_uploaded_video",
        "stories.tasks.make_video_cover",
    )
}

# --- Graph API ------------------------------------------------------------------
# Empty means Meta's own host for the account's flavour (graph.instagram.com or
# graph.facebook.com); development points everything at the emulator.
GRAPH_API_BASE_URL = env.str(
    "GRAPH_API_BASE_URL", default="" if PRODUCTION else "http://127.0.0.1:8765"
).rstrip("/")
GRAPH_API_VERSION = env.str("GRAPH_API_VERSION", default="v25.0")
GRAPH_API_TIMEOUT = env.float("GRAPH_API_TIMEOUT", default=20.0)
# "Connect Instagram": the Meta app and its login flavour (instagram_login or facebook_login).
# The development defaults are the emulator's demo app. An empty dialog URL means the
# emulator's dialog when GRAPH_API_BASE_URL is set, else Meta's for the flavour.
INSTAGRAM_LOGIN_FLAVOUR = env.str("INSTAGRAM_LOGIN_FLAVOUR", default="instagram_login")
INSTAGRAM_APP_ID = env.str("INSTAGRAM_APP_ID", default="" if PRODUCTION else "1000000000000001")
INSTAGRAM_APP_SECRET = env.str("INSTAGRAM_APP_SECRET", default="" if PRODUCTION else "emulator-app-secret")
INSTAGRAM_OAUTH_DIALOG_URL = env.str("INSTAGRAM_OAUTH_DIALOG_URL", default="")
INSTAGRAM_TOKEN_REFRESH_DAYS = env.int("INSTAGRAM_TOKEN_REFRESH_DAYS", default=30)
INSTAGRAM_TOKEN_WARNING_DAYS = env.int("INSTAGRAM_TOKEN_WARNING_DAYS", default=14)
# After a transient failure the daily token refresh tries again this many seconds later.
INSTAGRAM_TOKEN_RETRY_COUNTDOWN = env.int("INSTAGRAM_TOKEN_RETRY_COUNTDOWN", default=600)

# --- E-mail -------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cmsatdesy outreach <outreach@cmsatdesy.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail goes out through the worker (contributors.mail): a request only stores it. Seconds to wait
# for the mail server, how long a worker holds a message it is handing over, and the delays
# between attempts while the server is away (the last one repeats, EMAIL_MAX_ATTEMPTS in all).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
EMAIL_SEND_LEASE = 6 * EMAIL_TIMEOUT
EMAIL_RETRY_DELAYS = env.list("EMAIL_RETRY_DELAYS", cast=int, default=[10, 30, 60, 120, 300, 600])
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=150)  # about a day at ten minutes
if not EMAIL_RETRY_DELAYS or not all(0 < delay <= 600 for delay in EMAIL_RETRY_DELAYS):
    # A countdown past the broker's visibility timeout is delivered twice; ten minutes is far below.
    raise ImproperlyConfigured("EMAIL_RETRY_DELAYS must be whole seconds from 1 to 600, comma-separated")

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "cmsatdesy_cms.views.csrf_failure"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[PUBLIC_BASE_URL])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The "Sign in with" form redirects to the institution's provider; browsers hold that
        # redirect to form-action too.
        "form-action": ["'self'"]
        + ([] if PRODUCTION else ["http://127.0.0.1:*", "http://localhost:*"])
        + (["/".join(OIDC_SERVER_URL.split("/")[:3])] if OIDC_SERVER_URL else []),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # urllib3 logs full URLs at DEBUG; tokens never go in URLs, but keep it quiet anyway.
        "urllib3": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
