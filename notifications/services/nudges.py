"""Nudges: short emails that help someone take the next step.

- commitment due: a log's next step passed its date and its author wrote no follow-up;
- unanswered log: no response after 48 hours → one or two peers, in fair rotation;
- quiet member: no log in a circle for 14 days → one gentle nudge, at most every 14 days;
- facilitator: a report or join request has waited more than 48 hours.

Each member is nudged in her own morning (``MORNING_HOURS`` on her clock, from her
profile's time zone), and "today" and "due" are her local dates. Each nudge claims a
``NudgeDelivery`` row first: unique per (member, kind, subject) and per (member, local
day), so nobody gets the same nudge twice or more than one nudge a day. A failed send
deletes the claim, and the next hourly sweep tries again.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from circles.models import Membership
from circles.text import excerpt_html, excerpt_text
from notifications import emails
from notifications.claims import claim_insert, claimed_send
from notifications.models import NudgeDelivery, NudgeKind, claims_stale
from notifications.selectors import (
    circles_with_waiting_work,
    commitments_due,
    facilitators_of,
    local_days_in_morning,
    logs_unanswered,
    members_quiet,
    peers_to_ask,
)
from notifications.services.inbox import commitments_due_record

logger = logging.getLogger(__name__)

PEERS_PER_LOG = 2
QUIET_DAYS = 14


@dataclass
class SweepResult:
    sent: dict = field(default_factory=dict)
    held: int = 0  # claim refused: already nudged today, or about this before
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def nudge_deliver(
    *, member, kind: str, subject_key: str, today: dt.date, context: dict, circle=None, log=None
) -> bool:
    """Claim, send, mark sent; on failure release the claim. Returns whether it was sent."""
    claim = claim_insert(
        NudgeDelivery,
        member_id=member.pk,
        kind=kind,
        subject_key=subject_key,
        day=today,
        circle_id=getattr(circle, "pk", None),
        log_id=getattr(log, "pk", None),
    )
    if claim is None:
        return False
    message = emails.message_build(
        template=f"nudge_{kind}",
        context={"member": member, **context},
        to=member.email,
        member_id=member.pk,
        email_type="nudges",
    )
    claimed_send(message, NudgeDelivery.objects.filter(pk=claim.pk))
    return True


def _try(result: SweepResult, kind: str, **kwargs) -> bool:
    try:
        ok = nudge_deliver(kind=kind, **kwargs)
    except Exception:
        logger.exception("Nudge %s to member %s failed", kind, kwargs["member"].pk)
        result.failed += 1
        return False
    if ok:
        result.sent[kind] = result.sent.get(kind, 0) + 1
    else:
        result.held += 1
    return ok


def nudges_send_due(*, now: dt.datetime | None = None) -> SweepResult:
    """The hourly sweep: every nudge that is due to members whose morning it is,
    facilitators' first, then commitments, then requests to respond, then quiet members (a
    member gets at most one a day)."""
    now = now or timezone.now()
    result = SweepResult()
    _stale_claims_release(now=now)
    # Time zone → its date today, for the zones where it is morning: who is nudged now.
    local_days = local_days_in_morning(now=now)
    if not local_days:
        return result
    for step in (
        _facilitators_nudge,
        _commitments_nudge,
        _unanswered_logs_nudge,
        _quiet_members_nudge,
    ):
        step(result=result, now=now, local_days=local_days)
    return result


def _stale_claims_release(*, now: dt.datetime) -> None:
    """A claim whose worker died before sending (or marking it sent) is released."""
    claims_stale(NudgeDelivery, now=now).delete()


def _today_of(member, local_days: dict) -> dt.date:
    return local_days[member.profile.time_zone]


def _facilitators_nudge(*, result: SweepResult, now: dt.datetime, local_days: dict) -> None:
    """Facilitators: reports or join requests waiting more than 48 hours."""
    waiting = circles_with_waiting_work(now=now)
    if not waiting:
        return
    for fm in facilitators_of(circle_ids=list(waiting), zones=list(local_days)):
        work = waiting[fm.circle_id]
        _try(
            result,
            NudgeKind.FACILITATOR_WAITING,
            member=fm.member,
            subject_key=f"circle:{fm.circle_id}:{work.oldest_key}",
            today=_today_of(fm.member, local_days),
            circle=fm.circle,
            context={
                "circle": fm.circle,
                "work": work,
                "queue_url": emails.queue_url(fm.circle),
            },
        )


def _commitments_nudge(*, result: SweepResult, now: dt.datetime, local_days: dict) -> None:
    """Commitments that fell due with no follow-up: told in the app once, and by email."""
    logs = list(commitments_due(local_days=local_days))
    commitments_due_record(logs=logs)
    for log in logs:
        _log_nudge(
            result,
            NudgeKind.COMMITMENT_DUE,
            member=log.author,
            log=log,
            local_days=local_days,
            due=date_format(log.next_step_due, "j F Y"),
            next_step=excerpt_text(log.next_step_html, 300, base_url=settings.SITE_URL),
            next_step_html=excerpt_html(log.next_step_html, 60),
            follow_up_url=emails.log_follow_up_url(log),
        )


def _log_nudge(result: SweepResult, kind: str, *, member, log, local_days: dict, **context) -> bool:
    """A nudge to ``member`` about ``log`` (at most one per member, kind and log), its
    email given the log, its link and ``context``."""
    return _try(
        result,
        kind,
        member=member,
        subject_key=_log_key(log),
        today=_today_of(member, local_days),
        circle=log.circle,
        log=log,
        context={"log": log, "log_url": emails.log_url(log), **context},
    )


def _log_key(log) -> str:
    return f"log:{log.pk}"


def _unanswered_logs_nudge(*, result: SweepResult, now: dt.datetime, local_days: dict) -> None:
    """Logs with no response after 48 hours: ask one or two peers, least recently asked
    first."""
    for log in logs_unanswered(now=now):
        asked = set(
            NudgeDelivery.objects.filter(
                kind=NudgeKind.UNANSWERED_LOG, subject_key=_log_key(log)
            ).values_list("member_id", flat=True)
        )
        wanted = PEERS_PER_LOG - len(asked)
        if wanted <= 0:
            continue
        peers = peers_to_ask(log=log, exclude_member_ids=asked, zones=list(local_days))
        for membership in peers:
            if wanted <= 0:
                break
            if _peer_ask(
                result=result, now=now, local_days=local_days, log=log, membership=membership
            ):
                wanted -= 1


def _peer_ask(*, result: SweepResult, now: dt.datetime, local_days: dict, log, membership) -> bool:
    sent = _log_nudge(
        result,
        NudgeKind.UNANSWERED_LOG,
        member=membership.member,
        log=log,
        local_days=local_days,
        excerpt=excerpt_text(log.situation_html, 240, base_url=settings.SITE_URL),
        excerpt_html=excerpt_html(log.situation_html, 50),
        ask=excerpt_text(log.ask_html, 240, base_url=settings.SITE_URL),
        ask_html=excerpt_html(log.ask_html, 50),
        hours=int((now - log.published_at).total_seconds() // 3600),
    )
    if sent:
        Membership.objects.filter(pk=membership.pk).update(last_asked_to_respond_at=now)
    return sent


def _quiet_members_nudge(*, result: SweepResult, now: dt.datetime, local_days: dict) -> None:
    """Quiet members: no log in the circle for 14 days, at most one nudge per 14 days."""
    recently = set(
        NudgeDelivery.objects.filter(
            kind=NudgeKind.QUIET_MEMBER, claimed_at__gte=now - dt.timedelta(days=QUIET_DAYS)
        ).values_list("member_id", "circle_id")
    )
    for membership in members_quiet(now=now, days=QUIET_DAYS, zones=list(local_days)):
        if (membership.member_id, membership.circle_id) in recently:
            continue
        today = _today_of(membership.member, local_days)
        _try(
            result,
            NudgeKind.QUIET_MEMBER,
            member=membership.member,
            subject_key=f"circle:{membership.circle_id}:{today.isoformat()}",
            today=today,
            circle=membership.circle,
            context={
                "circle": membership.circle,
                "circle_url": emails.circle_url(membership.circle),
                "new_log_url": emails.log_create_url(membership.circle),
            },
        )
