"""Settings read from the environment, with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Debug pages only where nothing says this is production. DJANGO_DEBUG decides when it is set (only 1, true,
# yes or on turn debug on; any other value turns it off). Left unset, a machine whose environment holds
# a production setting (a secret key or the site's host names, which production cannot run without) is
# production: a forgotten DJANGO_DEBUG=0 there never means debug pages, nor a worker logging every query.
# A checkout with none of them (`python3 dev.py run`, the tests, CI) is development. The web server
# (wsgi.py) defaults to production whatever the environment holds.
PRODUCTION_VARIABLES = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")
DEBUG = env_bool("DJANGO_DEBUG", not any(os.environ.get(name) for name in PRODUCTION_VARIABLES))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production). "
            "For development on this machine, set DJANGO_DEBUG=1."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before the admin, so that its admin classes and widgets take precedence.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "peacetracker",
    "orgs",
    "negotiations",
    "imports",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out (static files come compressed from whitenoise, above). Outside the
    # page cache, so cached pages are stored once, not once per Accept-Encoding. BREACH: Django adds random
    # bytes to each compressed response (Heal the Breach) and masks CSRF tokens per response; the public
    # pages carry no token or secret, and the admin's forms carry only masked tokens.
    "django.middleware.gzip.GZipMiddleware",
    "peacetracker.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "peacetracker.numerals.western_digits_outside_public_pages",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peacetracker.urls"
WSGI_APPLICATION = "peacetracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgs.context_processors.content_generation",
            ],
        },
    },
]

SQLITE_PATH = os.environ.get("PEACETRACKER_SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import or an editor writes. Connections are kept open
    # between requests as on PostgreSQL: opening one (and running the pragmas below) costs more than
    # serving a small page. Reading through a memory map (up to 256 MB of the file) rather than copying
    # each page into SQLite's own 2 MB cache: a filtered list reads more pages than that cache holds, and
    # the copies were a tenth of its time (the map is shared by every worker, like the OS's file cache).
    # SQLite has one writer at a time and a waiting writer waits up to busy_timeout: writes take
    # milliseconds (an import stages 2,000 rows per transaction) except an import's final publish, which
    # makes the whole batch public at once in a few seconds for the largest accepted file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=15000;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def env_cache(name, default_dir):
    """A cache from a URL: redis://host:port/db (needs the redis package), file:///dir, locmem://."""
    url = os.environ.get(name, "")
    scheme = url.partition("://")[0]
    if scheme in {"redis", "rediss"}:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif scheme == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif scheme in {"file", ""}:
        location = url.removeprefix("file://") or str(default_dir)
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    else:
        raise ImproperlyConfigured(f"{name}: use a redis://, file:// or locmem:// URL, not {url!r}.")
    return {**backend, "TIMEOUT": 600, "KEY_PREFIX": "peacetracker"}


def env_caches():
    """The page cache (DJANGO_CACHE_URL) and the state cache (DJANGO_STATE_CACHE_URL, else beside it)."""
    page = env_cache("DJANGO_CACHE_URL", BASE_DIR / ".cache")
    if os.environ.get("DJANGO_STATE_CACHE_URL"):
        state = env_cache("DJANGO_STATE_CACHE_URL", BASE_DIR / ".cache" / "state")
    elif page["BACKEND"].endswith("FileBasedCache"):
        state = {**page, "LOCATION": str(Path(page["LOCATION"]) / "state")}
    else:
        state = {**page, "LOCATION": page.get("LOCATION", "state")}
    return {"default": page, "state": {**state, "KEY_PREFIX": "peacetracker-state"}}


# Shared by every worker, so that publishing retires cached pages everywhere at once. The working state
# every worker shares (the content generation, import progress and heartbeats) is in a cache of its own,
# "state", which readers' pages never write to, so that no flood of unique pages can evict it. In
# production give it its own Redis (not evicting: maxmemory-policy noeviction) or a folder every worker
# shares, with DJANGO_STATE_CACHE_URL; unset, it is a "state" folder inside the page cache's folder, or
# the page cache's Redis under its own key prefix.
CACHES = env_caches()
PAGE_CACHE = env_bool("PEACETRACKER_PAGE_CACHE", True)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Uploaded clash files between their check and their confirmation: private, never served. With
    # several machines, a folder they all share (or a remote storage): the import worker reads them too.
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("PEACETRACKER_IMPORT_UPLOAD_DIR", str(BASE_DIR / "uploads"))},
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

MEETINGS_PER_PAGE = 50

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers check the site's health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Clash data imports (imports/): the largest file accepted, and above what size a confirmed import
# runs in the background task worker (`manage.py db_worker`) instead of in the request.
PEACETRACKER_IMPORT_MAX_BYTES = int(os.environ.get("PEACETRACKER_IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))
PEACETRACKER_IMPORT_BACKGROUND_BYTES = int(
    os.environ.get("PEACETRACKER_IMPORT_BACKGROUND_BYTES", str(2 * 1024 * 1024))
)
# A running import that has shown no progress for this long has lost its worker (killed, machine restarted).
PEACETRACKER_IMPORT_STALE_SECONDS = int(os.environ.get("PEACETRACKER_IMPORT_STALE_SECONDS", "300"))
# Uploads larger than this are checked by the task worker, the admin showing the check's progress, rather
# than in the request; `manage.py import_cleanup` deletes uploads never confirmed after the given age.
PEACETRACKER_IMPORT_CHECK_BACKGROUND_BYTES = int(
    os.environ.get("PEACETRACKER_IMPORT_CHECK_BACKGROUND_BYTES", str(5 * 1024 * 1024))
)
PEACETRACKER_IMPORT_UPLOAD_MAX_AGE_SECONDS = int(
    os.environ.get("PEACETRACKER_IMPORT_UPLOAD_MAX_AGE_SECONDS", str(24 * 3600))
)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Security: a strict Content-Security-Policy on every page (nothing inline: scripts and styles come
# only from static files), and throttled admin logins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Every template can make a stored link safe for an href with `|web_url`.
TEMPLATES[0]["OPTIONS"]["builtins"] = ["peacetracker.templatetags.links"]

# Lock out a username from one client address after this many failed logins, for the cool-off time: the
# person guessing is locked out, and the account's owner logs in from anywhere else.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False
# The client address behind reverse proxies: DJANGO_TRUSTED_PROXY_COUNT is how many proxies are in front of
# the site, each appending the address it was reached from to DJANGO_CLIENT_IP_HEADER. Left at 0, every
# login behind a proxy comes from the proxy's address, and anyone could lock a username out for everyone.
PEACETRACKER_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
PEACETRACKER_CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "peacetracker.client_ip.client_ip"

# Email: moderators hear what waits for review, editors what became of it. Printed to the console
# unless an SMTP server is configured (DJANGO_EMAIL_HOST and friends).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "PeaceTracker <peacetracker@localhost>")

# Languages: the interface and every reader-facing text field exist in English and Burmese.
LANGUAGES = [("en", "English"), ("my", "Burmese")]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
