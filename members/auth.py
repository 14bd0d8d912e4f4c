"""The authentication backends (``AUTHENTICATION_BACKENDS``): Django's and allauth's, whose
``get_user`` — run once per signed-in request — reads the member's profile and whether an
email address of hers is verified with her user row, in one query. Every page needs both
(``members.middleware`` checks onboarding and verification and sets her time zone)."""

from allauth.account import auth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, OuterRef


def users_with_profile():
    """Users with their profile and ``email_verified`` (an address of theirs is verified)."""
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    users = get_user_model()._default_manager.select_related("profile")
    return users.annotate(email_verified=Exists(verified))


class _WithProfile:
    def get_user(self, user_id):
        try:
            user = users_with_profile().filter(pk=user_id).first()
        except (ValueError, TypeError):  # a session naming no valid id: nobody
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithProfile, backends.ModelBackend):
    pass


class AuthenticationBackend(_WithProfile, auth_backends.AuthenticationBackend):
    pass
