"""Where a form may send a person next."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, default: str | None = None) -> str | None:
    """The request's ``next`` (POST, else GET) if it is an address on this site (and, on
    HTTPS, not a downgrade to HTTP); otherwise ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
