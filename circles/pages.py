"""Whole pages kept for their reader: a signed-in member's circle page, log page and
dashboard are rendered once per change and then read back with one cache get.

A page's key holds everything the page is drawn from:

- its address (path and query) and template;
- the reader: her id and flags, her own profile's fields (``members.middleware`` has loaded
  them for the request already), the time zone and the day on her clock;
- the revisions of the circles it shows (``Circle.revision``): database triggers
  (``circles/revisions.py``) give a circle a new revision in the same transaction as any
  write to what its pages show — a log, a response, a membership, a tag, a report, a
  meeting, a member's name — by a service, the admin or a bulk load alike;
- what else the view names (her roles on the dashboard, say);
- a digest of the code and templates, so a deploy never reads pages of the last one.

So who may read a page is decided afresh whenever it could have changed: her membership,
the log's state and the circle's are all in the revision, and a miss renders through the
view's own permission checks (a refusal raises before anything is kept). What changes
with no write at all — "due today", relative times, another circle's lesson suggested
beside a log — waits at most ``PAGE_SECONDS``.

Parts that differ between requests are put in when the page is served, never kept: the
CSRF token (rendered as a slot, as ``circles.fragments`` does for response blocks) and
``{% live "template" %}`` parts such as the bell. A request with messages waiting, an HTMX
request or anything but a GET is rendered as usual and not kept. With the cache down
(django-redis ``IGNORE_EXCEPTIONS``) every page is rendered.
"""

import hashlib
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from circles.fragments import CSRF_SLOT

PAGE_SECONDS = 120
LIVE_SLOT = "<!--live:{}-->"

# What live parts read from the cache, fetched with the page in one round trip: each app
# registers the key its part reads for a request (``live_reads_cache``); the values found
# are left on ``request.live_reads`` for the part (notifications: the bell).
_LIVE_READS: list[Callable] = []


def live_reads_cache(key_of: Callable) -> None:
    """Fetch ``key_of(request)`` with every kept page (see ``_LIVE_READS``)."""
    if key_of not in _LIVE_READS:
        _LIVE_READS.append(key_of)


def _own_code(path: Path, base: Path) -> bool:
    return path.is_relative_to(base) and "site-packages" not in path.parts


@once
def code_digest() -> str:
    """A digest of the project's own code and templates (their contents: the same on every
    web machine of a deploy)."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(d).resolve() for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(a.path).resolve() for a in apps.get_app_configs()]
    digest = hashlib.blake2b(digest_size=12)
    for root in sorted({r for r in roots if _own_code(r, base)}):
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode() + path.read_bytes())
    return digest.hexdigest()


def _reader(request) -> tuple:
    user = request.user
    try:
        profile = user.profile
    except type(user).profile.RelatedObjectDoesNotExist:
        profile = None
    fields = profile._meta.concrete_fields if profile is not None else ()
    return (
        user.pk,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        tuple(f.value_from_object(profile) for f in fields),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    )


def keeps(request, query: tuple[str, ...] = ()) -> bool:
    """Whether this request's page may be read from and kept in the cache: a signed-in
    GET, not HTMX, with no message waiting, asking only for the ``query`` parameters the
    view reads (any other address is rendered and not kept: nobody fills the cache with
    made-up addresses)."""
    return (
        request.method == "GET"
        and request.user.is_authenticated
        and not request.htmx
        and set(request.GET) <= set(query)
        and not len(get_messages(request))
    )


def page_key(request, template: str, depends_on: tuple) -> str:
    shown = (code_digest(), template, request.get_full_path(), _reader(request), depends_on)
    return "page:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _served(request, html: str, live: tuple[str, ...]) -> HttpResponse:
    html = html.replace(CSRF_SLOT, get_token(request))
    for name in live:
        html = html.replace(LIVE_SLOT.format(name), render_to_string(name, request=request))
    return HttpResponse(html)


def kept_page(
    request,
    template: str,
    context: Callable[[], dict],
    *,
    depends_on: Callable[[], tuple | None],
    query: tuple[str, ...] = (),
    before_serving: Callable[[], None] | None = None,
) -> HttpResponse:
    """``render(request, template, context())``, kept for this reader under the key above.
    ``depends_on()`` gives the revisions the page shows (None: nothing to key it on, so
    render as usual); it is asked only for a page that may be kept. ``query``: the GET
    parameters the view reads. ``before_serving``
    runs once the page is known to be hers (kept or rendered), before the live parts are
    put in."""
    revisions = depends_on() if keeps(request, query) else None
    if revisions is None:
        data = context()
        if before_serving is not None:
            before_serving()
        return render(request, template, data)
    key = page_key(request, template, revisions)
    found = cache.get_many([key, *(key_of(request) for key_of in _LIVE_READS)])
    kept = found.pop(key, None)
    request.live_reads = found
    if kept is None:
        live: list[str] = []
        data = {**context(), "csrf_token": CSRF_SLOT, "live_slots": live}
        kept = (render_to_string(template, data, request=request), tuple(live))
        cache.set(key, kept, PAGE_SECONDS)
    if before_serving is not None:
        before_serving()
    return _served(request, *kept)
