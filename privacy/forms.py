from allauth.core import ratelimit
from django import forms
from django.contrib.auth.hashers import check_password

from privacy.models import ErasureMode


class DeleteAccountForm(forms.Form):
    mode = forms.ChoiceField(
        label="What happens to what you wrote",
        choices=[
            (
                ErasureMode.ANONYMISE,
                "Keep my logs and responses for my circles, shown as written by "
                "“Former member”, with my name taken out",
            ),
            (
                ErasureMode.REMOVE,
                "Remove everything I wrote (and the responses others wrote to my logs)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens to what you wrote."},
    )
    password = forms.CharField(
        label="Your password",
        help_text="To be sure it is you.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        """Checked like allauth's re-authentication, under its rate limit (per member), so
        a borrowed session cannot guess the password here. The stored hash is never
        rewritten here (as signing in would, for a hash of an older kind): another tab may
        be deleting the account meanwhile, and its unusable password must stay."""
        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError("Too many tries. Wait a minute, then try again.")
        if not check_password(password, self.user.password):
            raise forms.ValidationError("That is not your password.")
        return password
