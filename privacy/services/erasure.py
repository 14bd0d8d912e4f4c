"""Delete my account: in one request she is signed out everywhere, her email is free and
no email can reach her; a task then removes or anonymises everything that points at her
(walking the models, ``privacy.registry``), removes mentions of her name and email from
every text column, and deletes her account, last.

The task works in short transactions (``privacy.batches``): a batch of at most
``PRIVACY_BATCH_SIZE`` rows of one table, found by primary key, is changed and committed
together with the erasure's counts and progress (``Erasure.step``, ``batches``), so no
row that members' posts need (a log of hers, her circle's) is held for longer than one
batch; a batch slower than ``PRIVACY_BATCH_SECONDS`` makes the next one smaller. Every
step finds its rows by the filter it empties (her rows, rows naming her), so a worker
killed mid-way loses at most the batch it was writing, and the re-run (redelivery, or the
sweep) skips the steps already done and continues with what is left, changing nothing
twice. Two runs of one erasure at once take turns batch by batch (each batch locks the
erasure's row first) and share the work.

Anonymised contributions are moved to one shared, inactive "Former member" account rather
than to a tombstone of hers: her own row is deleted like any other, so nothing can sign in
as her, email her or tie her kept posts back to one person, while every author link stays
non-empty and every query that reads authors works unchanged.
"""

import html
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from circles.identifiers import identifiers_find
from circles.models import Circle, Membership, MembershipKind, MembershipState
from meetings.models import AgendaItem
from members.models import Profile, User
from privacy.batches import Pace, delete_locked, pk_pages
from privacy.models import Erasure, ErasureMode, ErasureState
from privacy.registry import Erase, Link, user_links
from privacy.services.exports import export_files_delete
from privacy.services.sessions import sessions_end
from school.enqueue import task_enqueue_on_commit

FORMER_MEMBER = "Former member"
FORMER_MEMBER_EMAIL = "former-member@erased.invalid"
EMAIL_REMOVED = "[email removed]"
# Framework tables whose text is never a member's (permission names, schedules, tags).
NOT_SCANNED = {"contenttypes", "auth", "sessions", "django_celery_beat", "taggit"}
# Tables of names and places rather than of what members wrote: another member's own
# name, a circle or role that happens to contain her name, is not a mention of her.
NOT_SCANNED_MODELS = {"members.User", "members.Profile", "members.Role", "circles.Circle"}
# Columns that identify or address something (slugs, links, tokens): never rewritten.
_NOT_TEXT = ("slug", "url", "token", "secret", "key")


logger = logging.getLogger(__name__)


class ErasureRefused(Exception):
    """She cannot be erased yet (she is the last facilitator of a circle)."""


class ErasureUnderWay(ErasureRefused):
    """Her account is already being deleted (a second submission, or a second tab)."""

    def __init__(self, message: str = "This account is already being deleted."):
        super().__init__(message)


@transaction.atomic
def former_member() -> User:
    """The one inactive account that anonymised contributions belong to."""
    user, created = User.objects.get_or_create(
        email=FORMER_MEMBER_EMAIL,
        defaults={"is_active": False, "password": make_password(None)},
    )
    if created:
        Profile.objects.create(
            user=user,
            display_name=FORMER_MEMBER,
            digest_enabled=False,
            nudges_enabled=False,
            response_emails_enabled=False,
            mention_emails_enabled=False,
            commons_emails_enabled=False,
        )
    return user


def circles_needing_handover(member: User) -> list[Circle]:
    """Active circles where she is the only facilitator and others remain."""
    active = Q(memberships__state=MembershipState.ACTIVE)
    return list(
        Circle.objects.active()
        .filter(pk__in=Membership.objects.facilitators().filter(member=member).values("circle"))
        .annotate(
            facilitators=Count(
                "memberships", filter=active & Q(memberships__kind=MembershipKind.FACILITATOR)
            ),
            members=Count("memberships", filter=active),
        )
        .filter(facilitators=1, members__gt=1)
        .order_by("name")
    )


def handover_message(circles: list[Circle]) -> str:
    names = ", ".join(c.name for c in circles)
    return (
        f"You are the only facilitator of {names}. Before you delete your account, make "
        "another member a co-facilitator on the circle's members page (or ask the school's "
        "staff to), so the circle is not left without one."
    )


def _scrub_words(member: User) -> list[str]:
    """Her email and the name peers saw: her display name, or (without one) the part of
    her address before the @ that the school showed instead."""
    profile = Profile.objects.filter(user=member).first()
    name = (profile.display_name if profile is not None else "").strip()
    name = name or member.email.split("@")[0]
    # A full name, or a one-word name that is not a plain word ("alice.n", "nurse42"), is
    # scrubbed from others' text; a plain word ("Sam", "nurse") would rewrite every other
    # Sam in the school.
    distinctive = len(name.split()) >= 2 or (len(name) >= 2 and not name.isalpha())
    return [member.email, name] if distinctive else [member.email]


def erasure_under_way(*, member: User) -> bool:
    """Whether her account is being deleted, or is gone: read afresh, not from the copy a
    request loaded before another request started her erasure."""
    live = User.objects.filter(pk=member.pk, is_active=True)
    pending = Erasure.objects.filter(member_id=member.pk, state=ErasureState.PENDING)
    return not live.exists() or pending.exists()


@transaction.atomic
def erasure_request(*, member: User, mode: str, requested_by: User | None = None) -> Erasure:
    """Start erasing ``member``: refused while she is a circle's last facilitator. At once:
    the account is deactivated (no sign-in, no session, no email), her addresses are
    released for a new account; the rest is queued (``erasure_run``). Raises
    ``ErasureUnderWay`` when her erasure has already begun (or her account is gone)."""
    member = User.objects.select_for_update().filter(pk=member.pk).first()
    if member is None:
        raise ErasureUnderWay
    if Erasure.objects.filter(member=member, state=ErasureState.PENDING).exists():
        raise ErasureUnderWay
    if member.email == FORMER_MEMBER_EMAIL:
        raise ErasureRefused("This account holds former members' anonymised contributions.")
    circles = circles_needing_handover(member)
    if circles:
        raise ErasureRefused(handover_message(circles))
    staff = requested_by if requested_by is not None and requested_by != member else None
    erasure = Erasure.objects.create(
        member=member,
        mode=ErasureMode(mode),
        by_staff=staff is not None,
        requested_by=staff,
        scrub=_scrub_words(member),
    )
    member.email = f"erased-{erasure.pk}@erased.invalid"
    member.is_active = False
    member.set_unusable_password()
    member.save(update_fields=["email", "is_active", "password"])
    apps.get_model("account", "EmailAddress").objects.filter(user=member).delete()
    sessions_end(user_id=member.pk)
    task_enqueue_on_commit("privacy.erasure_run", erasure.pk)
    return erasure


class _Stopped(Exception):
    """The erasure is no longer under way (another run finished it)."""


@dataclass(frozen=True)
class _Step:
    """One step of an erasure: ``rows`` changed a batch at a time by ``work`` (which gets
    the batch as a queryset and returns the counts to add). ``rows`` must stop matching a
    row once ``work`` has changed it."""

    name: str
    rows: models.QuerySet
    work: Callable[[models.QuerySet], dict[str, int]]


def erasure_run(*, erasure_id: int) -> Erasure | None:
    """Remove or anonymise every row that points at her, scrub mentions of her, then
    delete her account and close the audit entry, in batches of short transactions (see
    the module's docstring). Returns the finished erasure; None when it was finished
    already (a re-run) or another run finished it meanwhile."""
    erasure = Erasure.objects.filter(pk=erasure_id, state=ErasureState.PENDING).first()
    if erasure is None:
        return None
    member_id = erasure.member_id
    if member_id is not None:
        sessions_end(user_id=member_id)
        export_files_delete(member=User(pk=member_id))
    steps = _steps(erasure)
    names = [step.name for step in steps]
    # A re-run skips the steps a killed run finished: each one's rows were all changed
    # (and what a finished step would still find, the account's deletion cascades to).
    done = names.index(erasure.step) if erasure.step in names else 0
    try:
        for step in steps[done:]:
            _run_step(erasure_id, step)
        return _finish(erasure_id)
    except _Stopped:
        return None


def erasures_waiting(*, older_than) -> list[int]:
    """Erasures under way with no progress for ``older_than`` (a lost message or a killed
    worker); one whose batches still commit is left to the run doing them."""
    cutoff = timezone.now() - older_than
    return list(
        Erasure.objects.filter(state=ErasureState.PENDING)
        .annotate(last_seen=Coalesce("progressed_at", "created_at"))
        .filter(last_seen__lt=cutoff)
        .values_list("pk", flat=True)
    )


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for label, n in more.items():
        if n:
            counts[label] = counts.get(label, 0) + n


def _locked(erasure_id: int) -> Erasure:
    """The erasure's row, locked for the rest of the batch's transaction (two runs take
    turns); ``_Stopped`` once it is done."""
    erasure = (
        Erasure.objects.select_for_update()
        .filter(pk=erasure_id, state=ErasureState.PENDING)
        .first()
    )
    if erasure is None:
        raise _Stopped
    return erasure


def _progress_save(erasure: Erasure, step: str, counts: dict[str, int]) -> None:
    """Record a batch's counts and progress, in the batch's own transaction."""
    _add(erasure.counts, counts)
    erasure.step = step
    erasure.batches += 1
    erasure.progressed_at = timezone.now()
    erasure.save(update_fields=["counts", "step", "batches", "progressed_at"])


def _run_step(erasure_id: int, step: _Step) -> None:
    """``step.work`` on each page of ``step.rows``: the page's ids are read outside any
    transaction, then each page is one transaction that locks the erasure, applies the
    work to the page's rows that still match and records the progress. Paced: a slow
    transaction makes the next page smaller (``privacy.batches.Pace``)."""
    pace = Pace()
    for ids in pk_pages(step.rows, pace):
        started = time.perf_counter()
        with transaction.atomic():
            erasure = _locked(erasure_id)
            counts = step.work(step.rows.filter(pk__in=ids))
            _progress_save(erasure, step.name, counts)
        pace.took(_log_batch(erasure_id, step.name, len(ids), started))


def _log_batch(erasure_id: int, step: str, rows: int, started: float) -> float:
    """How long a batch's transaction took (logged, with the figures as the record's
    attributes, and returned)."""
    seconds = time.perf_counter() - started
    logger.debug(
        "erasure %s: %s, %d rows in %.3f s",
        erasure_id,
        step,
        rows,
        seconds,
        extra={"erasure_id": erasure_id, "step": step, "rows": rows, "seconds": seconds},
    )
    return seconds


def _finish(erasure_id: int) -> Erasure:
    """Delete her account (with anything that arrived for her after its step ran) and
    close the audit entry: one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        erasure = _locked(erasure_id)
        counts: dict[str, int] = {}
        if erasure.member_id is not None:
            _add(counts, User.objects.filter(pk=erasure.member_id).delete()[1])
        _add(erasure.counts, counts)
        erasure.member = None
        erasure.scrub = []
        erasure.step = ""
        erasure.batches += 1
        erasure.state = ErasureState.DONE
        erasure.progressed_at = erasure.finished_at = timezone.now()
        erasure.save()
    _log_batch(erasure_id, "account", 1, started)
    return erasure


def _steps(erasure: Erasure) -> list[_Step]:
    """Her content first (deleting a log takes its responses with it), then her records,
    then others' records that name her, then the text that names her. A link without a
    decision stops the erasure before it starts."""
    steps = []
    if erasure.member_id is not None:
        if erasure.mode == ErasureMode.REMOVE:
            # A meeting's agenda quotes the logs it lists: her words go with her logs.
            agenda = AgendaItem.objects.filter(log__author_id=erasure.member_id)
            steps.append(_Step("meetings.AgendaItem.log", agenda, _deleted_uncounted))
        steps += _link_steps(erasure)
    steps += _scrub_steps(erasure.scrub)
    return steps


def _deleted(rows: models.QuerySet) -> dict[str, int]:
    return delete_locked(rows)[1]


def _deleted_uncounted(rows: models.QuerySet) -> dict[str, int]:
    delete_locked(rows)
    return {}


def _moved(link: Link, to: User) -> Callable[[models.QuerySet], dict[str, int]]:
    def work(rows: models.QuerySet) -> dict[str, int]:
        moved = rows.update(**{link.field.name: to}, **_touched(link.model))
        return {f"{link.model._meta.label} (anonymised)": moved}

    return work


def _unlinked(link: Link, to: User | None) -> Callable[[models.QuerySet], dict[str, int]]:
    def work(rows: models.QuerySet) -> dict[str, int]:
        rows.update(**{link.field.name: to})
        return {}

    return work


def _link_steps(erasure: Erasure) -> list[_Step]:
    links = list(user_links())
    missing = [link.key for link in links if link.decision is None]
    if missing:
        raise LookupError(f"No erasure decision for {', '.join(missing)} (privacy.registry).")
    order = {Erase.CONTENT: 0, Erase.DELETE: 1, Erase.UNLINK: 2}
    member = User(pk=erasure.member_id)
    former = None
    steps = []
    for link in sorted(links, key=lambda link: order[link.decision.erase]):
        erase = link.decision.erase
        rows = link.rows_of(member)
        if link.model is Erasure:
            rows = rows.exclude(pk=erasure.pk)  # this erasure keeps her id until it ends
        if erase == Erase.CONTENT and erasure.mode == ErasureMode.ANONYMISE:
            former = former or former_member()
            kept = link.decision.kept
            if kept:
                steps.append(_Step(f"{link.key} (not kept)", rows.exclude(**kept), _deleted))
            steps.append(_Step(link.key, rows, _moved(link, former)))
        elif erase in (Erase.CONTENT, Erase.DELETE):
            steps.append(_Step(link.key, rows, _deleted))
        elif link.field.null:
            steps.append(_Step(link.key, rows, _unlinked(link, None)))
        else:
            former = former or former_member()
            steps.append(_Step(link.key, rows, _unlinked(link, former)))
    return steps


def _touched(model) -> dict:
    """Mark a changed row as changed where its model keeps ``updated_at`` (caches of a
    rendered post are keyed on it), without claiming the author edited it."""
    names = {f.name for f in model._meta.concrete_fields}
    return {"updated_at": timezone.now()} if "updated_at" in names else {}


def _scrubbed(text: str, words: list[str]) -> str:
    """``text`` with her email and her whole name replaced, found by the school's one
    identifier check (``circles.identifiers``)."""
    emails = {w.lower() for w in words if "@" in w}
    names = [form for w in words if "@" not in w for form in dict.fromkeys([w, html.escape(w)])]
    wanted = {n.lower() for n in names}
    for finding in reversed(identifiers_find(text, names=names)):
        if finding.kind == "email" and finding.text.lower() in emails:
            replacement = EMAIL_REMOVED
        elif finding.kind == "name" and finding.text.lower() in wanted:
            replacement = FORMER_MEMBER
        else:
            continue
        text = text[: finding.start] + replacement + text[finding.end :]
    return text


def _text_columns(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField | models.URLField)
        and not any(part in f.name for part in _NOT_TEXT)
        and not f.choices
        and not f.primary_key
    ]


def _scrub_steps(words: list[str]) -> list[_Step]:
    """Replace her name (with "Former member") and her email in every text column of every
    table that members' words can reach: others' responses that name her, audit labels,
    her own kept posts. One step a table; a batch re-reads its rows locked, so an edit
    made meanwhile is scrubbed, never overwritten."""
    if not words:
        return []
    forms = {form for w in words for form in (w, html.escape(w))}
    steps = []
    for model in apps.get_models():
        columns = _text_columns(model)
        skipped = model._meta.app_label in NOT_SCANNED or model._meta.label in NOT_SCANNED_MODELS
        if skipped or model._meta.proxy or not columns:
            continue
        where = Q()
        for form in forms:
            for column in columns:
                where |= Q(**{f"{column}__icontains": form})
        rows = model._base_manager.filter(where)
        steps.append(_Step(f"scrub {model._meta.label}", rows, _scrubbed_rows(words, columns)))
    return steps


def _scrubbed_rows(words: list[str], columns: list[str]):
    def work(rows: models.QuerySet) -> dict[str, int]:
        model = rows.model
        changed = 0
        locked = rows.select_for_update(no_key=True, of=("self",)).values("pk", *columns)
        for row in locked:
            changes = {}
            for column in columns:
                text = row[column] or ""
                scrubbed = _scrubbed(text, words)
                if scrubbed != text:
                    changes[column] = scrubbed
            if changes:
                model._base_manager.filter(pk=row["pk"]).update(**changes, **_touched(model))
                changed += 1
        return {f"{model._meta.label} (name removed)": changed}

    return work
