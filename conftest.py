"""Test-run defaults: a throwaway secret, files served from the finders (no collectstatic)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-not-used-anywhere-else")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
