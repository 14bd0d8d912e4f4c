"""The authentication backends (``AUTHENTICATION_BACKENDS``): Django's and allauth's, whose
``get_user`` — run once per signed-in request — reads the member's profile and whether an
email address of hers is verified with her user row, in one query. Every page needs both
(``members.middleware`` checks onboarding and verification and sets her time zone)."""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# Written out rather than built as an ``Exists`` subquery each time: this query runs on
# every signed-in request, and building it was half its cost.
_EMAIL_VERIFIED = RawSQL(
    "EXISTS (SELECT 1 FROM account_emailaddress e"
    ' WHERE e.user_id = "members_user"."id" AND e.verified)',
    (),
    output_field=BooleanField(),
)


class _WithProfile:
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile")
        try:
            user = users.annotate(email_verified=_EMAIL_VERIFIED).get(pk=user_id)
        except (ValueError, TypeError, get_user_model().DoesNotExist):
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_WithProfile, backends.ModelBackend):
    pass


class AuthenticationBackend(_WithProfile, auth_backends.AuthenticationBackend):
    pass
