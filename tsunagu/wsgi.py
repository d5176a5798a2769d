import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")

# Any WSGI server: settings that must not serve (DEBUG off with an empty or published SECRET_KEY) stop the load.
# gunicorn refuses them earlier, in its master (gunicorn.conf.py), with the same line and no traceback.
from tsunagu.settings import refusal_to_serve  # noqa: E402 -- after the settings module is chosen

if refusal := refusal_to_serve():
    raise ImproperlyConfigured(refusal)
application = get_wsgi_application()
