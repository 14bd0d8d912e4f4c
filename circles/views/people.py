"""People in a circle: the people page, profiles, introductions and the @mention
suggestions. A circle or person the viewer may not see answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from circles.forms import PeopleFilterForm
from circles.mentions import circle_members_named, mention_problems, mention_suggestions
from circles.models import Circle
from circles.people import circle_people, people_shown, person_profile
from circles.permissions import CircleAccess, circle_access
from circles.selectors import circle_pending_requests
from members.forms import IntroductionForm
from members.services import introduction_save, introduction_skip

PEOPLE_RESULTS_ID = "people-results"


def _access_or_404(request, slug: str, *, members_only: bool = False) -> CircleAccess:
    """The viewer's access to the circle at ``slug``: 404 unless she may read it (with
    ``members_only``, unless she is an active member)."""
    access = circle_access(request.user, get_object_or_404(Circle, slug=slug))
    if not (access.is_member if members_only else access.can_read):
        raise Http404("No such circle.")
    return access


@login_required
@require_GET
def people(request, slug):
    """A page of the circle's members, filtered by name (``q``); to HTMX (not restoring
    its history), only the list."""
    access = _access_or_404(request, slug)
    form = PeopleFilterForm(
        request.GET,
        url=reverse("circles:people", args=[access.circle.slug]),
        results=f"#{PEOPLE_RESULTS_ID}",
    )
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = _people_context(request, access, form, partial=partial)
    template = "circles/_people_results.html" if partial else "circles/people.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _people_context(request, access, form, *, partial: bool) -> dict:
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "circle": access.circle,
        "access": access,
        "is_moderator": access.can_moderate,
        "form": form,
        "results_id": PEOPLE_RESULTS_ID,
        "partial": partial,
        **circle_people(circle=access.circle, q=q, page=request.GET.get("page")),
    }
    if access.can_moderate and not partial:
        context["pending"] = list(circle_pending_requests(circle=access.circle))
    return context


@login_required
@require_GET
def profile(request, pk):
    context = person_profile(viewer=request.user, person_id=pk)
    if context is None:
        raise Http404("No such person.")
    shown = people_shown(circle_ids=[c.pk for c in context["shared_circles"]])
    return render(
        request,
        "circles/profile.html",
        {**context, "is_me": context["person"].pk == request.user.pk, "shown": shown},
    )


@login_required
@require_GET
def mentions(request, slug):
    """Up to eight members of the circle whose name contains ``q`` (members only)."""
    access = _access_or_404(request, slug, members_only=True)
    matches = mention_suggestions(circle=access.circle, q=request.GET.get("q", ""))
    return render(
        request, "circles/_mention_suggestions.html", {"matches": matches, "circle": access.circle}
    )


@login_required
@require_POST
def mentions_check(request, slug):
    """The @names in the posted ``text`` that would not become mentions (members only):
    shown under the field before she posts."""
    access = _access_or_404(request, slug, members_only=True)
    text = request.POST.get("text", "")[:20_000]
    problems = mention_problems(text, circle_members_named({"circle_id": access.circle.pk}))
    return render(request, "circles/_mention_check.html", {"problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def introduce(request, slug):
    """Introduce herself to the circle (skippable): saved on her profile for every circle."""
    access = _access_or_404(request, slug, members_only=True)
    if request.method == "POST" and "skip" in request.POST:
        introduction_skip(user=request.user)
        return redirect(access.circle)
    profile = getattr(request.user, "profile", None)
    form = IntroductionForm(
        request.POST or None, initial={"introduction": getattr(profile, "introduction", "")}
    )
    if request.method == "POST" and form.is_valid() and _introduced(request, form):
        messages.success(request, "Thank you: your circles can read your introduction.")
        return redirect("circles:people", slug=access.circle.slug)
    return render(request, "circles/introduce.html", {"circle": access.circle, "form": form})


def _introduced(request, form) -> bool:
    try:
        introduction_save(user=request.user, text=form.cleaned_data["introduction"])
    except ValidationError as error:
        form.add_error("introduction", error.message_dict.get("introduction", error.messages))
        return False
    return True
