"""Demo data for `make run`. Idempotent: running it twice changes nothing."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from members.models import Profile, Role, User

DEMO_PASSWORD = "demo-passphrase-2026"

PEOPLE = [
    # email, display name, organisation, sector, role slugs, staff
    ("admin@example.org", "School admin", "Social Business School", "other", [], True),
    (
        "asha@example.org",
        "Asha Patel",
        "St Mary's Hospital",
        "health",
        ["ward-manager-senior-nurse"],
        False,
    ),
    (
        "tom@example.org",
        "Tom Okafor",
        "Northgate General",
        "health",
        ["ward-manager-senior-nurse", "charge-nurse"],
        False,
    ),
    ("grace@example.org", "Grace Lindqvist", "Royal Infirmary", "health", ["matron"], False),
    (
        "ben@example.org",
        "Ben Morales",
        "Leeds City Council",
        "local_government",
        ["city-official-service-delivery"],
        False,
    ),
    (
        "chloe@example.org",
        "Chloe Nakamura",
        "Bristol City Council",
        "local_government",
        ["deputy-head-of-service", "city-official-service-delivery"],
        False,
    ),
    (
        "ravi@example.org",
        "Ravi Shah",
        "Camden Council",
        "local_government",
        ["team-leader-public-service"],
        False,
    ),
]


class Command(BaseCommand):
    help = "Create demo users (and circles, logs and responses) for local use."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, name, org, sector, role_slugs, staff in PEOPLE:
            user, created = User.objects.get_or_create(
                email=email, defaults={"is_staff": staff, "is_superuser": staff}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            profile, _ = Profile.objects.get_or_create(user=user)
            profile.display_name = name
            profile.organisation = org
            profile.sector = sector
            profile.onboarded_at = profile.onboarded_at or timezone.now()
            profile.save()
            profile.roles.set(Role.objects.filter(slug__in=role_slugs))
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for email, name, *_rest, staff in PEOPLE:
            self.stdout.write(f"  {email:<22} {name}{'  (admin)' if staff else ''}")
