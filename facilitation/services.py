"""Facilitators' decisions: reports, hiding, pinning, locking, members and circle settings.

Every decision checks ``can_moderate`` (the circle's active facilitators and staff, checked
afresh on each call) and is recorded by ``moderation_record``: who, what, target, why, when.
Join requests and invite links are decided in ``circles.services.memberships``, which
announces them (``circles.signals``); ``facilitation.receivers`` records them the same way.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from circles.models import (
    ActionLog,
    Circle,
    CircleStatus,
    Membership,
    MembershipKind,
    MembershipState,
    Response,
)
from circles.permissions import (
    can_read_circle,
    can_view_log,
    can_view_response,
    require_moderator,
)
from circles.signals import content_moderated, report_decided, report_filed
from circles.tags import tags_clean
from facilitation.models import ModerationAction, ModerationVerb, Report, ReportReason, ReportState
from members.models import User
from school.limits import model_limit


def _label(text: str) -> str:
    """What a decision was about, on one line, cut with an ellipsis to fit its field."""
    limit = model_limit(ModerationAction, "target_label")
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _response_label(response: Response) -> str:
    return (
        f"{response.get_kind_display()} by {response.author.display_name} on “{response.log.title}”"
    )


def moderation_record(
    *,
    circle: Circle,
    actor: User,
    verb: str,
    reason: str = "",
    log: ActionLog | None = None,
    response: Response | None = None,
    member: User | None = None,
    label: str = "",
) -> ModerationAction:
    """Write one entry of the circle's audit log: every decision (here and the ones circles
    announces) is recorded through this, inside the decision's transaction. The reason is
    kept as written up to its field's length; the label is put on one line and cut with an
    ellipsis."""
    return ModerationAction.objects.create(
        circle=circle,
        actor=actor,
        verb=verb,
        reason=reason[: model_limit(ModerationAction, "reason")],
        target_log=log,
        target_response=response,
        target_member=member,
        target_label=_label(label),
    )


def _record_content(
    *, circle: Circle, actor: User, verb: str, reason: str, log=None, response=None
) -> ModerationAction:
    """Record a decision about a log or a response, naming its author and what it was."""
    target = log if log is not None else response
    label = f"Log “{log.title}”" if log is not None else _response_label(response)
    return moderation_record(
        circle=circle,
        actor=actor,
        verb=verb,
        reason=reason,
        log=log,
        response=response,
        member=target.author,
        label=label,
    )


def _target(*, log: ActionLog | None, response: Response | None) -> ActionLog | Response:
    if (log is None) == (response is None):
        raise ValueError("Pass exactly one of log or response.")
    return log if log is not None else response


def _locked(
    *, log: ActionLog | None, response: Response | None
) -> tuple[ActionLog | None, Response | None]:
    """Fresh copies, locked until the transaction ends: two facilitators deciding at once
    take turns, and the second sees the first one's decision."""
    if log is not None:
        log = (
            ActionLog.objects.select_for_update(of=("self",))
            .select_related("circle", "author__profile")
            .get(pk=log.pk)
        )
    if response is not None:
        response = (
            Response.objects.select_for_update(of=("self",))
            .select_related("log__circle", "author__profile")
            .get(pk=response.pk)
        )
    return log, response


def _circle_of(target: ActionLog | Response) -> Circle:
    return target.circle if isinstance(target, ActionLog) else target.log.circle


# --- reports (any member) ---------------------------------------------------------------------


@transaction.atomic
def report_create(
    *,
    reporter: User,
    log: ActionLog | None = None,
    response: Response | None = None,
    reason: str,
    details: str = "",
) -> tuple[Report, bool]:
    """Report a log or a response the reporter can see in their circle. Reporting the same
    thing twice is harmless: the first report is kept and ``(report, False)`` returned."""
    target = _target(log=log, response=response)
    circle = _circle_of(target)
    visible = (
        can_view_log(reporter, log) if log is not None else can_view_response(reporter, response)
    )
    if not (visible and can_read_circle(reporter, circle)):
        raise PermissionDenied("You can only report what you can see in your circles.")
    if reason not in ReportReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    lookup = {"log": log} if log is not None else {"response": response}
    existing = Report.objects.filter(reporter=reporter, **lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                circle=circle,
                reporter=reporter,
                reason=reason,
                details=details.strip()[: model_limit(Report, "details")],
                **lookup,
            )
    except IntegrityError:  # a concurrent double submit: the other one won
        return Report.objects.get(reporter=reporter, **lookup), False
    report_filed.send(sender=Report, reporter=reporter, circle=circle, log=log, response=response)
    return report, True


def _resolve_reports(*, actor: User, target: ActionLog | Response, state: str) -> int:
    lookup = {"log": target} if isinstance(target, ActionLog) else {"response": target}
    return Report.objects.filter(state=ReportState.OPEN, **lookup).update(
        state=state, resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, reason: str = "") -> int:
    """Dismiss a report, and with it every open report on the same log or response (the
    decision is about the content). Returns how many reports were dismissed."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "circle", "log__author__profile", "response__log", "response__author__profile"
        )
        .get(pk=report.pk)
    )
    require_moderator(actor, report.circle)
    if report.state != ReportState.OPEN:
        raise ValidationError("This report has already been dealt with.")
    target = report.log if report.log_id else report.response
    count = _resolve_reports(actor=actor, target=target, state=ReportState.DISMISSED)
    _record_content(
        circle=report.circle,
        actor=actor,
        verb=ModerationVerb.DISMISS,
        reason=reason,
        log=report.log,
        response=report.response,
    )
    report_decided.send(sender=Report, actor=actor, log=report.log, response=report.response)
    return count


# --- hiding and restoring -----------------------------------------------------------------------


@transaction.atomic
def content_hide(
    *, actor: User, log: ActionLog | None = None, response: Response | None = None, reason: str
) -> ActionLog | Response:
    """Hide a log or a response with a reason its author sees. The text is kept. Open
    reports on it are resolved as actioned."""
    return _visibility_set(actor=actor, log=log, response=response, hidden=True, reason=reason)


@transaction.atomic
def content_restore(
    *, actor: User, log: ActionLog | None = None, response: Response | None = None, reason: str = ""
) -> ActionLog | Response:
    """Show a hidden log or response to members again."""
    return _visibility_set(actor=actor, log=log, response=response, hidden=False, reason=reason)


def _visibility_set(
    *, actor: User, log: ActionLog | None, response: Response | None, hidden: bool, reason: str
) -> ActionLog | Response:
    """Lock → check → hide or show → resolve reports (on hiding) → record → announce."""
    log, response = _locked(log=log, response=response)
    target = _target(log=log, response=response)
    circle = _circle_of(target)
    require_moderator(actor, circle)
    if hidden:
        reason = " ".join(reason.split())
        if not reason:
            raise ValidationError({"reason": "Say why, in a few words: the author will see it."})
    if target.is_hidden == hidden:
        raise ValidationError("This is already hidden." if hidden else "This is not hidden.")
    target.is_hidden = hidden
    target.hidden_reason = reason[: model_limit(type(target), "hidden_reason")] if hidden else ""
    target.save(update_fields=["is_hidden", "hidden_reason"])
    if hidden:
        _resolve_reports(actor=actor, target=target, state=ReportState.ACTIONED)
    _record_content(
        circle=circle,
        actor=actor,
        verb=ModerationVerb.HIDE if hidden else ModerationVerb.RESTORE,
        reason=reason,
        log=log,
        response=response,
    )
    content_moderated.send(
        sender=type(target), actor=actor, log=log, response=response, hidden=hidden, reason=reason
    )
    report_decided.send(sender=Report, actor=actor, log=log, response=response)
    return target


# --- pinning and locking logs -----------------------------------------------------------------


# flag → (the log's field, set or cleared, the verb recorded)
LOG_FLAGS = {
    "pin": ("pinned_at", True, ModerationVerb.PIN),
    "unpin": ("pinned_at", False, ModerationVerb.UNPIN),
    "lock": ("locked_at", True, ModerationVerb.LOCK),
    "unlock": ("locked_at", False, ModerationVerb.UNLOCK),
}


@transaction.atomic
def log_flag_set(*, actor: User, log: ActionLog, flag: str, reason: str = "") -> ActionLog:
    """Pin a log to the top of the circle feed, or lock it (no new responses:
    ``circles.permissions.can_respond`` refuses them), or undo either (``LOG_FLAGS``)."""
    field, on, verb = LOG_FLAGS[flag]
    log, _ = _locked(log=log, response=None)
    require_moderator(actor, log.circle)
    if not log.is_published:
        raise ValidationError("Only published logs can be pinned or locked.")
    if (getattr(log, field) is not None) == on:
        raise ValidationError("Nothing to change: it already is.")
    setattr(log, field, timezone.now() if on else None)
    log.save(update_fields=[field])
    moderation_record(
        circle=log.circle,
        actor=actor,
        verb=verb,
        reason=reason,
        log=log,
        label=f"Log “{log.title}”",
    )
    return log


# --- members and facilitators -----------------------------------------------------------------


def _membership_locked(membership: Membership) -> Membership:
    """The circle row, then the membership row, both locked until the transaction ends.

    Every change to who facilitates a circle (promote, demote, remove, and leaving in
    ``circles.services.memberships``) takes the circle's lock first, so two of them on the
    same circle take turns: the second one checks "at least one facilitator" and the
    actor's powers against what the first one committed.
    """
    circle = Circle.objects.select_for_update().get(pk=membership.circle_id)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("member__profile")
        .get(pk=membership.pk)
    )
    membership.circle = circle
    return membership


def _other_active_facilitators(membership: Membership) -> bool:
    return (
        Membership.objects.facilitators()
        .filter(circle_id=membership.circle_id)
        .exclude(pk=membership.pk)
        .exists()
    )


def _membership_change(
    *,
    actor: User,
    membership: Membership,
    verb: str,
    reason: str,
    check: Callable[[Membership], None],
    **changes: Any,
) -> Membership:
    """One change to who is in the circle or facilitates it: lock the circle and the
    membership (``_membership_locked``), check the actor's powers and then ``check`` (which
    raises ValidationError) against what is committed, save ``changes``, record it."""
    membership = _membership_locked(membership)
    require_moderator(actor, membership.circle)
    check(membership)
    for name, value in changes.items():
        setattr(membership, name, value)
    membership.save(update_fields=[*changes, "updated_at"])
    moderation_record(
        circle=membership.circle,
        actor=actor,
        verb=verb,
        reason=reason,
        member=membership.member,
        label=membership.member.display_name,
    )
    return membership


def _removal_check(*, actor: User, reason: str) -> Callable[[Membership], None]:
    def check(membership: Membership) -> None:
        if not reason:
            raise ValidationError({"reason": "Say why, in a few words: it is recorded."})
        if membership.state != MembershipState.ACTIVE:
            raise ValidationError("Only active members can be removed.")
        if membership.member_id == actor.pk:
            raise ValidationError("You cannot remove yourself; step down or leave instead.")
        if membership.kind == MembershipKind.FACILITATOR:
            _keeps_a_facilitator(membership)

    return check


def _keeps_a_facilitator(membership: Membership) -> None:
    if not _other_active_facilitators(membership):
        raise ValidationError("A circle needs a facilitator: make someone else one first.")


def _promotion_check(membership: Membership) -> None:
    if membership.state != MembershipState.ACTIVE:
        raise ValidationError("Only active members can become facilitators.")
    if membership.kind == MembershipKind.FACILITATOR:
        raise ValidationError("They already facilitate this circle.")


def _demotion_check(membership: Membership) -> None:
    if not membership.is_facilitator:
        raise ValidationError("They do not facilitate this circle.")
    _keeps_a_facilitator(membership)


@transaction.atomic
def member_remove(*, actor: User, membership: Membership, reason: str) -> Membership:
    """Remove an active member (or co-facilitator) from the circle. A removed facilitator
    loses their powers at once; if they ever come back, it is as a member."""
    reason = " ".join(reason.split())
    return _membership_change(
        actor=actor,
        membership=membership,
        verb=ModerationVerb.REMOVE,
        reason=reason,
        check=_removal_check(actor=actor, reason=reason),
        state=MembershipState.REMOVED,
        kind=MembershipKind.MEMBER,
        decided_by=actor,
    )


@transaction.atomic
def facilitator_promote(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """Make an active member a co-facilitator."""
    return _membership_change(
        actor=actor,
        membership=membership,
        verb=ModerationVerb.PROMOTE,
        reason=reason,
        check=_promotion_check,
        kind=MembershipKind.FACILITATOR,
    )


@transaction.atomic
def facilitator_demote(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """A facilitator steps down (or is stepped down) to member. The circle keeps at least
    one facilitator. Their powers end at once."""
    return _membership_change(
        actor=actor,
        membership=membership,
        verb=ModerationVerb.DEMOTE,
        reason=reason,
        check=_demotion_check,
        kind=MembershipKind.MEMBER,
    )


# --- the circle itself ------------------------------------------------------------------------

CIRCLE_FIELDS = (
    "name",
    "purpose",
    "join_policy",
    "entry_question",
    "capacity",
    "rhythm_weekday",
)


@transaction.atomic
def circle_update(*, actor: User, circle: Circle, data: dict[str, Any]) -> Circle:
    """Edit the circle's description, roles, tags, join policy, entry question, capacity
    and rhythm. ``data`` holds only the fields to change (a form's ``cleaned_data``)."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    require_moderator(actor, circle)
    if circle.is_archived:
        raise ValidationError("An archived circle cannot be edited.")
    changed: list[str] = []
    for name in CIRCLE_FIELDS:
        if name in data and data[name] != getattr(circle, name):
            setattr(circle, name, data[name])
            changed.append(name)
    circle.full_clean(exclude=["slug", "roles", "tags", "created_by"])
    if changed:
        circle.save()
    if "roles" in data:
        new = {r.pk for r in data["roles"]}
        if new != set(circle.roles.values_list("pk", flat=True)):
            circle.roles.set(data["roles"])
            changed.append("roles")
    if "tags" in data:
        try:
            new_tags = tags_clean(data["tags"])
        except ValidationError as error:
            raise ValidationError({"tags": error.messages}) from None
        if new_tags != sorted(name.lower() for name in circle.tags.names()):
            circle.tags.set(new_tags, clear=True)
            changed.append("tags")
    if changed:
        labels = [
            "roles"
            if n == "roles"
            else "tags"
            if n == "tags"
            else str(Circle._meta.get_field(n).verbose_name)
            for n in changed
        ]
        moderation_record(
            circle=circle,
            actor=actor,
            verb=ModerationVerb.EDIT_CIRCLE,
            reason="Changed " + ", ".join(labels),
            label=circle.name,
        )
    return circle


@transaction.atomic
def circle_archive(*, actor: User, circle: Circle, reason: str) -> Circle:
    """Archive the circle: it stays readable to its members, nobody can post in it."""
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    require_moderator(actor, circle)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why, in a few words: it is recorded."})
    if circle.is_archived:
        raise ValidationError("This circle is already archived.")
    circle.status = CircleStatus.ARCHIVED
    circle.save(update_fields=["status", "purpose_html"])
    moderation_record(
        circle=circle, actor=actor, verb=ModerationVerb.ARCHIVE, reason=reason, label=circle.name
    )
    return circle
