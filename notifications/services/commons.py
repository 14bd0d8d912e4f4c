"""Emails about the lessons commons: a question to a lesson's author, her answer to the
one who asked, a lesson withdrawn by someone else (to its author, with the reason), a
lesson reported (to staff).

Each is announced by a ``commons.signals`` signal inside the transaction that made the
change; its receiver queues one task after commit. The row's ``…_emailed_at`` is claimed
before the send and released if it fails, so a re-run sends nothing twice. An email about
an anonymous lesson never carries its author's name, email, organisation or circle. A
question and an answer go only to a member who keeps the commons emails on, with a
one-click unsubscribe from them.
"""

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from circles.text import html_to_text
from commons.models import LessonQuestion, LessonReport, LessonWithdrawal
from notifications import emails
from notifications.selectors import reachable_members
from school.enqueue import task_enqueue_on_commit

TASK = "notifications.commons_email_send"

# event → (model, the claim field, the related rows to load)
_LESSON = ("lesson__role", "lesson__author__profile")
EVENTS = {
    "question": (LessonQuestion, "author_emailed_at", (*_LESSON, "asker__profile")),
    "answer": (LessonQuestion, "asker_emailed_at", (*_LESSON, "asker__profile")),
    "withdrawal": (LessonWithdrawal, "author_emailed_at", _LESSON),
    "report": (LessonReport, "staff_emailed_at", _LESSON),
}


def commons_email_enqueue(*, event: str, pk: int) -> None:
    task_enqueue_on_commit(TASK, event, pk)


# The events a member may turn off, by their email type (``unsubscribe.EMAIL_TYPES``).
EMAIL_TYPES = {"question": "commons", "answer": "commons"}


def _recipients(event: str, row) -> list:
    lesson = row.lesson
    if event == "withdrawal":
        return [lesson.author]
    if event in EMAIL_TYPES:
        wanted = lesson.author if event == "question" else row.asker
        profile = getattr(wanted, "profile", None)  # loaded with the row; none: the defaults
        return [wanted] if profile is None or profile.commons_emails_enabled else []
    return list(reachable_members().filter(is_staff=True).select_related("profile"))


def _context(event: str, row) -> dict:
    lesson = row.lesson
    return {
        "event": event,
        "lesson": lesson,
        "credit_line": lesson.credit_line,
        "row": row,
        # What was asked and answered, as prose with absolute links (the text part).
        "body_text": html_to_text(getattr(row, "body_html", ""), base_url=settings.SITE_URL),
        "answer_text": html_to_text(getattr(row, "answer_html", ""), base_url=settings.SITE_URL),
        "url": emails.absolute(lesson.get_absolute_url()),
        "mine_url": emails.absolute("/commons/mine/"),
    }


def commons_email_send(*, event: str, pk: int, token: str | None = None) -> int:
    """Send one event's email(s), at most once. Returns how many went out."""
    model, claim_field, related = EVENTS[event]
    row = model.objects.filter(pk=pk, **{f"{claim_field}__isnull": True})
    row = row.select_related(*related).first()
    if row is None:
        return 0  # sent already, or gone
    claimed = model.objects.filter(pk=pk, **{f"{claim_field}__isnull": True})
    if not claimed.update(**{claim_field: timezone.now()}):
        return 0
    sent = 0
    try:
        for recipient in _recipients(event, row):
            context = {**_context(event, row), "member": recipient}
            if event in ("question", "withdrawal") and row.lesson.is_anonymous:
                context["member"] = None  # no greeting by her name
            emails.message_build(template="commons", context=context, to=recipient.email,
                                 member_id=recipient.pk,
                                 email_type=EMAIL_TYPES.get(event)).send()  # fmt: skip
            sent += 1
    except Exception:
        if not sent:
            model.objects.filter(pk=pk).update(**{claim_field: None})
        raise
    return sent


def commons_emails_owed() -> list[tuple[str, int]]:
    """The events whose email was never claimed (for the periodic sweep)."""
    owed = []
    for event, (model, claim_field, _related) in EVENTS.items():
        rows = model.objects.filter(**{f"{claim_field}__isnull": True})
        if event == "answer":
            rows = rows.filter(answered_at__isnull=False)
        if event == "withdrawal":
            rows = rows.exclude(actor_id=F("lesson__author_id"))
        owed += [(event, pk) for pk in rows.values_list("pk", flat=True)[:500]]
    return owed
