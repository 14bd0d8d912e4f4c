"""Delete my account: in one request she is signed out everywhere, her email is free and
no email can reach her; a task then removes or anonymises everything that points at her
(walking the models, ``privacy.registry``), removes mentions of her name and email from
every text column, and deletes her account. The task runs in one transaction, so a worker
killed mid-way leaves nothing half-deleted and the re-run (redelivery or the sweep)
finishes it.

Anonymised contributions are moved to one shared, inactive "Former member" account rather
than to a tombstone of hers: her own row is deleted like any other, so nothing can sign in
as her, email her or tie her kept posts back to one person, while every author link stays
non-empty and every query that reads authors works unchanged.
"""

import html

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from circles.identifiers import identifiers_find
from circles.models import Circle, Membership, MembershipKind, MembershipState
from meetings.models import AgendaItem
from members.models import Profile, User
from privacy.models import Erasure, ErasureMode, ErasureState
from privacy.registry import Erase, user_links
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


class ErasureRefused(Exception):
    """She cannot be erased yet (she is the last facilitator of a circle)."""


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


@transaction.atomic
def erasure_request(*, member: User, mode: str, requested_by: User | None = None) -> Erasure:
    """Start erasing ``member``: refused while she is a circle's last facilitator. At once:
    the account is deactivated (no sign-in, no session, no email), her addresses are
    released for a new account; the rest is queued (``erasure_run``)."""
    member = User.objects.select_for_update().get(pk=member.pk)
    pending = Erasure.objects.filter(member=member, state=ErasureState.PENDING).first()
    if pending is not None:
        return pending
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


@transaction.atomic
def erasure_run(*, erasure_id: int) -> Erasure | None:
    """Remove or anonymise every row that points at her, scrub mentions of her, delete her
    account and close the audit entry. One transaction; a re-run of a finished erasure
    does nothing."""
    erasure = (
        Erasure.objects.select_for_update()
        .filter(pk=erasure_id, state=ErasureState.PENDING)
        .first()
    )
    if erasure is None:
        return None
    counts: dict[str, int] = {}
    member = erasure.member
    if member is not None:
        sessions_end(user_id=member.pk)
        export_files_delete(member=member)
        if erasure.mode == ErasureMode.REMOVE:
            # A meeting's agenda quotes the logs it lists: her words go with her logs.
            AgendaItem.objects.filter(log__author=member).delete()
        _links_erase(member=member, mode=erasure.mode, counts=counts)
        _add(counts, member.delete()[1])
    _text_scrub(words=erasure.scrub, counts=counts)
    erasure.member = None
    erasure.scrub = []
    erasure.counts = counts
    erasure.state = ErasureState.DONE
    erasure.finished_at = timezone.now()
    erasure.save()
    return erasure


def erasures_waiting(*, older_than) -> list[int]:
    """Erasures still under way after ``older_than`` (a lost message or a killed worker)."""
    cutoff = timezone.now() - older_than
    return list(
        Erasure.objects.filter(state=ErasureState.PENDING, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for label, n in more.items():
        if n:
            counts[label] = counts.get(label, 0) + n


def _links_erase(*, member: User, mode: str, counts: dict[str, int]) -> None:
    """Her content first (deleting a log takes its responses with it), then her records,
    then others' records that name her. A link without a decision stops the erasure."""
    links = list(user_links())
    missing = [link.key for link in links if link.decision is None]
    if missing:
        raise LookupError(f"No erasure decision for {', '.join(missing)} (privacy.registry).")
    order = {Erase.CONTENT: 0, Erase.DELETE: 1, Erase.UNLINK: 2}
    for link in sorted(links, key=lambda link: order[link.decision.erase]):
        erase = link.decision.erase
        rows = link.rows_of(member)
        if erase == Erase.CONTENT and mode == ErasureMode.ANONYMISE:
            kept = link.decision.kept
            if kept:
                _add(counts, rows.exclude(**kept).delete()[1])
            moved = rows.update(**{link.field.name: former_member()}, **_touched(link.model))
            _add(counts, {f"{link.model._meta.label} (anonymised)": moved})
        elif erase in (Erase.CONTENT, Erase.DELETE):
            _add(counts, rows.delete()[1])
        elif link.field.null:
            rows.update(**{link.field.name: None})
        else:
            rows.update(**{link.field.name: former_member()})


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


def _text_scrub(*, words: list[str], counts: dict[str, int]) -> None:
    """Replace her name (with "Former member") and her email in every text column of every
    table that members' words can reach: others' responses that name her, audit labels,
    her own kept posts."""
    if not words:
        return
    forms = {form for w in words for form in (w, html.escape(w))}
    for model in apps.get_models():
        columns = _text_columns(model)
        skipped = model._meta.app_label in NOT_SCANNED or model._meta.label in NOT_SCANNED_MODELS
        if skipped or model._meta.proxy or not columns:
            continue
        where = Q()
        for form in forms:
            for column in columns:
                where |= Q(**{f"{column}__icontains": form})
        manager = model._base_manager
        for row in manager.filter(where).values("pk", *columns).iterator(chunk_size=200):
            changes = {}
            for column in columns:
                text = row[column] or ""
                scrubbed = _scrubbed(text, words)
                if scrubbed != text:
                    changes[column] = scrubbed
            if changes:
                manager.filter(pk=row["pk"]).update(**changes, **_touched(model))
                _add(counts, {f"{model._meta.label} (name removed)": 1})
