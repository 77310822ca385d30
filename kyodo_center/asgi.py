"""ASGI entry point (not used by the Dockerfile, which serves WSGI through gunicorn)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_center.settings.base")

application = get_asgi_application()
