"""Test runs use the production settings module, with the environment a test machine would give it.

DEBUG stays off so the tests see the same security settings as production; only what cannot work
over plain HTTP on loopback is relaxed.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("TSUNAGU_TESTING", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from tsunagu.settings import *  # noqa: E402,F401,F403

# The browser tests talk plain HTTP to the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# A fast hasher: password hashing is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A concrete model of each abstract base in tsunagu.core.models, for their tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.effective"]  # noqa: F405
# The test runner empties tables with TRUNCATE between transactional tests; the audit trail refuses
# TRUNCATE on PostgreSQL unless the connection says so (audit migration 0003).
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c tsunagu.audit_truncate=allow"  # noqa: F405
