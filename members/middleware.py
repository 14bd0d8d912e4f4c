from contextlib import suppress
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from members.auth import users_with_profile
from members.local_time import zone_of
from members.models import Profile

# Paths a member who has not finished onboarding may still reach.
_OPEN_PREFIXES = (
    "/accounts/", "/admin/", "/static/", "/me/onboarding/", "/email/unsubscribe/",
    "/privacy/", "/account-deleted/",
)  # fmt: skip


def _profile_and_verified(user) -> tuple[Profile | None, bool]:
    """The member's profile (kept on the user, as ``user.profile`` would) and whether an
    email address of theirs is verified: read with her user by the authentication backend
    (``members.auth``), else in one query."""
    if not hasattr(user, "email_verified"):
        loaded = users_with_profile().get(pk=user.pk)
        user.email_verified = loaded.email_verified
        with suppress(Profile.DoesNotExist):
            user.profile = loaded.profile
    try:
        return user.profile, user.email_verified
    except Profile.DoesNotExist:
        return None, user.email_verified


class OnboardingMiddleware:
    """After confirming their email, a member completes onboarding before anything else.

    A signed-in session whose email is not verified is refused too: signing in already
    requires a confirmed address, and this holds however a session came about."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or user.is_staff:
            return self.get_response(request)
        needs_onboarding = not request.path.startswith(_OPEN_PREFIXES) and request.path != "/"
        if needs_onboarding or request.path.startswith("/me/onboarding/"):
            profile, verified = _profile_and_verified(user)
            if not verified:
                logout(request)
                messages.warning(
                    request,
                    "Please confirm your email address first: follow the link in the email "
                    "we sent you, or sign in again to have it sent once more.",
                )
                return redirect("account_login")
            if needs_onboarding and (profile is None or profile.onboarded_at is None):
                url = reverse("members:onboarding")
                if request.method == "GET":
                    # Come back here afterwards (an invite link, say).
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)


class TimeZoneMiddleware:
    """Pages show dates and times on the signed-in member's clock (her profile's time
    zone), and visitors on the school's: templates' ``date`` filter, ``localtime`` and
    ``localdate`` all follow the zone activated here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with timezone.override(zone_of(request.user)):
            return self.get_response(request)
