"""Settings for the bench's "built" rows (bench/run.py): the production settings with no cache
at all, so every request builds its page as the first visitor after a booking does (no page,
fragment or digest cache). Used by `make bench` only."""

from kyodo_center.settings import base

globals().update({name: getattr(base, name) for name in dir(base) if name.isupper()})

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# The site's URLs and the bench's two floors (bench/urls.py).
ROOT_URLCONF = "bench.urls"
