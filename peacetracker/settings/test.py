"""Settings for the test suite: the base settings with fast hashing and plain static storage."""

import os

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not os.environ.get("PEACETRACKER_IMPORT_UPLOAD_DIR"):
    # Uploaded import files in memory, unless a test running `manage.py` processes names a folder to share.
    STORAGES["imports"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "state": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "state"},
}
# On only in tests/peacetracker/test_page_cache.py, so that other tests' query counts measure real work.
PAGE_CACHE = False
