"""Receivers of the decisions circles announces (connected in ``FacilitationConfig.ready``):
each records the decision in the circle's audit log, in the decision's transaction."""

from facilitation.models import ModerationVerb
from facilitation.services import moderation_record


def join_request_decided(sender, *, actor, membership, admitted: bool, reason: str, **kwargs):
    moderation_record(
        circle=membership.circle,
        actor=actor,
        verb=ModerationVerb.ADMIT if admitted else ModerationVerb.DECLINE,
        reason=reason,
        member=membership.member,
        label=membership.member.display_name,
    )


def invite_created(sender, *, actor, invite, **kwargs):
    uses = "any number of people" if invite.max_uses is None else f"up to {invite.max_uses} people"
    moderation_record(
        circle=invite.circle,
        actor=actor,
        verb=ModerationVerb.INVITE_CREATE,
        label=f"Invite link #{invite.pk}, {uses}, expires {invite.expires_at:%Y-%m-%d %H:%M} UTC",
    )


def invite_revoked(sender, *, actor, invite, **kwargs):
    moderation_record(
        circle=invite.circle,
        actor=actor,
        verb=ModerationVerb.INVITE_REVOKE,
        label=f"Invite link #{invite.pk}",
    )
