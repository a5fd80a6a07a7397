"""WSGI entry of the benchmark server: config.settings with bench/_bench_urls.py as URLconf.

Static files use whitenoise without the manifest: `collectstatic` with the manifest storage
currently stops at static/vendor/chartjs/chart.umd.min.js, which names a source map that is
not shipped (the page under test does not depend on it).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings

settings.ROOT_URLCONF = "_bench_urls"
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}

if __name__ == "__main__":  # python bench/_bench_wsgi.py collectstatic …
    import sys

    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])
else:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
