"""Action logs: drafts first, then publish; edits after publishing are marked "edited".

The circle comes from the URL and the author from ``request.user``: nothing a form says
about who or where is trusted. Every write runs ``full_clean()`` inside one transaction,
so a log is either saved whole (fields, tags, chain) or not at all.
"""

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from circles.mentions import mentions_to_notify
from circles.models import LOG_TEXT_FIELDS, ActionLog, Circle, LogState
from circles.permissions import can_edit_log, can_post_in, can_view_log
from circles.signals import mentioned
from circles.tags import tags_clean
from members.local_time import member_today
from members.models import User
from school.limits import model_limit

# The fields a writer fills in (the circle, author, state and chain are never taken from data).
LOG_FIELDS = ("title", *LOG_TEXT_FIELDS, "next_step_due")
# A draft needs only its title; these are also needed before the circle sees the log.
NEEDED_TO_PUBLISH = ("situation", "action")


def check_text_lengths(instance, names) -> None:
    """Model TextFields do not enforce ``max_length`` in ``full_clean()``: do it here, with
    the same message the forms give."""
    errors = {}
    for name in names:
        limit = model_limit(type(instance), name)
        value = getattr(instance, name) or ""
        if limit and len(value) > limit:
            errors[name] = f"Please keep this to {limit} characters (it has {len(value)})."
    if errors:
        raise ValidationError(errors)


def log_publish_problems(
    *, values: Mapping, today: dt.date, kept_due: dt.date | None = None
) -> dict[str, str]:
    """What stops these values from being published, by field (empty when nothing does).

    Publishing needs a situation and an action, and a commitment dated today or later
    (``today`` in the author's own time zone). ``kept_due`` is the date an already
    published log has: keeping it unchanged is fine even once it has passed."""
    problems = {}
    for name in NEEDED_TO_PUBLISH:
        if not (values.get(name) or "").strip():
            problems[name] = "Please fill this in to publish (a draft can leave it empty)."
    due = values.get("next_step_due")
    if due is not None and due < today and due != kept_due:
        problems["next_step_due"] = (
            f"This date has passed. To publish, choose today ({today.day} {today:%b %Y}) or later, "
            "or save the log as a draft."
        )
    return problems


def _refuse_unless_publishable(log: ActionLog, *, kept_due: dt.date | None = None) -> None:
    values = {name: getattr(log, name) for name in LOG_FIELDS}
    problems = log_publish_problems(
        values=values, today=member_today(log.author), kept_due=kept_due
    )
    if problems:
        raise ValidationError(problems)


def _clean_tags(tags: list[str]) -> list[str]:
    try:
        return tags_clean(tags)
    except ValidationError as error:
        raise ValidationError({"tags": error.messages}) from None


def log_check_follows(*, author: User, follows: ActionLog | None, log: ActionLog | None = None):
    """A log may follow only an earlier, published log by the same author (in any circle the
    author can see), and never itself or one of its own follow-ups."""
    if follows is None:
        return
    if follows.author_id != author.pk:
        raise ValidationError({"follows": "A log can only follow up one of your own logs."})
    if not can_view_log(author, follows):
        raise ValidationError({"follows": "That earlier log is not available."})
    if not follows.is_published:
        raise ValidationError({"follows": "A log can only follow up a published log."})
    if log is not None and log.pk is not None:
        if follows.pk == log.pk:
            raise ValidationError({"follows": "A log cannot follow itself."})
        if follows.created_at >= log.created_at:
            raise ValidationError({"follows": "A log can only follow an earlier log."})
        # Walk back from the earlier log: meeting this log would make a loop.
        seen, step = set(), follows
        while step is not None and step.pk not in seen:
            if step.pk == log.pk:
                raise ValidationError({"follows": "That would make the chain go round in a loop."})
            seen.add(step.pk)
            step = step.follows


def _fill(log: ActionLog, data: dict) -> bool:
    """Copy the writer's fields onto the log; return whether anything changed."""
    changed = False
    for name in LOG_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if value is None and name != "next_step_due":
            value = ""
        if getattr(log, name) != value:
            setattr(log, name, value)
            changed = True
    return changed


@transaction.atomic
def log_create(
    *,
    author: User,
    circle: Circle,
    data: dict,
    tags: list[str],
    follows: ActionLog | None = None,
    publish: bool = False,
) -> ActionLog:
    """Save a new log as a draft (or publish it at once with ``publish=True``)."""
    if not can_post_in(author, circle):
        raise PermissionDenied("Only active members of an active circle can write logs in it.")
    log_check_follows(author=author, follows=follows)
    now = timezone.now()
    log = ActionLog(circle=circle, author=author, follows=follows, created_at=now)
    _fill(log, data)
    if publish:
        _refuse_unless_publishable(log)
        log.state = LogState.PUBLISHED
        log.published_at = now
    check_text_lengths(log, LOG_TEXT_FIELDS)
    log.full_clean(exclude=["tags"])
    log.save()
    log.tags.set(_clean_tags(tags))
    if publish:
        mentions_announce(actor=author, log=log)
    return log


def _refuse_unless_author(author: User, log: ActionLog):
    if not can_edit_log(author, log):
        raise PermissionDenied("Only the author can change this log.")
    if not can_post_in(author, log.circle):
        raise PermissionDenied(
            "This circle is archived, or you are no longer a member: the log is read-only."
        )


@transaction.atomic
def log_update(
    *,
    author: User,
    log: ActionLog,
    data: dict,
    tags: list[str],
    follows: ActionLog | None | bool = False,
    publish: bool = False,
) -> ActionLog:
    """Change a log. A published log that changes is marked edited (``edited_at``).
    ``follows`` left at ``False`` keeps the chain as it is. ``publish=True`` also publishes
    a draft, in the same transaction (both happen or neither)."""
    _refuse_unless_author(author, log)
    kept_due = log.next_step_due if log.is_published else None
    told_before = list(log.mentioned_ids) if log.is_published else None
    changed = _fill(log, data)
    if follows is not False and follows != log.follows:
        log_check_follows(author=author, follows=follows, log=log)
        log.follows = follows
        changed = True
    names = _clean_tags(tags)
    if names != sorted(t.name.lower() for t in log.tags.all()):
        changed = True
    if log.is_published or publish:
        _refuse_unless_publishable(log, kept_due=kept_due)
    if changed and log.is_published:
        log.edited_at = timezone.now()
    check_text_lengths(log, LOG_TEXT_FIELDS)
    log.full_clean(exclude=["tags"])
    log.save()
    log.tags.set(names)
    if log.is_published:
        mentions_announce(actor=author, log=log, before=told_before or ())
    if publish and not log.is_published:
        log = log_publish(author=author, log=log)
    return log


@transaction.atomic
def log_publish(*, author: User, log: ActionLog) -> ActionLog:
    """Publish a draft: from now on the circle sees it. Refused, listing every problem,
    while it lacks what publishing needs (``log_publish_problems``)."""
    _refuse_unless_author(author, log)
    if log.is_published:
        return log
    if log.follows_id is not None:
        log_check_follows(author=author, follows=log.follows, log=log)
    _refuse_unless_publishable(log)
    log.state = LogState.PUBLISHED
    log.published_at = timezone.now()
    check_text_lengths(log, LOG_TEXT_FIELDS)
    log.full_clean(exclude=["tags"])
    log.save(update_fields=["state", "published_at", "updated_at"])
    mentions_announce(actor=author, log=log)
    return log


def mentions_announce(*, actor: User, log: ActionLog, response=None, before=()) -> list[int]:
    """Announce whom a just-published (or edited) log or response mentions: the first
    ``MENTIONS_NOTIFIED`` members other than its writer, less those told before."""
    text = response if response is not None else log
    ids = mentions_to_notify(writer_id=actor.pk, mentioned_ids=text.mentioned_ids, before=before)
    if ids:
        mentioned.send(sender=type(text), actor=actor, log=log, response=response, member_ids=ids)
    return ids
