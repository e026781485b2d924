"""Test settings: the database comes from GONGGU_DATABASE_URL (SQLite file or PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("GONGGU_DATA_DIR", tempfile.mkdtemp(prefix="gonggu-test-"))

from .base import *  # noqa: E402,F403
from .base import DATA_DIR, DATABASES  # noqa: E402

DEBUG = False
HUEY = {"huey_class": "huey.MemoryHuey", "name": "gonggu-test", "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(DATA_DIR / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
