"""The site's error pages."""

import sys

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
