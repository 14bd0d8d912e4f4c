"""The site's error pages, and the icon browsers ask for at the root."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults


def server_error(request):
    """500, or 503 when the database could not answer in time (unreachable, or a statement
    cancelled by the statement timeout). Rendered without a request context, so the page
    itself never waits on the database."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)


def favicon(request):
    """``/favicon.ico``, which browsers (and feed readers, and mail clients) fetch on their
    own: the school's icon, kept a day."""
    icon = (settings.BASE_DIR / "static" / "img" / "favicon.ico").read_bytes()
    response = HttpResponse(icon, content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
