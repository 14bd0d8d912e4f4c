from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from members.models import User
from members.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Every new account gets a profile; onboarding fills it in after confirmation."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

    def format_email_subject(self, subject: str) -> str:
        """Each subject names the school itself, in a sentence: no "[prefix]"."""
        return subject

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails come from the school, by name, and greet the member by the
        name they gave (nobody, before onboarding)."""
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        profile = getattr(user, "profile", None) if user is not None else None
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "name": profile.display_name if profile is not None else "",
        }
        super().send_mail(template_prefix, email, context)
