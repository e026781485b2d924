"""Settings shared by every deployment, read from the environment.

Environment variables (all optional for the embedded default):
  GONGGU_DATABASE_URL  database URL, default an SQLite file in the data directory
  GONGGU_DATA_DIR      where the database, uploads and imported files are kept (./data)
  GONGGU_SECRET_KEY    required in production
  GONGGU_REDIS_URL     huey queue on Redis instead of the embedded SQLite queue
  GONGGU_ALLOWED_HOSTS comma-separated host names
  GONGGU_RULES_ENGINE  engine of rule runs that name none (web pages, jobs): duckdb (default) or spark
  GONGGU_SPARK_MASTER  Spark master for `--engine spark` (default local[*]: Spark inside this process)
  GONGGU_SPARK_INPUT   where Parquet snapshots for Spark are written; on a cluster a location every
                       executor reads (hdfs://…, s3://…, or a shared mount); default <data dir>/spark
  GONGGU_SPARK_CONF    extra Spark settings, "key=value;key=value" (executor memory, cores …)
  GONGGU_TRUSTED_PROXIES addresses or networks of our reverse proxies (nginx), comma-separated; only their
                       X-Forwarded-For entries are believed when finding the client's address
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("GONGGU_DATA_DIR") or BASE_DIR / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("GONGGU_SECRET_KEY", "gonggu-development-only-not-secret")
# Off unless a developer asks for it: users must never see Django's debug page (tracebacks, settings).
DEBUG = os.environ.get("GONGGU_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GONGGU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    "gonggu.core",
    "gonggu.dataio",
    "gonggu.regions",
    "gonggu.accounts",
    "gonggu.registry",
    "gonggu.ledgers",
    "gonggu.sources",
    "gonggu.rules",
    "gonggu.screening",
    "gonggu.monitoring",
    "gonggu.employment",
    "gonggu.welfare",
    "gonggu.credit",
    "gonggu.funds",
    "gonggu.guarantees",
    "gonggu.stationing",
    "gonggu.surveys",
    "gonggu.tasks",
    "gonggu.assessment",
    "gonggu.web",
]

MIDDLEWARE = [
    "gonggu.core.middleware.RequestIdMiddleware",
    "gonggu.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes last: it turns repeated failed logins into a lock-out response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonggu.web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("GONGGU_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'gonggu.sqlite3'}",
        conn_max_age=int(os.environ.get("GONGGU_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the job worker writes; IMMEDIATE avoids
    # "database is locked" upgrades in write transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Weak patterns people use here (Admin@123, Woaini1314) and the account's own username, name or phone.
    {"NAME": "gonggu.accounts.passwords.WeakPatternValidator"},
    {"NAME": "gonggu.accounts.passwords.AccountLikeValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the username+address pair for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The address behind nginx, as the trusted proxy reports it (see gonggu.core.net).
AXES_CLIENT_IP_CALLABLE = "gonggu.core.net.client_ip"
GONGGU_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("GONGGU_TRUSTED_PROXIES", "").split(",") if p.strip()]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports of registries and department lists: the contract allows large files.
GONGGU_MAX_UPLOAD_BYTES = int(os.environ.get("GONGGU_MAX_UPLOAD_BYTES", str(300 * 1024 * 1024)))

RULES_ENGINE = os.environ.get("GONGGU_RULES_ENGINE", "") or "duckdb"
SPARK_MASTER = os.environ.get("GONGGU_SPARK_MASTER", "") or "local[*]"
SPARK_INPUT = os.environ.get("GONGGU_SPARK_INPUT", "") or str(DATA_DIR / "spark")
SPARK_CONF = os.environ.get("GONGGU_SPARK_CONF", "")

# Exports with full identity numbers are deleted this many hours after they were made.
GONGGU_UNMASKED_EXPORT_HOURS = int(os.environ.get("GONGGU_UNMASKED_EXPORT_HOURS", "24"))
# A running job that wrote no progress for this long is taken for dead (its worker was killed) and failed.
GONGGU_JOB_STALE_MINUTES = int(os.environ.get("GONGGU_JOB_STALE_MINUTES", "30"))

REDIS_URL = os.environ.get("GONGGU_REDIS_URL", "")
if REDIS_URL:
    # One cache for every web worker (the registry list's counts, …); without Redis each process keeps its own.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "gonggu"}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "gonggu",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gonggu",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 1, "worker_type": "thread"},
    }

# Errors go to the console and to <data dir>/logs/gonggu.log, each line with the request id the user sees.
LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gonggu.core.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"},
        # Several processes (web workers, the job worker) append to one file: logrotate rotates it
        # (docs/operations.md) and each process reopens it when it sees it was moved.
        "file": {"class": "logging.handlers.WatchedFileHandler", "filename": str(LOG_DIR / "gonggu.log"),
                 "encoding": "utf-8", "filters": ["request_id"], "formatter": "plain"},
    },
    "loggers": {
        "gonggu": {"handlers": ["console", "file"], "level": os.environ.get("GONGGU_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console", "file"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console", "file"], "level": "WARNING", "propagate": False},
    },
}
