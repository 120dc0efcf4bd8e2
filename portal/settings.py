"""The portal's one settings module: every deployment difference comes from the environment.

Local development needs nothing set: `make run` turns on DJANGO_DEBUG and gets an SQLite file.
A production start (DJANGO_DEBUG off) refuses to run without DJANGO_SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from content import tasks_framework

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. A production start needs a long random secret, e.g. "
            "DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "For local development set DJANGO_DEBUG=1 instead (make run does)."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

# The one address patients use: QR codes, PDFs' links, canonical and shared links and the sitemap
# say this, whatever Host a request came with (a stranger's Host header changes nothing). The
# deploy check warns while it is not set (portal/checks.py).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SITE_URL_SET = bool(os.environ.get("SITE_URL", "").strip())
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or DEFAULT_SITE_URL

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    # django-axes, named in the admin in its reader's language (content.apps).
    "content.apps.SignInLockoutsConfig",
    *tasks_framework.APPS,
    # django-tasks-db's queue, named in the admin in its reader's language (content.apps).
    "content.apps.BackgroundTasksConfig",
    "content",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers first, so static files and error pages carry them too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # A kept public page is answered here, before the middleware below and the URL resolver;
    # what they added to it when it was drawn (its policy, its compression) is kept with it
    # (content/page_cache.py).
    "content.site.page_cache.PublicPageCacheMiddleware",
    # The same for a health record's repeated question (/infobutton/, /fhir/): its kept answer is
    # replayed here (content/handoff/remembered.py).
    "content.handoff.remembered.HandoffAnswerMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files itself (pre-compressed by collectstatic), so
    # only pages are compressed here, and before everything that writes the page body.
    "portal.security.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.security.StaffSessionExpiryMiddleware",
    # Admin pages in the language the staff account chose in the header, whatever the browser
    # asks for: after LocaleMiddleware (the browser's choice) and authentication (whose account).
    "content.admin.language.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes wants to be last: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "content.site.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Two saves at once: SQLite's default deferred transactions fail at once with "database is
# locked" when a read turns into a write. IMMEDIATE takes the write lock at BEGIN, so the second
# save waits (up to `timeout` seconds) for the first and then goes on, as on PostgreSQL. One that
# waits longer is answered with a 503 page saying it was not saved (content.site.errors.busy).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": int(os.environ.get("SQLITE_TIMEOUT_SECONDS", "20")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis shared by every process in production; local memory for a single local process. The
# prefix keeps the portal's keys apart from anything else in the same Redis database.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "portal")
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# The admin lives at DJANGO_ADMIN_PATH: a path nobody guesses turns away the robots that try
# /admin/ on every site. It is not a secret the security rests on; the lockout below is.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH must not be empty: the patient pages live at /.")
ADMIN_URL_PREFIX = "/" + ADMIN_PATH

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name from
# one address, that pair is refused, the right password included, until the cool-off has passed
# or an administrator runs `manage.py axes_reset_username NAME` (or axes_reset_ip_username).
# Per pair, so a stranger cannot lock a colleague out from elsewhere by guessing at their name.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
# Sign-ins are few; a line per attempt in the log is noise, the AccessAttempt rows are the record.
AXES_VERBOSE = False

# Staff sessions (patients never sign in): signed out after an idle period and, however active,
# after a working day. portal.security.StaffSessionExpiryMiddleware enforces both.
STAFF_SESSION_IDLE_SECONDS = 60 * int(os.environ.get("DJANGO_STAFF_SESSION_IDLE_MINUTES", "30"))
STAFF_SESSION_MAX_SECONDS = 3600 * int(os.environ.get("DJANGO_STAFF_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The portal's languages, the source language (staff write it first) first; content.languages
# derives everything else about them from this list.
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LANGUAGE_CODE = LANGUAGES[0][0]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")

# The portal never falls back silently: content.publishing.localized decides what to show when
# an Arabic text is missing and says so on the page.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ()}
# The admin's language tabs need jQuery UI; the package's default is a CDN, which we never use.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# Production serves collected, content-hashed files; local runs and tests serve from the finders.
STATIC_MANIFEST = env_flag("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
# /favicon.ico, which browsers and crawlers ask for without reading the page, served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "favicon"

SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Every response says the portal uses no camera, microphone, location, payment or sensors; only
# the share section's copy button writes to the clipboard (reading it already needs the reader's consent).
PERMISSIONS_POLICY = {
    "accelerometer": [], "autoplay": [], "camera": [], "display-capture": [], "encrypted-media": [],
    "geolocation": [], "gyroscope": [], "magnetometer": [], "microphone": [], "midi": [],
    "payment": [], "usb": [], "clipboard-write": ["self"],
}

# Content-Security-Policy (django-csp), on every response, the admin's included: scripts, styles,
# fonts and images from this site only, no inline script or style, no plugins, no framing. So an
# injected tag or a careless template change can fetch or run nothing. The admin, its date and
# related-object widgets and modeltranslation's jQuery UI tabs (served from static/vendor/) run
# under it without a violation (tests/browser/test_production_browser.py). Django 6's built-in
# SECURE_CSP takes nearly the same dictionary, so moving to it later is small.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_flag("DJANGO_BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off by default so a first local or plain-HTTP start works; a deployment behind TLS sets both.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")

# Background work (drawing PDFs, removing superseded ones): Django's Tasks framework with the
# database backend, so SQLite needs nothing else and on PostgreSQL any number of workers
# (`python manage.py db_worker`) share one queue, each task claimed by one (SELECT ... FOR UPDATE
# SKIP LOCKED).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A handout that failed to draw is tried again after these many seconds, then given up (and shown
# as failed, with the reason, on its procedure's admin page).
HANDOUT_RETRY_SECONDS = (30, 120, 600)
# A drawing task that finds its version being drawn by another worker looks again this much later.
HANDOUT_CLAIMED_RECHECK_SECONDS = 30

# How long a clinician's review holds: publishing sets the next review due this many months on.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("REVIEW_INTERVAL_MONTHS", "12"))
# The school grade (Flesch-Kincaid) above which the publish checklist warns that an English text
# reads too hard; it warns, the reviewer decides (content.admin.writing_help).
READING_GRADE_LIMIT = float(os.environ.get("READING_GRADE_LIMIT", "8"))

# How long the shared cache keeps a public page; any change a reader could see, or a new day,
# makes it unasked-for at once (content.site.page_cache).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# Each app process also keeps the pages it served last in its own memory, up to this size.
RECENT_PAGES_MEGABYTES = int(os.environ.get("RECENT_PAGES_MEGABYTES", "32"))

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level on the handler too: Django's own loggers (django.request's "Not Found" warnings)
    # propagate to it whatever the root logger's level says.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "filters": {"one_warning_line": {"()": "portal.logs.OneWarningLine"}},
    "loggers": {
        # WeasyPrint warns about every CSS property it does not know; the handout CSS deliberately
        # carries some for browsers (e.g. unicode-bidi: isolate after its embed fallback).
        "weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"},
        # A request for a host name not in DJANGO_ALLOWED_HOSTS (robots scanning addresses) gets
        # the 400 page and one WARNING line naming the host, not an ERROR with a traceback.
        "django.security.DisallowedHost": {"filters": ["one_warning_line"]},
    },
}
