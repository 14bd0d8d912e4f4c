"""One-time tokens on create forms: a form that makes something (a log, a response, a
meeting…) carries a fresh token each time it is drawn (``{% once_token %}``). The first
submission records the token with the address of what it made, in the same transaction;
the same token posted again (Back and Publish again, a double click, two racing requests)
makes nothing and lands on that address.

A view wraps its creating call in ``once_create`` and is decorated with
``resubmission_lands_on_first``."""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from circles.models import FormSubmission

FIELD = "once"
SLOT = "once-token-slot-3f9d2c71"
KEPT = dt.timedelta(days=30)  # long enough for any Back button
ALREADY = "This was already sent: here is what it made. Nothing was sent twice."

T = TypeVar("T")


class Resubmitted(Exception):
    """The token was used already; ``url`` is what its first submission made."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def token_new() -> str:
    return str(uuid.uuid4())


def slots_filled(html: str) -> str:
    """A cached block's token slots, each filled with a new token for this reading."""
    return re.sub(SLOT, lambda _: token_new(), html)


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def made_before(request) -> str | None:
    """Where the first submission of this form went, when this is a resubmission."""
    token = _token(request)
    if token is None or not request.user.is_authenticated:
        return None
    made = FormSubmission.objects.filter(member=request.user, token=token)
    return made.values_list("made_url", flat=True).first()


def once_create(request, create: Callable[[], T | None], url_of=None) -> T | None:
    """``create()`` (the made object, or None when it was refused), kept with the form's
    token in one transaction. A request racing the first with the same token is undone and
    raises ``Resubmitted``."""
    token = _token(request)
    if token is None or not request.user.is_authenticated:
        return create()
    try:
        with transaction.atomic():
            made = create()
            if made is not None:
                url = url_of(made) if url_of else made.get_absolute_url()
                FormSubmission.objects.create(member=request.user, token=token, made_url=url)
    except IntegrityError:
        url = made_before(request)
        if url is None:
            raise
        raise Resubmitted(url) from None
    if made is not None:
        old = timezone.now() - KEPT
        FormSubmission.objects.filter(member=request.user, created_at__lt=old).delete()
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


def once_made(request, service: Callable[..., T], url_of=None) -> Callable[..., T]:
    """``service`` made once per drawing of the form: called with the same arguments, it
    runs in ``once_create``."""

    @wraps(service)
    def made(**kwargs):
        return once_create(request, lambda: service(**kwargs), url_of=url_of)

    return made
