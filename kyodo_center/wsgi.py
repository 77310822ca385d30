"""WSGI entry point for gunicorn: ``gunicorn kyodo_center.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo_center.settings.base")

application = get_wsgi_application()
