"""One settings module. Defaults make a fresh clone run on SQLite; the environment changes what a deployment needs.

DATABASE_URL selects PostgreSQL (postgres://…); SECRET_KEY (else the per-install key in var/secret_key),
ALLOWED_HOSTS, DEBUG and TSUNAGU_HTTPS come from the environment (README: Settings and deployment).
"""

import contextlib
import importlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TSUNAGU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# SECRET_KEY: the environment's SECRET_KEY when it is set (set but empty counts as set — and is refused for serving:
# an empty value is a deployment's mistake, not a request for another key); otherwise the per-install key in
# VAR_DIR/secret_key, made on first use (random, mode 0600) by whichever command runs first and read afterwards.
# There is no built-in key. Serving (scripts/serve.sh, gunicorn.conf.py, tsunagu.wsgi) with DEBUG off refuses an
# empty key and the key earlier versions fell back to, which is public (serving_refusal).
_PUBLISHED_SECRET_KEYS = frozenset({"dev-only-insecure-key-tsunagu-demo"})


def per_install_secret_key(path: Path) -> str:
    """The key in `path`, which is first created when there is none (random, mode 0600); an existing file is only read.

    The file appears whole or not at all (written beside it, then linked into place), so processes starting together
    on a fresh install read the same key: the first link wins, the others read it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        descriptor, written = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mkstemp makes it 0600
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(key + "\n")
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(written, path)
            except FileExistsError:
                pass  # another process made it first: its key is the key
            except OSError:  # a file system without hard links: an exclusive create instead
                with contextlib.suppress(FileExistsError), \
                        os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
                    file.write(key + "\n")
        finally:
            os.unlink(written)
    return path.read_text(encoding="utf-8").strip()


def secret_key_from(environ: Mapping[str, str], path: Path) -> tuple[str, str]:
    """(the key, where it came from): the environment's SECRET_KEY if set, else the per-install key in `path`."""
    if "SECRET_KEY" in environ:
        return environ["SECRET_KEY"], "環境変数 SECRET_KEY"
    return per_install_secret_key(path), str(path)  # a var dir that cannot be written stops here, as STATIC_ROOT would


def serving_refusal(secret_key: str, debug: bool, source: str = "環境変数 SECRET_KEY") -> str | None:
    """The one Japanese line that serving with this key is refused with (DEBUG off), or None when it may serve."""
    if debug:
        return None
    set_it = "環境変数 SECRET_KEY に十分に長い乱数を設定するか、SECRET_KEY を外して var/secret_key の鍵を使ってください。"
    if not secret_key.strip():
        if source == "環境変数 SECRET_KEY":
            return f"SECRET_KEY が設定されていません（環境変数 SECRET_KEY が空です）。{set_it}"
        return (f"SECRET_KEY が設定されていません（{source} が空です）。空のファイルを消すと次の起動で新しい鍵が作られます。"
                "または環境変数 SECRET_KEY に十分に長い乱数を設定してください。")
    if secret_key in _PUBLISHED_SECRET_KEYS:
        return f"SECRET_KEY が以前の版に組み込まれていた公開済みの値です。{set_it}"
    return None


def refusal_to_serve() -> str | None:
    """serving_refusal for the settings module this process runs on (DJANGO_SETTINGS_MODULE, else this one)."""
    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE") or "tsunagu.settings")
    return serving_refusal(getattr(module, "SECRET_KEY", ""), getattr(module, "DEBUG", False),
                           getattr(module, "SECRET_KEY_SOURCE", "環境変数 SECRET_KEY"))


SECRET_KEY, SECRET_KEY_SOURCE = secret_key_from(os.environ, VAR_DIR / "secret_key")
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
    "tsunagu.participation",
    "tsunagu.workspace",
    "tsunagu.reports",
    "tsunagu.inquiries",
    # After Tsunagu's apps, so that core's `db_worker` (core.worker: it reconnects and beats) is the one that runs.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tsunagu.core.middleware.ContentSecurityPolicyMiddleware",
    "tsunagu.core.middleware.RejectNullCharactersMiddleware",
    # the public resource pages, for visitors without a session, straight from the cache (resources.middleware)
    "tsunagu.resources.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # the language of a public page is the one in its address (/vi/help/); every other page is in Japanese
    "tsunagu.core.languages.PublicLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tsunagu.core.dates.DateStyleMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("TSUNAGU_PG_OPTIONS", "1") != "0":
    # Each session: no JIT compilation — it pays off for long analytical queries, but a page's query estimated
    # above its threshold (a 政令市's list with a subquery per row) spent 18–50 ms compiling to run in 100; and a
    # prepared statement planned anew with each call's values — after five calls PostgreSQL may keep a generic plan
    # that cannot see them (a search's character pair, a Scope's id arrays), and on a 政令市 such plans ran 5–100×
    # slower (a person search 17 ms planned for its values, 109 ms generic); parsing is still saved. And no
    # parallel workers for a query: a page's query is small, and on a 政令市 PostgreSQL chose to start two workers
    # for a person search's page — 14 ms of their start-up for 4 ms of work, with the cores taken from the other
    # requests of a server whose gunicorn workers already use every core (measured on the metro: 18 → 5 ms). And
    # random_page_cost 1.1, as PostgreSQL's documentation advises for solid-state storage and for data that is held
    # in memory (a municipality's server): with the default 4.0 the planner read all 51,000 consents of a 政令市 to
    # find an agency's 425 (9 ms) rather than 425 index lookups (1.5 ms), and so for the policy's other id lists.
    # TSUNAGU_PG_OPTIONS=0 sends neither, for a pooler that refuses start-up options. libpq takes `options` instead
    # of the environment's PGOPTIONS: an administrator's PGOPTIONS (a read-only session…) is carried over first.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(part for part in (os.environ.get("PGOPTIONS", ""), options.get("options", ""),
                                                    "-c jit=off -c plan_cache_mode=force_custom_plan -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1") if part)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tsunagu.agencies.backends.StaffBackend",  # ModelBackend, reading the memberships with the staff member
]
AUTH_PASSWORD_VALIDATORS = [
    # Staff has no `username`: compare with what a password could be made of (the validator's default misses them).
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("login_id", "name", "kana", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failures lock the pair (login id, client address) for a cool-off, so nobody can lock another person
# out everywhere — the admin included — by mistyping her login id; an admin may lift it sooner, and may lock an
# account outright (Staff.locked_at). The client address comes from one helper (REMOTE_ADDR; X-Forwarded-For only
# behind the proxies listed in TSUNAGU_TRUSTED_PROXIES, comma-separated addresses or networks, none by default).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_CLIENT_IP_CALLABLE = "tsunagu.core.client.client_address"
TSUNAGU_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TSUNAGU_TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tsunagu.agencies.views.locked_out"
AXES_VERBOSE = False
# The 「他機関で把握されている可能性」 signal: asks per staff member per day before it is no longer computed.
KNOWN_ELSEWHERE_DAILY_LIMIT = int(os.environ.get("KNOWN_ELSEWHERE_DAILY_LIMIT", "100"))
# 相談の申込み (inquiries): sendings accepted per client address (core.client) per hour and per day.
PUBLIC_REQUESTS_PER_HOUR = int(os.environ.get("TSUNAGU_PUBLIC_REQUESTS_PER_HOUR", "5"))
PUBLIC_REQUESTS_PER_DAY = int(os.environ.get("TSUNAGU_PUBLIC_REQUESTS_PER_DAY", "20"))
# The office hours a reply is promised in (weekdays, Asia/Tokyo; 12/29–1/3 closed), "HH:MM-HH:MM".
PUBLIC_OFFICE_HOURS = os.environ.get("TSUNAGU_PUBLIC_OFFICE_HOURS", "08:30-17:15")

# Sessions end after 30 idle minutes and with the browser.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# TSUNAGU_HTTPS=1: served over HTTPS through a reverse proxy that ends TLS. The cookies are sent over HTTPS only,
# browsers are told to use HTTPS for a year (HSTS, subdomains included), and a request counts as HTTPS when the proxy
# says so in X-Forwarded-Proto — so the proxy must set that header itself, overwriting what a client sent. Plain
# HTTP is redirected by the proxy, not here (SECURE_SSL_REDIRECT stays off). SECURE_COOKIES=1, the older setting,
# still turns on the two secure cookies alone.
HTTPS = env_bool("TSUNAGU_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

OTP_TOTP_ISSUER = "Tsunagu"

LANGUAGE_CODE = "ja"
# The public pages (住民の入口: the resource directory, 相談の申込み, their error pages) speak these; staff pages stay
# Japanese. やさしい日本語 has no registered language tag: "ja-x-easy" is a private-use tag of Japanese (BCP 47), which
# Django accepts (its locale directory is tsunagu/locale/ja_X-easy) and which browsers and screen readers read as
# Japanese. docs/TRANSLATIONS.md says which translations a person has reviewed.
LANGUAGES = [("ja", "日本語"), ("ja-x-easy", "やさしい にほんご"), ("en", "English"), ("zh-hans", "中文（简体）"),
             ("ko", "한국어"), ("vi", "Tiếng Việt"), ("pt-br", "Português")]
# A functional cookie, set only by the language switch of the public pages, read only to redirect an address without
# a language (/help/ → /vi/help/).
LANGUAGE_COOKIE_NAME = "tsunagu_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tsunagu.core.views.csrf_failure"
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
# The worker's heartbeat (core.worker): a worker silent for four beats is taken as stopped, and what it ran as failed.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TSUNAGU_WORKER_HEARTBEAT_SECONDS", "30"))
# /healthz (core.health): free disk below this fails it; without a worker (名寄せ from cron) say so with 0.
HEALTH_MIN_FREE_MB = int(os.environ.get("TSUNAGU_HEALTH_MIN_FREE_MB", "1024"))
HEALTH_REQUIRES_WORKER = env_bool("TSUNAGU_HEALTH_REQUIRES_WORKER", True)

# `tsunagu backup` without a file name writes here (core.backup); keep copies elsewhere too (docs/DEPLOY.md).
BACKUP_DIR = Path(os.environ.get("TSUNAGU_BACKUP_DIR", VAR_DIR / "backups"))

DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates VAR_DIR
