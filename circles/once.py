"""One-time tokens on create forms: a form that makes something (a log, a response, a
meeting…) carries a fresh token each time it is drawn (``{% once_token %}``). The first
submission records the token with the address of what it made, in the same transaction;
the same token posted again (a double click, two racing requests) makes nothing and lands
on that address. So do the same words posted again to the same place, within
``SAME_CONTENT_MINUTES``, from a form that was drawn afresh: after Back the browser fetches
the page again (pages are never stored, see ``school.middleware``), with a new token, and
refills what she had typed. Later, the same words are a new submission (a request to join
sent again after a decline, an agenda item added again after it was removed).

A view wraps its creating call in ``once_create`` and is decorated with
``resubmission_lands_on_first``."""

import datetime as dt
import uuid
from collections.abc import Callable
from functools import wraps
from typing import TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from circles.models import FormSubmission

FIELD = "once"
CONTENT = uuid.UUID("5d0b7c1e-2f4a-4b8e-9c3d-7a6e1f0b2c48")  # names content tokens (uuid5)
ALREADY = "This was already sent: here is what it made. Nothing was sent twice."
# How long the same words posted to the same place count as the same submission.
SAME_CONTENT_MINUTES = 10

T = TypeVar("T")


class Resubmitted(Exception):
    """The token was used already; ``url`` is what its first submission made."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def token_new() -> str:
    return str(uuid.uuid4())


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def _same_content(request) -> uuid.UUID:
    """What the form says, as a token: the address it posts to and every value but the
    tokens. A page that is never stored comes back after Back drawn afresh, with a new
    token, and the browser refills what she typed: the same words posted to the same place
    are the same submission."""
    values = sorted(
        (key, value)
        for key, values in request.POST.lists()
        if key not in (FIELD, "csrfmiddlewaretoken")
        for value in values
    )
    return uuid.uuid5(CONTENT, f"{request.path}?{urlencode(values)}")


def _tokens(request, *, same_content: bool = True) -> list[uuid.UUID]:
    """The tokens a submission is known by: the form's own, and (for a form that carries
    one) what it says. None for a visitor, or a form drawn without a token."""
    token = _token(request)
    if token is None or not request.user.is_authenticated:
        return []
    return [token, _same_content(request)] if same_content else [token]


def _same_content_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=SAME_CONTENT_MINUTES)


def made_before(request) -> str | None:
    """Where the first submission of this form went, when this is a resubmission: the same
    form token whenever it was, or the same words within ``SAME_CONTENT_MINUTES``."""
    tokens = _tokens(request)
    if not tokens:
        return None
    same = Q(token=tokens[0])
    if len(tokens) > 1:
        same |= Q(token=tokens[1], created_at__gte=_same_content_since())
    made = FormSubmission.objects.filter(same, member=request.user)
    return made.order_by("pk").values_list("made_url", flat=True).first()


def once_create(
    request, create: Callable[[], T | None], url_of=None, *, same_content: bool = True
) -> T | None:
    """``create()`` (the made object, or None when it was refused), kept with the form's
    tokens in one transaction. A request racing the first with the same token is undone
    and raises ``Resubmitted``. ``same_content`` False: the same words posted again are a
    new submission (an invite link for one more person)."""
    tokens = _tokens(request, same_content=same_content)
    if not tokens:
        return create()
    if len(tokens) > 1:  # the same words long ago: a new submission, under the same token
        FormSubmission.objects.filter(
            member=request.user, token=tokens[1], created_at__lt=_same_content_since()
        ).delete()
    try:
        with transaction.atomic():
            made = create()
            if made is not None:
                url = url_of(made) if url_of else made.get_absolute_url()
                FormSubmission.objects.bulk_create(
                    FormSubmission(member=request.user, token=token, made_url=url)
                    for token in tokens
                )
    except IntegrityError:
        url = made_before(request)
        if url is None:
            raise
        raise Resubmitted(url) from None
    return made


def _landing(request, url: str) -> HttpResponse:
    messages.info(request, ALREADY)
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def resubmission_lands_on_first(view):
    """A POST whose token made something already (or that races the one making it) is
    sent to what the first made, with a word that nothing was sent twice."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if request.method == "POST":
            url = made_before(request)
            if url is not None:
                return _landing(request, url)
        try:
            return view(request, *args, **kwargs)
        except Resubmitted as resubmitted:
            return _landing(request, resubmitted.url)

    return guarded


def once_made(
    request, service: Callable[..., T], url_of=None, *, same_content: bool = True
) -> Callable[..., T]:
    """``service`` made once per drawing of the form: called with the same arguments, it
    runs in ``once_create``."""

    @wraps(service)
    def made(**kwargs):
        create = lambda: service(**kwargs)  # noqa: E731
        return once_create(request, create, url_of=url_of, same_content=same_content)

    return made
