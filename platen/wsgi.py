import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
from platen.kit.chunked import ChunkedBodies  # noqa: E402  (reads settings: after DJANGO_SETTINGS_MODULE)

application = ChunkedBodies(get_wsgi_application())
