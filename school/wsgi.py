import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "school.settings")
application = get_wsgi_application()

from school.release import release  # noqa: E402 (needs the apps loaded)

release()  # worked out once, before the first request
