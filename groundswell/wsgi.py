"""WSGI entry point (gunicorn groundswell.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
application = get_wsgi_application()
