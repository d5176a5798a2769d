"""One settings module. Defaults make a fresh clone run on SQLite; the environment changes what a deployment needs.

DATABASE_URL selects PostgreSQL (postgres://…); SECRET_KEY, ALLOWED_HOSTS and DEBUG come from the environment.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TSUNAGU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# A fixed development key is acceptable only because DEBUG deployments never hold real data;
# production must set SECRET_KEY (checked by `manage.py check --deploy`).
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-tsunagu-demo")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # Tsunagu apps, lowest layer first (see docs/ARCHITECTURE.md).
    "tsunagu.core",
    "tsunagu.agencies",
    "tsunagu.audit",
    "tsunagu.people",
    "tsunagu.cases",
    "tsunagu.meetings",
    "tsunagu.followups",
    "tsunagu.sharing",
    "tsunagu.linkage",
    "tsunagu.ecomap",
    "tsunagu.resources",
    "tsunagu.workspace",
    "tsunagu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tsunagu.core.middleware.ContentSecurityPolicyMiddleware",
    "tsunagu.core.middleware.RejectNullCharactersMiddleware",
    # the public resource pages, for visitors without a session, straight from the cache (resources.middleware)
    "tsunagu.resources.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tsunagu.core.middleware.IdleTimeoutMiddleware",
    "tsunagu.agencies.middleware.RequireTwoFactorForAdminsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tsunagu.urls"
WSGI_APPLICATION = "tsunagu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tsunagu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tsunagu.core.context_processors.shell",
            ],
        },
    },
]

# Form widgets (the intake form alone has ~40 checkboxes and selects) render through Jinja2, with Django's own
# widget templates for it: the same HTML, in half the time of the Django template engine.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# SQLite in WAL mode with IMMEDIATE transactions: readers never block the writer and concurrent
# writers queue instead of failing with "database is locked". Connections are kept (per thread) so that
# SQLite's page cache (32 MB each) and the memory map survive between requests.
_sqlite_path = VAR_DIR / "tsunagu.sqlite3"
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{_sqlite_path}", conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                        "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not the shared in-memory database: browser tests write from the test thread while the
    # live server reads, and only a file database has WAL and the busy timeout (no "table is locked"). One file per
    # test run (the process id), so two runs on one machine do not write into each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-tsunagu-{os.getpid()}.sqlite3")}
elif os.environ.get("TSUNAGU_PG_PREPARED", "1") != "0":
    # PostgreSQL: parameters bound on the server, and a statement run twice on a connection is prepared, so the
    # same page's queries are parsed and planned once per connection instead of on every request (the SQL time of
    # the genogram and ecomap halved; the pages under load, bench.meetings: p95 10–30 % lower). A pooler in
    # transaction mode (PgBouncer) cannot carry prepared statements: set TSUNAGU_PG_PREPARED=0 behind one.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tsunagu.agencies.backends.StaffBackend",  # ModelBackend, reading the memberships with the staff member
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lockout: after 5 failures the login id is locked until an admin lifts it (no automatic cool-off:
# a locked account on a welfare system should be looked at by a person).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tsunagu.agencies.views.locked_out"
AXES_VERBOSE = False

# Sessions end after 30 idle minutes and with the browser.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

OTP_TOTP_ISSUER = "Tsunagu"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "tsunagu" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tsunagu" / "static"]
# Static files are served by WhiteNoise straight from the app folders (no collectstatic step to forget);
# third-party browser code is copied into tsunagu/static/vendor from node_modules at setup.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates VAR_DIR

# Lockout is by login id on purpose: municipal networks put many staff behind one address, so an IP-based
# lockout would lock out a whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
