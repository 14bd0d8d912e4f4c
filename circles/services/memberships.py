"""Joining circles, requests with an entry question, invite links, and the facilitator
decisions that go with them (announced through ``circles.signals``, which facilitation
records in its audit log).

Every change that counts active members locks the circle row first
(``select_for_update``), so two people taking the last place at the same moment cannot
push a circle over its capacity. On SQLite the IMMEDIATE transaction mode serialises
writers to the same effect.
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from circles import signals
from circles.models import (
    DECISION_REASON_MAX,
    Circle,
    Invite,
    JoinPolicy,
    Membership,
    MembershipKind,
    MembershipState,
)
from circles.permissions import require_moderator
from members.models import User
from school.limits import model_limit

INVITE_SALT = "circles.invite"
INVITE_DAYS_MAX = 60
INVITE_USES_MAX = 100
DECLINE_REASON_MAX = DECISION_REASON_MAX
ENTRY_ANSWER_MAX = model_limit(Membership, "entry_answer")


class MembershipError(ValidationError):
    """A membership change that cannot happen, with a message for the person who tried."""

    def __str__(self) -> str:
        return self.messages[0]


# --- helpers ----------------------------------------------------------------------------------


def _locked(circle: Circle) -> Circle:
    """The circle row, locked until the end of the transaction."""
    return Circle.objects.select_for_update().get(pk=circle.pk)


def _active_count(circle: Circle) -> int:
    return Membership.objects.filter(circle=circle, state=MembershipState.ACTIVE).count()


def _ensure_writable(circle: Circle) -> None:
    if circle.is_archived:
        raise MembershipError(
            f"{circle.name} is archived: it is read-only and takes no new members."
        )


def _ensure_room(circle: Circle) -> None:
    taken = _active_count(circle)
    if taken >= circle.capacity:
        raise MembershipError(
            f"{circle.name} is full ({taken} of {circle.capacity} places taken), "
            "so it cannot admit anyone just now."
        )


def _existing(*, user: User, circle: Circle) -> Membership | None:
    return Membership.objects.select_for_update().filter(member=user, circle=circle).first()


def _refuse_if_removed(membership: Membership | None, circle: Circle) -> None:
    if membership is not None and membership.state == MembershipState.REMOVED:
        raise MembershipError(
            f"You were removed from {circle.name}. Please contact its facilitators "
            "if you think this was a mistake."
        )


def _activate(
    *, membership: Membership | None, user: User, circle: Circle, decided_by: User | None
) -> Membership:
    """Make ``user`` an active member, reusing their one membership row if there is one."""
    now = timezone.now()
    if membership is None:
        membership = Membership(member=user, circle=circle, created_at=now)
    membership.kind = MembershipKind.MEMBER
    membership.state = MembershipState.ACTIVE
    membership.joined_at = now
    membership.decided_by = decided_by
    membership.save()
    return membership


# --- members ----------------------------------------------------------------------------------


@transaction.atomic
def membership_join(*, user: User, circle: Circle) -> Membership:
    """Join an open circle straight away. Joining again while active changes nothing."""
    circle = _locked(circle)
    _ensure_writable(circle)
    membership = _existing(user=user, circle=circle)
    if membership is not None and membership.is_active:
        return membership
    if circle.join_policy == JoinPolicy.REQUEST:
        raise MembershipError(
            f"{circle.name} asks an entry question: please request to join instead."
        )
    if circle.join_policy == JoinPolicy.INVITE:
        raise MembershipError(
            f"{circle.name} is invite only: ask a facilitator for an invite link."
        )
    _refuse_if_removed(membership, circle)
    _ensure_room(circle)
    return _activate(membership=membership, user=user, circle=circle, decided_by=None)


@transaction.atomic
def membership_request(*, user: User, circle: Circle, answer: str) -> Membership:
    """Ask to join a circle with the request policy, answering its entry question.
    Asking again while pending updates the answer."""
    answer = (answer or "").strip()
    circle = _locked(circle)
    _ensure_writable(circle)
    if circle.join_policy == JoinPolicy.OPEN:
        raise MembershipError(f"{circle.name} is open: you can join it straight away.")
    if circle.join_policy == JoinPolicy.INVITE:
        raise MembershipError(
            f"{circle.name} is invite only: ask a facilitator for an invite link."
        )
    if not answer:
        raise MembershipError("Please answer the entry question.")
    if len(answer) > ENTRY_ANSWER_MAX:
        raise MembershipError(
            f"Please keep your answer to {ENTRY_ANSWER_MAX} characters (it has {len(answer)})."
        )
    membership = _existing(user=user, circle=circle)
    if membership is not None and membership.is_active:
        raise MembershipError(f"You are already a member of {circle.name}.")
    _refuse_if_removed(membership, circle)
    _ensure_room(circle)
    if membership is None:
        membership = Membership(member=user, circle=circle)
    membership.kind = MembershipKind.MEMBER
    membership.state = MembershipState.PENDING
    membership.entry_answer = answer
    membership.created_at = timezone.now()
    membership.decided_by = None
    membership.save()
    signals.join_requested.send(sender=Membership, membership=membership)
    return membership


@transaction.atomic
def membership_leave(*, user: User, circle: Circle) -> Membership:
    """Leave a circle, or withdraw a pending request. The row stays (state "left") so a
    later rejoin reuses it."""
    circle = _locked(circle)
    membership = _existing(user=user, circle=circle)
    if membership is None or membership.state not in (
        MembershipState.ACTIVE,
        MembershipState.PENDING,
    ):
        raise MembershipError(f"You are not a member of {circle.name}.")
    if membership.is_facilitator:
        others = (
            Membership.objects.active().filter(circle=circle).exclude(pk=membership.pk).exists()
        )
        other_facilitators = (
            Membership.objects.facilitators()
            .filter(circle=circle)
            .exclude(pk=membership.pk)
            .exists()
        )
        if others and not other_facilitators:
            raise MembershipError(
                f"You are the only facilitator of {circle.name}. Please ask the school's "
                "staff to appoint another facilitator before you leave."
            )
    membership.state = MembershipState.LEFT
    membership.kind = MembershipKind.MEMBER
    membership.save(update_fields=["state", "kind", "updated_at"])
    return membership


# --- facilitator decisions --------------------------------------------------------------------


def _pending_locked(*, actor: User, membership: Membership) -> tuple[Circle, Membership]:
    circle = _locked(membership.circle)
    require_moderator(actor, circle)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("member__profile")
        .get(pk=membership.pk)
    )
    if membership.state != MembershipState.PENDING:
        raise MembershipError(
            f"The request from {membership.member.display_name} has already been decided."
        )
    return circle, membership


@transaction.atomic
def membership_admit(*, actor: User, membership: Membership) -> Membership:
    circle, membership = _pending_locked(actor=actor, membership=membership)
    _ensure_writable(circle)
    _ensure_room(circle)
    membership.state = MembershipState.ACTIVE
    membership.joined_at = timezone.now()
    membership.decided_by = actor
    membership.save(update_fields=["state", "joined_at", "decided_by", "updated_at"])
    signals.join_request_decided.send(
        sender=Membership, actor=actor, membership=membership, admitted=True, reason=""
    )
    return membership


@transaction.atomic
def membership_decline(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    reason = (reason or "").strip()
    if len(reason) > DECLINE_REASON_MAX:
        raise MembershipError(f"Please keep the reason to {DECLINE_REASON_MAX} characters.")
    circle, membership = _pending_locked(actor=actor, membership=membership)
    membership.state = MembershipState.DECLINED
    membership.decided_by = actor
    membership.save(update_fields=["state", "decided_by", "updated_at"])
    signals.join_request_decided.send(
        sender=Membership, actor=actor, membership=membership, admitted=False, reason=reason
    )
    return membership


# --- invite links -----------------------------------------------------------------------------


@transaction.atomic
def invite_create(
    *, actor: User, circle: Circle, days: int = 14, max_uses: int | None = None
) -> Invite:
    """A new invite link, valid for ``days``, for ``max_uses`` people (1: single use;
    None: anyone with the link until it expires)."""
    require_moderator(actor, circle)
    _ensure_writable(circle)
    if not 1 <= int(days) <= INVITE_DAYS_MAX:
        raise MembershipError(f"An invite link lasts between 1 and {INVITE_DAYS_MAX} days.")
    if max_uses is not None and not 1 <= int(max_uses) <= INVITE_USES_MAX:
        raise MembershipError(
            f"An invite link is for between 1 and {INVITE_USES_MAX} people, "
            "or for anyone with the link."
        )
    now = timezone.now()
    invite = Invite.objects.create(
        circle=circle,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=days),
        max_uses=max_uses,
    )
    signals.invite_created.send(sender=Invite, actor=actor, invite=invite)
    return invite


@transaction.atomic
def invite_revoke(*, actor: User, invite: Invite) -> Invite:
    require_moderator(actor, invite.circle)
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.revoked_at is not None:
        return invite
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at"])
    signals.invite_revoked.send(sender=Invite, actor=actor, invite=invite)
    return invite


def invite_token(invite: Invite) -> str:
    """The signed token that goes into the invite URL."""
    return signing.Signer(salt=INVITE_SALT).sign(invite.key)


def invite_from_token(token: str) -> Invite:
    """The usable invite behind ``token``; a clear ``MembershipError`` if the link was
    altered, revoked or has expired."""
    try:
        key = signing.Signer(salt=INVITE_SALT).unsign(token)
    except signing.BadSignature:
        raise MembershipError(
            "This invite link is not valid. It may have been copied incompletely; "
            "please ask the facilitator for a new one."
        ) from None
    invite = Invite.objects.select_related("circle").filter(key=key).first()
    if invite is None:
        raise MembershipError("This invite link is not valid any more.")
    if invite.revoked_at is not None:
        raise MembershipError(
            "This invite link was withdrawn by the circle's facilitators. "
            "Please ask them for a new one."
        )
    if invite.is_used_up:
        raise MembershipError(_used_up_message(invite))
    if not invite.is_usable():
        raise MembershipError(
            f"This invite link expired on {timezone.localtime(invite.expires_at):%d %B %Y}. "
            "Please ask the facilitator for a new one."
        )
    return invite


def _used_up_message(invite: Invite) -> str:
    people = "one person" if invite.max_uses == 1 else f"{invite.max_uses} people"
    return (
        f"This invite link was for {people}, and it has been used. "
        "Please ask the facilitator for a new one."
    )


@transaction.atomic
def membership_join_by_invite(*, user: User, token: str) -> Membership:
    """Join through an invite link, whatever the circle's join policy."""
    invite = invite_from_token(token)
    circle = _locked(invite.circle)
    _ensure_writable(circle)
    membership = _existing(user=user, circle=circle)
    if membership is not None and membership.is_active:
        return membership
    _refuse_if_removed(membership, circle)
    _ensure_room(circle)
    # Count this use only while the link has uses left, in one UPDATE, so two people
    # using the last place on a link at once cannot both get in.
    counted = (
        Invite.objects.filter(pk=invite.pk)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if not counted:
        raise MembershipError(_used_up_message(invite))
    membership = _activate(
        membership=membership, user=user, circle=circle, decided_by=invite.created_by
    )
    return membership
