import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view module now, while the worker starts, instead of inside the first request
# each worker serves (after a deploy or a worker restart under load, that request would wait
# for the whole project's views to load).
get_resolver().url_patterns  # noqa: B018
