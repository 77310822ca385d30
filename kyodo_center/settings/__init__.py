"""Settings modules.

- ``kyodo_center.settings.base``: the one used by ``manage.py``, runserver and gunicorn. It reads
  the environment and is production-safe unless DJANGO_DEBUG=1 (see README "Configuration").
- ``kyodo_center.settings.test``: pytest (fast password hashing, no HTTPS redirect).
"""
