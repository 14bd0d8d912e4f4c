from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from members.forms import PreferencesForm, ProfileForm
from members.ratelimits import retry_after_for_page, wait_in_words
from members.services import preferences_update, profile_ensure, profile_update
from school.redirects import safe_next_url


def too_many_attempts(request, *, retry_after: int | None = None, login_locked: bool = False):
    """The site's 429 page, for every rate-limited form (allauth calls it as
    ``school.urls.handler429``): how long to wait, in words and in ``Retry-After``."""
    if retry_after is None:
        retry_after = retry_after_for_page(request)
    response = render(
        request,
        "429.html",
        {"wait": wait_in_words(retry_after), "login_locked": login_locked},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def home(request):
    return render(request, "members/home.html")


def _profile_form_view(request, *, template: str, success_url: str, success_message: str):
    """``success_message`` may name the member: ``{name}`` is the name just saved."""
    profile = profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_update(
            user=request.user,
            display_name=data["display_name"],
            roles=data["roles"],
            organisation=data["organisation"],
            sector=data["sector"],
            time_zone=data["time_zone"],
            bio=data["bio"],
            introduction=data.get("introduction"),
            hide_organisation=data.get("hide_organisation"),
            hide_active_status=data.get("hide_active_status"),
        )
        messages.success(request, success_message.format(name=data["display_name"]))
        return redirect(success_url)
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request):
    profile = getattr(request.user, "profile", None)
    next_url = safe_next_url(request)
    if request.method == "GET" and profile is not None and profile.is_onboarded:
        return redirect(next_url or "dashboard")
    return _profile_form_view(
        request,
        template="members/onboarding.html",
        success_url=next_url or "dashboard",
        success_message="Your profile is saved. Here are the circles for your roles.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    return _profile_form_view(
        request,
        template="members/profile_edit.html",
        success_url="members:profile_edit",
        success_message="Your profile is saved.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    profile = profile_ensure(user=request.user)
    form = PreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your email preferences are saved.")
        return redirect("members:preferences")
    return render(request, "members/preferences.html", {"form": form})
