from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from members.local_time import zone_of

# Paths a member who has not finished onboarding may still reach.
_OPEN_PREFIXES = (
    "/accounts/", "/admin/", "/static/", "/me/onboarding/", "/email/unsubscribe/",
)  # fmt: skip


class OnboardingMiddleware:
    """After confirming their email, a member completes onboarding before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_staff
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path != "/"
        ):
            profile = getattr(user, "profile", None)
            if profile is None or profile.onboarded_at is None:
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
