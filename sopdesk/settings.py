"""SOPDesk settings. Everything a deployment changes comes from the environment."""

import contextlib
import datetime
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SOPDESK_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: `make run` asks for it (the demo); tests and `make serve` do not.
DEBUG = env_flag("DEBUG", False)


def secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once into var/secret_key."""
    if key := os.environ.get("SECRET_KEY", ""):
        return key
    stored = VAR_DIR / "secret_key"
    if not stored.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError), open(stored, "x") as new:
            os.chmod(stored, 0o600)
            new.write(secrets.token_urlsafe(50))
    return stored.read_text().strip()


SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Absolute address of the public site, used in QR codes on printed handouts.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "markdownx",
    "axes",
    # The library core first: the apps below use it, it uses none of them.
    "procedures",
    "search",
    "hall",
    "handouts",
    "backups",
    "training",
    "practice",
    "upkeep",
    "word_import",
    "blank_forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sopdesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a stored page for residents needs neither.
    "sopdesk.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 我最近查看 in a signed cookie: opening a page saves no session.
    "hall.recent.RecentCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sopdesk.errors.MethodNotAllowedPage",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sopdesk.urls"
WSGI_APPLICATION = "sopdesk.wsgi.application"

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
                "procedures.context_processors.roles",
                "hall.context_processors.hall",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sopdesk.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Connections are kept between requests (CONN_MAX_AGE, as for PostgreSQL): a new one reads
    # and parses the schema and starts with an empty page cache, some milliseconds a request.
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked", and
        # readers never block the writer (WAL).
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
    # A file, not :memory:, so that tests with several threads share one real database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-sopdesk-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# The test database is named after the process: two test runs on one machine never share it.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused even the right password.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each person's permissions kept between requests (its docstring).
    "procedures.kept_permissions.KeptPermissionsBackend",
    # Only for sessions begun before the one above was added.
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes, policy and numbers explained in sopdesk/lockout.py): 5 failures
# for one username from one address, or 20 from one address for any usernames, make that
# username at that address, or that address, wait 1 minute; each further failure once the wait
# is over doubles it, up to 60 minutes. A username is never locked for everyone: usernames are
# easy to learn, and a stranger's wrong passwords must not keep a clerk out at their own window.
# Behind a reverse proxy every window shares the proxy's address, so the client's address is
# read from X-Forwarded-For, trusting exactly TRUSTED_PROXY_COUNT proxies in front.
AXES_HANDLER = "sopdesk.lockout.HallLockoutHandler"
AXES_FAILURE_LIMIT = 5
AXES_IP_FAILURE_LIMIT = 20  # ours, as are the two delays
AXES_FIRST_DELAY = datetime.timedelta(minutes=1)
AXES_MAX_DELAY = datetime.timedelta(minutes=60)
# The order matters to HallLockoutHandler: the pair first, then the address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# How long failures are remembered after the last one, so that the waits can grow; axes
# ignores and deletes older ones. The waits themselves are HallLockoutHandler's.
AXES_COOLOFF_TIME = datetime.timedelta(hours=24)
# Attempts refused during a wait are not counted: only failures after it make the next longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Must stay on: the handler counts every attempt as a failure before the password is checked,
# and a success takes it back by deleting the username's failures at that address.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sopdesk.lockout.lockout_response"  # names the wait; status 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Keep failures only while they count (axes deletes them once older than the cool-off), and
# no endless log of successful logins.
AXES_DISABLE_ACCESS_LOG = True
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
# ipware counts the proxies that wrote X-Forwarded-For before the last one, whose own address
# is REMOTE_ADDR: the client is the address the nearest trusted proxy saw. What a client
# writes into the header itself is never believed.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
# Not strict: a header with more entries than proxies (a client wrote its own) still yields
# the address the trusted proxy appended, instead of falling back to the proxy's address, which
# would let one guesser's failures count against the whole hall.
IPWARE_STRICT = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Who sends a stored handout PDF: "" Django streams it; "x-accel-redirect" nginx, from an
# internal location at HANDOUT_SENDFILE_PREFIX aliased to MEDIA_ROOT/handouts/ (README);
# "x-sendfile" Apache or lighttpd, given the absolute path. Checked at startup (handouts.E001).
HANDOUT_SENDFILE = os.environ.get("HANDOUT_SENDFILE", "").strip().lower()
HANDOUT_SENDFILE_PREFIX = os.environ.get("HANDOUT_SENDFILE_PREFIX", "/protected/handouts/")
# The largest blank or sample form (空白表格/示例样表) an editor may upload, in bytes.
FORM_MAX_BYTES = int(os.environ.get("FORM_MAX_BYTES", 10 * 1024 * 1024))

# Served over HTTPS (directly or behind a proxy that sets X-Forwarded-Proto): secure cookies,
# HSTS and a redirect from http. Off by default so `make run` works on http://127.0.0.1.
HTTPS = env_flag("HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and env_flag("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# With DEBUG off Django mails errors to ADMINS and prints nothing; under gunicorn we want every
# server error's traceback in the service log instead.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "procedures": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Mail, for password resets: only where the hall has a mail server. Without one, the reset
# pages say to ask an administrator instead of claiming that a mail was sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_CONFIGURED = bool(EMAIL_HOST)
if EMAIL_CONFIGURED:
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
    DEFAULT_FROM_EMAIL = os.environ.get(
        "DEFAULT_FROM_EMAIL", EMAIL_HOST_USER or "sopdesk@localhost"
    )

# Per process: the bookkeeping quotas, and Markdown rendered once per text (a library holds a
# few thousand texts). Several app servers may point both at a shared cache (e.g. Redis).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quotas",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "renderings": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renderings",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
}


def page_cache(url: str) -> dict[str, Any]:
    """The cache `pages` from PAGE_CACHE_URL: redis://…, memcached://host:port, or a folder."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("memcached://"):
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": url.removeprefix("memcached://"),
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": url.removeprefix("file://") or str(VAR_DIR / "page-cache"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


# Pages residents read, stored once and shared by every worker (sopdesk/page_cache.py): files
# under var/ by default; several app servers share one Redis or memcached (README, 缓存).
CACHES["pages"] = page_cache(os.environ.get("PAGE_CACHE_URL", ""))
# Sessions read from that cache and written to it and the database (sopdesk/sessions.py).
SESSION_ENGINE = "sopdesk.sessions"
SESSION_CACHE_ALIAS = "pages"
# Keys the stored pages; empty: a digest of the templates, code and static manifest.
PAGE_CACHE_REVISION = os.environ.get("PAGE_CACHE_REVISION", "")
# A reverse proxy may keep public pages, and asks us again each time (a 304 when unchanged);
# PAGE_CACHE_PROXY_SECONDS > 0 lets it serve them that long without asking, stale after a
# publication meanwhile. Staff pages are always private.
PAGE_CACHE_PROXY_SECONDS = int(os.environ.get("PAGE_CACHE_PROXY_SECONDS", 0))
PAGE_CACHE_CONTROL = (
    f"public, max-age=0, s-maxage={PAGE_CACHE_PROXY_SECONDS}"
    if PAGE_CACHE_PROXY_SECONDS
    else "public, no-cache"
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

for folder in (VAR_DIR, STATIC_ROOT):
    folder.mkdir(parents=True, exist_ok=True)

# Backups (the backups app). BACKUP_KEY signs them; when it is empty, SECRET_KEY does.
# Installations that restore each other's backups (moving from SQLite to PostgreSQL on another
# machine, say) set the same BACKUP_KEY.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
# The most a restore reads, in MB: the whole backup, and any one file in it (data.json is
# read into memory to be loaded).
BACKUP_MAX_TOTAL_MB = int(os.environ.get("BACKUP_MAX_TOTAL_MB", 4096))
BACKUP_MAX_MEMBER_MB = int(os.environ.get("BACKUP_MAX_MEMBER_MB", 256))
