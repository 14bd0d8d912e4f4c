import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from school.paths import reversed_path


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


def display_name_of(profile_name: str | None, email: str) -> str:
    """The name a person goes by: her profile's display name, else her email address
    before the @ (``User.display_name``; for rows read without the models)."""
    return profile_name or email.split("@")[0]


class User(AbstractUser):
    """A person with an account. Signs in with their email address; no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return display_name_of(profile.display_name if profile is not None else None, self.email)


class Sector(models.TextChoices):
    HEALTH = "health", "Health and care"
    LOCAL_GOVERNMENT = "local_government", "Local government and public services"
    OTHER = "other", "Other"


class Role(models.Model):
    """An operational role a practitioner holds. Circles are formed by role."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    description = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["sector", "name"]

    def __str__(self):
        return self.name


INTRODUCTION_MAX = 500

TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    roles = models.ManyToManyField(Role, related_name="profiles", blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    bio = models.TextField("short bio", max_length=600, blank=True)
    # A few words to the circles she joins, shown on their people pages and, while she is
    # new, at the top of their feeds.
    introduction = models.TextField(max_length=INTRODUCTION_MAX, blank=True)
    # Its Markdown rendered and sanitised when it is saved (``school.text``): what pages show.
    introduction_html = models.TextField(blank=True, editable=False)
    # When she wrote her introduction or chose to skip it: the invitation is not shown again.
    introduction_answered_at = models.DateTimeField(null=True, blank=True)
    hide_organisation = models.BooleanField(
        "hide my organisation", default=False, help_text="Your circles do not see it."
    )
    hide_active_status = models.BooleanField(
        "hide whether I have been active lately",
        default=False,
        help_text="Your circles do not see “active this week” beside your name.",
    )
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/London")
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # Email preferences (one-click unsubscribe flips these).
    digest_enabled = models.BooleanField("weekly digest", default=True)
    nudges_enabled = models.BooleanField("nudges", default=True)
    response_emails_enabled = models.BooleanField(
        "email me when someone responds to my log", default=True
    )
    meeting_reminders_enabled = models.BooleanField("meeting reminders", default=True)
    mention_emails_enabled = models.BooleanField("email me when someone mentions me", default=True)
    commons_emails_enabled = models.BooleanField(
        "email me about questions on lessons in the commons", default=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Profile of {self.user.email}"

    def get_absolute_url(self):
        return reversed_path("members:profile_edit")

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None
