from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from members.models import Profile, Role, User


def profile_ensure(*, user: User) -> Profile:
    """The member's profile, created empty: onboarding asks for their name."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    roles: Iterable[Role],
    organisation: str,
    sector: str,
    time_zone: str,
    bio: str = "",
) -> Profile:
    """Save a member's profile; the first save completes onboarding."""
    profile = profile_ensure(user=user)
    profile.display_name = display_name
    profile.organisation = organisation
    profile.sector = sector
    profile.time_zone = time_zone
    profile.bio = bio
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
    profile.full_clean()
    profile.save()
    profile.roles.set(roles)
    return profile


@transaction.atomic
def preferences_update(
    *, user: User, digest_enabled: bool, nudges_enabled: bool, response_emails_enabled: bool
) -> Profile:
    profile = profile_ensure(user=user)
    profile.digest_enabled = digest_enabled
    profile.nudges_enabled = nudges_enabled
    profile.response_emails_enabled = response_emails_enabled
    profile.save(update_fields=["digest_enabled", "nudges_enabled", "response_emails_enabled"])
    return profile
