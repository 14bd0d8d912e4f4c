"""Circle directory, a circle's page, joining and the facilitators' membership decisions.

Who may do what comes from ``circles.permissions``. Anything a person may not see answers
404; a thing they can see but may not act on answers 403. Every action is a plain
POST → redirect; admit/decline answer HTMX requests with the refreshed requests list and
every other part of the page they change (the queue's count, the circle's places).
"""

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from circles.forms import DeclineForm, DirectoryFilterForm, InviteCreateForm, RequestToJoinForm
from circles.models import Circle, Invite, JoinPolicy, Membership, MembershipState
from circles.once import once_made, resubmission_lands_on_first
from circles.people import circle_newcomers
from circles.permissions import (
    circle_for_moderator,
    membership_of,
)
from circles.selectors import (
    circle_invites,
    circle_page,
    circle_pending_requests,
    circle_public,
    circle_tags_in_use,
    circles_directory,
    queue_counts,
)
from circles.services.memberships import (
    MembershipError,
    invite_create,
    invite_from_token,
    invite_token,
    membership_admit,
    membership_decline,
    membership_join,
    membership_join_by_invite,
    membership_leave,
    membership_request,
)
from circles.services.memberships import (
    invite_revoke as invite_revoke_service,
)

DIRECTORY_PAGE_SIZE = 20


def _circle_action(view):
    """A signed-in person's POST-only action on a circle. A visitor is sent to sign in and
    comes back here by GET, which does nothing and shows the circle page."""

    @login_required
    @wraps(view)
    def action(request, slug, *args, **kwargs):
        if request.method != "POST":
            return redirect("circles:detail", slug=slug)
        return view(request, slug, *args, **kwargs)

    return action


def _circle_or_404(slug: str) -> Circle:
    return get_object_or_404(Circle, slug=slug)


# --- directory and public page ----------------------------------------------------------------


def directory(request):
    tags = circle_tags_in_use()
    form = DirectoryFilterForm(request.GET or None, tags=tags)
    form.is_valid()  # an unknown role or tag is reported on the form; valid filters still apply
    filters = getattr(form, "cleaned_data", {})
    role = filters.get("role")
    circles = circles_directory(
        role=role.slug if role else None,
        tag=filters.get("tag") or None,
        q=filters.get("q") or None,
        user=request.user,
    )
    page = Paginator(circles, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = bool(role or filters.get("tag") or filters.get("q"))
    return render(
        request,
        "circles/directory.html",
        {"form": form, "page_obj": page, "circles": page.object_list, "filtered": filtered},
    )


def detail(request, slug):
    return render(request, "circles/detail.html", _detail_context(request, slug))


def _detail_context(request, slug) -> dict:
    """The circle page (``circle_page``) with, for a signed-in visitor who may ask to join,
    the request form."""
    circle = circle_public(slug=slug, user=request.user)
    if circle is None:
        raise Http404("No such circle.")
    context = circle_page(
        circle=circle, user=request.user, tag=request.GET.get("tag"), page=request.GET.get("page")
    )
    asks = circle.join_policy == JoinPolicy.REQUEST and request.user.is_authenticated
    if asks and not context["is_member"]:
        context["request_form"] = RequestToJoinForm.for_membership(circle, context["membership"])
    if context.get("show_feed"):
        context["newcomers"] = circle_newcomers(circle=circle)
    return context


# --- joining and leaving ----------------------------------------------------------------------


@_circle_action
def join(request, slug):
    circle = _circle_or_404(slug)
    return _joined(request, circle, partial(membership_join, user=request.user, circle=circle))


def _joined(request, circle, join):
    """Join by ``join()``, say how it went, and go to the circle."""
    try:
        join()
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Welcome to {circle.name}.")
    return redirect(circle)


@login_required
@require_http_methods(["GET", "POST"])
@resubmission_lands_on_first
def request_to_join(request, slug):
    circle = _circle_or_404(slug)
    membership = membership_of(request.user, circle)
    if not _takes_request_from(request, circle, membership):
        return redirect(circle)
    form = RequestToJoinForm.for_membership(circle, membership, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ask = once_made(request, membership_request, url_of=lambda _: circle.get_absolute_url())
            ask(user=request.user, circle=circle, answer=form.cleaned_data["answer"])
        except MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your request to join {circle.name} is with its "
                             "facilitators. This page shows their decision.")  # fmt: skip
            return redirect(circle)
    context = {"circle": circle, "form": form, "membership": membership}
    return render(request, "circles/request.html", context)


def _takes_request_from(request, circle, membership) -> bool:
    """Whether the circle takes a request to join from this person; if not, say why."""
    if circle.join_policy != JoinPolicy.REQUEST or circle.is_archived:
        messages.info(request, "This circle does not take requests to join.")
        return False
    if membership is not None and membership.is_active:
        messages.info(request, f"You are already a member of {circle.name}.")
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, slug):
    """GET asks "are you sure?" (coming back may need a request or an invite); POST leaves,
    or withdraws a pending request."""
    circle = _circle_or_404(slug)
    before = membership_of(request.user, circle)
    if request.method == "GET":
        return _leave_confirm(request, circle, before)
    try:
        membership_leave(user=request.user, circle=circle)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        if before is not None and before.state == MembershipState.PENDING:
            messages.success(request, f"Your request to join {circle.name} is withdrawn.")
        else:
            messages.success(
                request, f"You have left {circle.name}. You are welcome back any time."
            )
    return redirect(circle)


def _leave_confirm(request, circle, before):
    """ "Are you sure?" for a member or a pending request; anyone else goes back."""
    if before is None or before.state not in (MembershipState.ACTIVE, MembershipState.PENDING):
        messages.info(request, f"You are not a member of {circle.name}.")
        return redirect(circle)
    return render(request, "circles/leave.html", {"circle": circle, "membership": before})


# --- facilitators: requests -------------------------------------------------------------------


def _decide(request, slug, pk, *, decline: bool):
    circle = circle_for_moderator(request.user, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("member__profile", "circle"), pk=pk, circle=circle
    )
    try:
        status = ("success", _decision_take(request, membership, decline=decline))
    except MembershipError as error:
        status = ("error", str(error))
    if request.htmx:
        context = {
            "circle": circle_public(slug=circle.slug),
            "pending_requests": list(circle_pending_requests(circle=circle)),
            "counts": queue_counts(circle=circle),
            "status": status,
        }
        return render(request, "circles/_requests_answer.html", context)
    getattr(messages, status[0])(request, status[1])
    return redirect(circle)


def _decision_take(request, membership: Membership, *, decline: bool) -> str:
    """Admit or decline (with the form's reason) a request; what to tell the facilitator.
    Raises MembershipError when refused."""
    name = membership.member.display_name
    if not decline:
        membership_admit(actor=request.user, membership=membership)
        return f"{name} is now a member of {membership.circle.name}."
    form = DeclineForm(request.POST)
    if not form.is_valid():
        raise MembershipError(form.errors["reason"][0])
    reason = form.cleaned_data["reason"]
    membership_decline(actor=request.user, membership=membership, reason=reason)
    return f"You declined the request from {name}."


@_circle_action
def admit(request, slug, pk):
    return _decide(request, slug, pk, decline=False)


@_circle_action
def decline(request, slug, pk):
    return _decide(request, slug, pk, decline=True)


# --- facilitators: invite links ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@resubmission_lands_on_first
def invites(request, slug):
    circle = circle_for_moderator(request.user, slug)
    form = InviteCreateForm(request.POST or None, initial={"days": 14, "max_uses": 1})
    if request.method == "POST" and form.is_valid():
        try:
            create = once_made(
                request, invite_create, url_of=lambda _: request.path, same_content=False
            )
            invite = create(
                actor=request.user,
                circle=circle,
                days=form.cleaned_data["days"],
                max_uses=form.cleaned_data["max_uses"],
            )
        except MembershipError as error:
            form.add_error(None, str(error))
        else:
            _say_invite_created(request, invite)
            return redirect("circles:invites", slug=circle.slug)
    links = [
        (invite, request.build_absolute_uri(_invite_url(invite)))
        for invite in circle_invites(circle=circle)
    ]
    context = {"circle": circle, "form": form, "invite_links": links}
    return render(request, "circles/invites.html", context)


def _say_invite_created(request, invite: Invite) -> None:
    people = (
        "anyone with it"
        if invite.max_uses is None
        else "one person"
        if invite.max_uses == 1
        else f"up to {invite.max_uses} people"
    )
    messages.success(
        request,
        f"New invite link created, for {people}; it works until "
        f"{timezone.localtime(invite.expires_at):%d %B %Y}. "
        "Copy it from the list below.",
    )


def _invite_url(invite: Invite) -> str:
    return reverse("circles:invite_accept", kwargs={"token": invite_token(invite)})


@_circle_action
def invite_revoke(request, slug, pk):
    circle = circle_for_moderator(request.user, slug)
    invite = get_object_or_404(Invite.objects.select_related("circle"), pk=pk, circle=circle)
    invite_revoke_service(actor=request.user, invite=invite)
    messages.success(request, "The invite link is withdrawn: it no longer works.")
    return redirect("circles:invites", slug=circle.slug)


@require_http_methods(["GET", "POST"])
def invite_accept(request, token):
    try:
        invite = invite_from_token(token)
    except MembershipError as error:
        return render(
            request, "circles/invite_accept.html", {"invite_error": str(error)}, status=404
        )
    circle = invite.circle
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return render(request, "circles/invite_accept.html", {"circle": circle, "invite": invite})
    if request.method == "POST":
        join = partial(membership_join_by_invite, user=request.user, token=token)
        return _joined(request, circle, join)
    return _invite_page(request, invite)


def _invite_page(request, invite: Invite):
    """The invite as a signed-in person sees it: whether she is in already, or it is full."""
    circle = invite.circle
    membership = membership_of(request.user, circle)
    taken = Membership.objects.active().filter(circle=circle).count()
    return render(
        request,
        "circles/invite_accept.html",
        {
            "circle": circle,
            "invite": invite,
            "membership": membership,
            "is_full": taken >= circle.capacity,
            "already_member": membership is not None and membership.state == MembershipState.ACTIVE,
        },
    )
