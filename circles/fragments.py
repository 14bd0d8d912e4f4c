"""Parts of pages that are the same for many readers — a log's card, what a response or a
reply says — rendered once and kept in the cache.

A fragment's key is the release (``school.release``: a deploy never reads the last one's
HTML), its object's id and a digest of everything the fragment shows (its ``*_shown``
tuple below: text, badges, counts, tags, the author's name, the reader's time zone for
the dates...). Any change to one of those — an edit, hide or restore, a new
response, a helpful mark, new tags, an author who renames herself — gives a new key, so a
stale fragment is never read, whatever wrote the change (a service, the admin, a data
migration); the old one expires. Fetching a page's fragments costs one ``get_many``.

Who may read a fragment is not the cache's business: only objects that the page's
permission filter returned (``ActionLog.objects.readable_in``, ``Response.objects.
readable_on``...) are rendered or fetched, and parts that differ between readers (edit
and report links, a moderator's tools, forms with their CSRF token) are rendered outside
the fragment. A fragment that shows more (a link to the author's profile, say) adds what
decides it to its ``*_shown`` tuple.

With the cache down (django-redis ``IGNORE_EXCEPTIONS``) reads miss and writes are dropped:
every fragment is rendered, and the page is the same.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from school.release import release

# Fragments of objects nobody changes stay for a day; a changed one gets a new key at once.
FRAGMENT_SECONDS = 24 * 60 * 60
LOG_CARD_TEMPLATE = "circles/_log_card.html"
RESPONSE_BODY_TEMPLATE = "circles/_response_body.html"
REPLY_BODY_TEMPLATE = "circles/_reply_body.html"


def fragment_key(kind: str, pk: int, shown: tuple) -> str:
    """The key of an object's fragment: what it shows, and the release that rendered it."""
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    return f"fragment:{release()}:{kind}:{pk}:{digest}"


def _reader_time_zone() -> str:
    """Dates are shown in the reader's time zone (``members.middleware.TimeZoneMiddleware``)."""
    return timezone.get_current_timezone_name()


def log_card_shown(log, *, show_circle: bool) -> tuple:
    """Everything ``circles/_log_card.html`` shows of a log shaped by ``logs_for_lists``."""
    return (
        log.title,
        log.situation_excerpt,
        log.state,
        log.pinned_at,
        log.is_hidden,
        log.locked_at,
        log.published_at,
        log.created_at,
        log.edited_at,
        getattr(log, "response_count", None),
        getattr(log, "reply_count", None),
        getattr(log, "awaiting_response", None),
        tuple(tag.name for tag in log.tags.all()),
        log.author.display_name,
        getattr(log, "author_in_circle", None),  # her name links to her profile
        log.circle.slug,
        log.circle.name if show_circle else None,
        _reader_time_zone(),
    )


def response_body_shown(response) -> tuple:
    """Everything ``circles/_response_body.html`` shows of a response (``log_responses``)."""
    return (
        response.kind,
        response.author.display_name,
        getattr(response, "author_in_circle", None),  # her name links to her profile
        response.created_at,
        response.edited_at,
        response.helpful_at is not None,
        getattr(response, "answered", False),
        response.is_hidden,
        response.hidden_reason,
        response.body_html,
        _reader_time_zone(),
    )


def reply_body_shown(reply, *, log_author_id: int) -> tuple:
    """Everything ``circles/_reply_body.html`` shows of a reply."""
    return (
        reply.author.display_name,
        getattr(reply, "author_in_circle", None),  # her name links to her profile
        reply.author_id == log_author_id,
        reply.created_at,
        reply.edited_at,
        reply.is_hidden,
        reply.hidden_reason,
        reply.body_html,
        _reader_time_zone(),
    )


@dataclass(frozen=True)
class Wanted:
    """A fragment a page needs: its key, and how to render it when the cache has not."""

    key: str
    template: str
    context: Callable[[], dict]


def fragments_fetch(wanted: list[Wanted], *, before_rendering=None) -> list[SafeString]:
    """The fragments, in order: those in the cache from one ``get_many``, the rest rendered
    and stored with one ``set_many``. ``before_rendering(missing)``, when given, is called
    first with the ``Wanted`` the cache did not have."""
    found = cache.get_many([w.key for w in wanted]) if wanted else {}
    if before_rendering is not None and len(found) < len(wanted):
        before_rendering([w for w in wanted if w.key not in found])
    rendered = {}
    fragments = []
    for w in wanted:
        html = found.get(w.key)
        if html is None:
            html = rendered[w.key] = get_template(w.template).render(w.context())
        fragments.append(mark_safe(html))  # noqa: S308 (a template's own autoescaped output)
    if rendered:
        cache.set_many(rendered, FRAGMENT_SECONDS)
    return fragments


def log_cards_attach(logs: Iterable, *, show_circle: bool = False) -> None:
    """Put on each log shaped by ``circles.selectors.logs_for_lists`` (tags attached) its
    card (``card_fragment``), all read with one ``get_many``."""
    logs = [log for log in logs if not hasattr(log, "card_fragment")]
    wanted = [
        Wanted(
            fragment_key("log-card", log.pk, log_card_shown(log, show_circle=show_circle)),
            LOG_CARD_TEMPLATE,
            partial(dict, log=log, show_circle=show_circle),
        )
        for log in logs
    ]
    for log, html in zip(logs, fragments_fetch(wanted), strict=True):
        log.card_fragment = html


def log_cards(logs: Iterable, *, show_circle: bool = False) -> list[SafeString]:
    """The logs' cards (those a page attached already, and the rest with one read)."""
    logs = list(logs)
    log_cards_attach(logs, show_circle=show_circle)
    return [log.card_fragment for log in logs]


def response_wanted(response) -> Wanted:
    return Wanted(
        fragment_key("response", response.pk, response_body_shown(response)),
        RESPONSE_BODY_TEMPLATE,
        partial(dict, response=response),
    )


def reply_wanted(reply, *, log) -> Wanted:
    return Wanted(
        fragment_key("reply", reply.pk, reply_body_shown(reply, log_author_id=log.author_id)),
        REPLY_BODY_TEMPLATE,
        partial(dict, reply=reply, log=log),
    )


def response_bodies_attach(responses: list, *, log) -> None:
    """Put on each response, and on each of its ``visible_replies``, its shared part
    (``body_fragment``): one ``get_many`` for all of them."""
    replies = [reply for r in responses for reply in getattr(r, "visible_replies", [])]
    wanted = [response_wanted(r) for r in responses] + [reply_wanted(r, log=log) for r in replies]
    for item, html in zip([*responses, *replies], fragments_fetch(wanted), strict=True):
        item.body_fragment = html


# --- whole response blocks, keyed by the reader's relation to them -------------------------

RESPONSE_TEMPLATE = "circles/_response.html"
# A response block holds forms: it is rendered and cached with this in place of the CSRF
# token, which is put in for each reader when the block is read (never cached).
CSRF_SLOT = "csrf-token-slot-8c1e5f0a"


def response_reader_shown(response, *, log, user, is_author, can_reply, can_moderate, path):
    """What decides the links and forms a reader gets on a response (``_response.html``):
    whether she wrote the log, the response or each reply; whether she may reply or
    moderate (a moderator's forms come back to this page's path); whether the log still
    takes edits."""
    return (
        log.circle.slug,
        log.pk,
        bool(is_author),
        response.author_id == user.pk,
        tuple(reply.author_id == user.pk for reply in response.visible_replies),
        bool(can_reply),
        bool(can_moderate),
        path if can_moderate else None,
        log.locked_at is not None,
        log.is_hidden,
    )


def response_blocks(responses: list, *, log, context: dict) -> list[SafeString]:
    """Each response's whole block (``_response.html``: what it says, its replies, the
    reader's links and forms), read with one ``get_many``; the key holds what it shows
    (``response_body_shown``, ``reply_body_shown``) and the reader's relation to it
    (``response_reader_shown``). A block with a refused reply form is not cached."""
    user, request = context["user"], context.get("request")
    relation = {
        "is_author": context.get("is_author"),
        "can_reply": context.get("can_reply"),
        "can_moderate": context.get("can_moderate"),
    }
    path = request.path if request is not None else ""

    def shown(response) -> tuple:
        return (
            response_body_shown(response),
            tuple(
                reply_body_shown(r, log_author_id=log.author_id) for r in response.visible_replies
            ),
            response_reader_shown(response, log=log, user=user, path=path, **relation),
        )

    base = {"log": log, "user": user, "request": request, "csrf_token": CSRF_SLOT, **relation}
    cached = [r for r in responses if getattr(r, "reply_form", None) is None]
    keys = {fragment_key("response-block", r.pk, shown(r)): r for r in cached}
    wanted = [
        Wanted(key, RESPONSE_TEMPLATE, partial(dict, base, response=r)) for key, r in keys.items()
    ]

    def bodies_of_missing(missing: list[Wanted]) -> None:
        # What the blocks to render say: one more read, only when some block is missing.
        response_bodies_attach([keys[w.key] for w in missing], log=log)

    blocks = iter(fragments_fetch(wanted, before_rendering=bodies_of_missing))
    token = str(context.get("csrf_token", ""))
    html = []
    for r in responses:
        if getattr(r, "reply_form", None) is None:
            html.append(mark_safe(next(blocks).replace(CSRF_SLOT, token)))  # noqa: S308
        else:
            response_bodies_attach([r], log=log)
            compiled = get_template(RESPONSE_TEMPLATE)
            html.append(compiled.render({**base, "csrf_token": token, "response": r}))
    return html
