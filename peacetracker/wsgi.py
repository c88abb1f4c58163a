"""WSGI entry point for gunicorn and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peacetracker.settings")
# A web server serves production unless told otherwise: a forgotten DJANGO_DEBUG never means debug
# pages (and, with no DJANGO_SECRET_KEY, the server refuses to start). `manage.py` commands follow the
# settings' rule: debug only where no production setting is in the environment (see settings/base.py).
os.environ.setdefault("DJANGO_DEBUG", "0")

application = get_wsgi_application()
