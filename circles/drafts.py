"""Autosaved text of the log and response forms, kept on the server for the member who is
writing it (``TextDraft``), under the form's key, until the form is sent."""

import re

from django.db import transaction
from django.utils import timezone

from circles.models import TextDraft
from members.models import User

KEY = re.compile(r"^(log-new-\d{1,12}|log-\d{1,12}|response-\d{1,12})$")
FIELDS = (
    "title", "situation", "action", "prediction", "outcome", "insight", "next_step", "ask",
    "body",
)  # fmt: skip
FIELD_MAX = 20_000
KEPT_MAX = 50  # drafts a member keeps; the oldest go first


def draft_fields(data) -> dict[str, str]:
    """The text fields of a posted form, each cut to ``FIELD_MAX`` characters."""
    return {
        name: str(data.get(name, ""))[:FIELD_MAX].replace("\x00", "")
        for name in FIELDS
        if name in data
    }


@transaction.atomic
def text_draft_save(*, member: User, key: str, fields: dict[str, str]) -> TextDraft:
    """Keep what she is writing under ``key`` (one draft a form); a member keeps at most
    ``KEPT_MAX`` drafts."""
    if not KEY.match(key or ""):
        raise ValueError("not a form that keeps drafts")
    draft, _ = TextDraft.objects.update_or_create(
        member=member, key=key, defaults={"fields": fields, "saved_at": timezone.now()}
    )
    mine = TextDraft.objects.filter(member=member).order_by("-saved_at", "-pk")
    stale = list(mine.values_list("pk", flat=True)[KEPT_MAX:])
    if stale:
        TextDraft.objects.filter(pk__in=stale).delete()
    return draft


def text_draft_for(*, member: User, key: str) -> TextDraft | None:
    return TextDraft.objects.filter(member=member, key=key).first()


def text_draft_forget(*, member: User, key: str) -> None:
    TextDraft.objects.filter(member=member, key=key).delete()
