from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from members.models import User
from members.ratelimits import retry_after_seconds
from members.services import account_email_enqueue, profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Every new account gets a profile; onboarding fills it in after confirmation.
    Account emails are rendered here and sent by the worker."""

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
        name they gave (nobody, before onboarding).

        The email is rendered now (links and all) and sent by the worker, so a page that
        sends mail costs the same whichever email it sends."""
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        profile = getattr(user, "profile", None) if user is not None else None
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "name": profile.display_name if profile is not None else "",
        }
        account_email_enqueue(message=self.render_mail(template_prefix, email, context))

    def pre_authenticate(self, request, **credentials):
        """Too many failed sign-ins: answer with the 429 page (when to try again, and a
        link to reset the password) rather than a form error with status 200."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            if self._login_failed_rl_usage:
                raise
            from members.views import too_many_attempts

            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = retry_after_seconds(request, action="login_failed", key=key)
            raise ImmediateHttpResponse(
                too_many_attempts(request, retry_after=wait, login_locked=True)
            ) from None
