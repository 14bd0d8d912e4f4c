"""When a rate-limited form may be used again, read from allauth's rate-limit records, so a
refusal can answer 429 with ``Retry-After`` and tell a person roughly how long to wait."""

import math
import time

from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache
from django.http import HttpRequest

APP = "allauth.account"

# The allauth action behind each rate-limited page, and how its per-key rates are keyed.
ACTION_OF_PAGE = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}
DEFAULT_WAIT = 60


def _key_for(request: HttpRequest, action: str) -> str | None:
    if action == "reset_password":
        email = request.POST.get("email", "").strip().lower()
        return email or None
    return None


def retry_after_seconds(request: HttpRequest, *, action: str, key: str | None = None) -> int:
    """Seconds until every exhausted limit of ``action`` lets this request through again
    (at least 1). A limit that cannot be read for this request counts in full."""
    now = time.time()
    wait = 0.0
    unknown = 0.0
    for rate in get_rates(app=APP, action=action):
        if rate.per == "key" and key is None:
            unknown = max(unknown, rate.duration)
            continue
        if rate.per == "user" and not request.user.is_authenticated:
            continue
        cache_key = get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]
        if len(history) >= rate.amount:
            history.sort(reverse=True)
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    if not wait:
        wait = unknown or DEFAULT_WAIT
    return max(1, math.ceil(wait))


def retry_after_for_page(request: HttpRequest) -> int:
    match = getattr(request, "resolver_match", None)
    action = ACTION_OF_PAGE.get(match.url_name if match else "")
    if action is None:
        return DEFAULT_WAIT
    return retry_after_seconds(request, action=action, key=_key_for(request, action))


def wait_in_words(seconds: int) -> str:
    """'less than a minute', 'about a minute', 'about 4 minutes', 'about 2 hours'."""
    if seconds < 45:
        return "less than a minute"
    minutes = round(seconds / 60)
    if minutes <= 1:
        return "about a minute"
    if minutes < 90:
        return f"about {minutes} minutes"
    return f"about {round(minutes / 60)} hours"
