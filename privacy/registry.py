"""What export and erasure do with each table that points at a member, and what the privacy
page says the school keeps (``KEPT``: every export file under one heading).

Export and erasure walk the models (``user_links``): every foreign key or one-to-one field,
in any installed app, whose target is the user model. Each such link needs one entry in
``DECISIONS`` — what erasure does with the rows, and which export file carries them — and
``tests/privacy/test_registry.py`` fails for a link that has none. A new model that points
at a member is covered by adding its line here.

Erasure, per link:
- ``DELETE``: her records (profile, addresses, memberships, deliveries, reports she made):
  the rows go.
- ``CONTENT``: what she wrote. Deleted when she asks to remove everything; kept and moved
  to the one shared "Former member" account when she keeps her contributions anonymised.
- ``UNLINK``: someone else's record that names her (a decision she took, a circle she set
  up): the row stays; the link is emptied, or moved to "Former member" where it cannot be
  empty.
The join tables Django makes for a many-to-many field (``auto_created``) only hold links,
and are ``DELETE`` without an entry.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from circles.models import LOG_TEXT_FIELDS


class Erase(StrEnum):
    DELETE = "delete"
    CONTENT = "content"
    UNLINK = "unlink"


@dataclass(frozen=True)
class Decision:
    erase: Erase
    # The export file holding these rows (``EXPORTS``); None: nothing of hers to give.
    export: str | None = None
    # CONTENT kept anonymised: only the rows matching this filter (the rest are deleted).
    kept: dict = field(default_factory=dict)


DECISIONS: dict[str, Decision] = {
    "members.Profile.user": Decision(Erase.DELETE, "profile"),
    "account.EmailAddress.user": Decision(Erase.DELETE, "email_addresses"),
    # A staff member's own edits in the admin: the record of the change stays.
    "admin.LogEntry.user": Decision(Erase.UNLINK),
    "circles.Circle.created_by": Decision(Erase.UNLINK),
    "circles.Membership.member": Decision(Erase.DELETE, "memberships"),
    # A create form's one-time token and the address of what it made: nothing of hers to give.
    "circles.FormSubmission.member": Decision(Erase.DELETE),
    "circles.Membership.decided_by": Decision(Erase.UNLINK),
    "circles.Invite.created_by": Decision(Erase.UNLINK),
    # Her drafts were never shared: they go in either mode.
    "circles.ActionLog.author": Decision(Erase.CONTENT, "logs", kept={"state": "published"}),
    "circles.Response.author": Decision(Erase.CONTENT, "responses"),
    # What a form kept of text she had not sent yet: never shared, it goes in either mode.
    "circles.TextDraft.member": Decision(Erase.DELETE, "unsent_text"),
    "facilitation.Report.reporter": Decision(Erase.DELETE, "reports"),
    "facilitation.Report.resolved_by": Decision(Erase.UNLINK),
    "facilitation.ModerationAction.actor": Decision(Erase.UNLINK),
    "facilitation.ModerationAction.target_member": Decision(Erase.UNLINK, "decisions_about_me"),
    "notifications.DigestRun.started_by": Decision(Erase.UNLINK),
    "notifications.DigestDelivery.member": Decision(Erase.DELETE, "digests_sent"),
    "notifications.NudgeDelivery.member": Decision(Erase.DELETE, "nudges_sent"),
    "notifications.ResponseNotification.recipient": Decision(Erase.DELETE, "response_emails"),
    "notifications.ModerationNotification.recipient": Decision(Erase.DELETE, "moderation_emails"),
    "notifications.Notification.recipient": Decision(Erase.DELETE, "notifications"),
    # Who asked about her lesson is named to her (as on the lesson's page); the answer to a
    # question names nobody. What a notification is about (log, response, circle, lesson)
    # is not a link to a member: erasing a lesson takes its notifications with it.
    "notifications.Notification.actor": Decision(Erase.UNLINK),
    "meetings.Meeting.created_by": Decision(Erase.UNLINK),
    "meetings.Rsvp.member": Decision(Erase.DELETE, "meeting_answers"),
    "meetings.Attendance.member": Decision(Erase.DELETE, "meetings_attended"),
    "meetings.Attendance.recorded_by": Decision(Erase.UNLINK),
    # An agenda item is the circle's (a facilitator adds it): it stays, unlinked.
    "meetings.AgendaItem.added_by": Decision(Erase.UNLINK),
    # Her calendar feed's secret: nothing to give her, and it must stop working.
    "meetings.MemberCalendar.member": Decision(Erase.DELETE),
    "meetings.MeetingReminder.member": Decision(Erase.DELETE, "meeting_reminders"),
    # Her learning record was never shared: it goes in either mode.
    "record.RecordSettings.member": Decision(Erase.DELETE, "record_settings"),
    "record.ReflectiveAccount.member": Decision(Erase.DELETE, "reflective_accounts"),
    "record.CpdEntry.member": Decision(Erase.DELETE, "cpd_entries"),
    "commons.Lesson.author": Decision(Erase.CONTENT, "lessons"),
    "commons.LessonMark.member": Decision(Erase.DELETE),
    "commons.LessonQuestion.asker": Decision(Erase.CONTENT, "lesson_questions"),
    "commons.LessonWithdrawal.actor": Decision(Erase.UNLINK),
    "commons.LessonReport.reporter": Decision(Erase.DELETE),
    "commons.LessonShown.member": Decision(Erase.DELETE),
    "privacy.DataExport.member": Decision(Erase.DELETE),
    "privacy.DataExport.requested_by": Decision(Erase.UNLINK),
    "privacy.Erasure.member": Decision(Erase.UNLINK),
    "privacy.Erasure.requested_by": Decision(Erase.UNLINK),
}


@dataclass(frozen=True)
class Link:
    model: type[models.Model]
    field: models.Field

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def decision(self) -> Decision | None:
        if self.model._meta.auto_created:
            return Decision(Erase.DELETE)
        return DECISIONS.get(self.key)

    def rows_of(self, member) -> models.QuerySet:
        return self.model._base_manager.filter(**{self.field.name: member})


def user_links() -> Iterator[Link]:
    """Every foreign key and one-to-one field in every installed model that points at the
    user model (Django's many-to-many join tables included)."""
    user_model = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for f in model._meta.get_fields():
            if (
                f.concrete
                and f.is_relation
                and (f.many_to_one or f.one_to_one)
                and f.related_model is user_model
            ):
                yield Link(model, f)


@dataclass(frozen=True)
class ExportKind:
    """One JSON file of the export: ``model``'s rows whose ``owner`` lookup is her, with
    ``fields`` (a lookup each, and what it means, for the index)."""

    name: str
    model: str
    owner: str
    about: str
    fields: dict[str, str]
    exclude_own: str = ""  # a lookup: leave out rows where it is her (her own rows elsewhere)
    extra: dict = field(default_factory=dict)  # further filters
    # Her own rows: every column of the model goes in, the ``fields`` above with their
    # words and any other (a field added later included) with its verbose name, except
    # the links to her and what ``omit`` names (rendered copies, claim tokens, others' ids).
    complete: bool = False
    omit: tuple[str, ...] = ()

    def columns(self) -> dict[str, str]:
        columns = dict(self.fields)
        if not self.complete:
            return columns
        covered = {c.split("__")[0].removesuffix("_id") for c in columns}
        covered |= {self.owner.split("__")[0], *self.omit}
        for f in apps.get_model(self.model)._meta.concrete_fields:
            if f.name not in covered:
                columns[f.attname] = str(f.help_text or f.verbose_name)
        return columns

    def queryset(self, member) -> models.QuerySet:
        qs = apps.get_model(self.model)._base_manager.filter(
            **{self.owner: member.pk}, **self.extra
        )
        if self.exclude_own:
            qs = qs.exclude(**{self.exclude_own: member.pk})
        return qs.order_by("pk").values(*self.columns())


PEER = "a peer's display name (their words are theirs, so only the name is given)"

EXPORTS: tuple[ExportKind, ...] = (
    ExportKind(
        "lessons",
        "commons.Lesson",
        "author",
        "The lessons you shared to the commons.",
        {"id": "the lesson's number", "title": "title"},
        complete=True,
        omit=("insight_html", "situation_html", "action_html", "outcome_html"),
    ),
    ExportKind(
        "lesson_questions",
        "commons.LessonQuestion",
        "asker",
        "Your questions to the authors of commons lessons, and their answers.",
        {
            "id": "the question's number",
            "lesson_id": "the lesson",
            "body": "your question",
            "answer": "the author's answer",
            "created_at": "asked",
        },  # fmt: skip
    ),
    ExportKind(
        "account",
        "members.User",
        "pk",
        "Your account.",
        {
            "email": "the address you sign in with",
            "date_joined": "when you joined",
            "last_login": "when you last signed in",
            "is_staff": "whether you are a member of the school's staff",
        },
    ),
    ExportKind(
        "profile",
        "members.Profile",
        "user",
        "Your profile and email preferences.",
        {
            "display_name": "the name peers see",
            "organisation": "your organisation",
            "sector": "your sector",
            "bio": "your short bio",
            "introduction": "your introduction to your circles",
            "introduction_answered_at": "when you introduced yourself or skipped it",
            "hide_organisation": "organisation hidden from your circles",
            "hide_active_status": "recent activity hidden from your circles",
            "time_zone": "the time zone dates are shown in",
            "digest_enabled": "weekly digest on",
            "nudges_enabled": "nudges on",
            "response_emails_enabled": "emails about responses to your logs on",
            "mention_emails_enabled": "emails when someone mentions you on",
            "commons_emails_enabled": "emails about questions on your lessons and answers on",
            "onboarded_at": "when you finished setting up your profile",
        },
        complete=True,
        omit=("introduction_html",),
    ),
    ExportKind(
        "roles",
        "members.Role",
        "profiles__user",
        "The roles you hold.",
        {"name": "role", "sector": "sector"},
    ),
    ExportKind(
        "email_addresses",
        "account.EmailAddress",
        "user",
        "Your email addresses.",
        {"email": "address", "verified": "confirmed", "primary": "the one we write to"},
        complete=True,
    ),
    ExportKind(
        "memberships",
        "circles.Membership",
        "member",
        "Circles you belong to, asked to join, left or were removed from.",
        {
            "circle__name": "circle",
            "kind": "member or facilitator",
            "state": "requested, active, declined, left or removed",
            "entry_answer": "your answer to the circle's entry question",
            "created_at": "when you joined or asked",
            "joined_at": "when you became a member",
        },
        complete=True,
        omit=("decided_by",),
    ),
    ExportKind(
        "logs",
        "circles.ActionLog",
        "author",
        "Your action logs, drafts included (the school keeps one version of each: an edit "
        "replaces the text).",
        {
            "id": "the log's number",
            "circle__name": "circle",
            "follows_id": "the earlier log of yours it follows up",
            "title": "title",
            "situation": "the situation",
            "action": "what you tried",
            "prediction": "what you expected",
            "outcome": "what happened",
            "insight": "what you learned",
            "next_step": "your next step",
            "next_step_due": "by when",
            "ask": "what you asked of the circle",
            "state": "draft or published",
            "created_at": "written",
            "published_at": "published",
            "edited_at": "last edited",
            "is_hidden": "hidden by a facilitator",
            "hidden_reason": "the facilitator's reason",
        },
        complete=True,
        omit=(*(f"{n}_html" for n in LOG_TEXT_FIELDS), "situation_excerpt"),
    ),
    ExportKind(
        "unsent_text",
        "circles.TextDraft",
        "member",
        "Text you were writing in a log or response form and had not sent, kept by the form.",
        {"key": "the form", "fields": "what it held", "saved_at": "last kept"},
        complete=True,
    ),
    ExportKind(
        "log_tags",
        "circles.ActionLog",
        "author",
        "The tags on your logs.",
        {"id": "the log's number", "tags__name": "tag"},
        extra={"tags__isnull": False},
    ),
    ExportKind(
        "responses",
        "circles.Response",
        "author",
        "Your responses and replies.",
        {
            "id": "the response's number",
            "log_id": "the log it responds to",
            "log__author__profile__display_name": "the log's author, " + PEER,
            "parent_id": "for a reply: the response it answers",
            "parent__author__profile__display_name": "that response's author, " + PEER,
            "kind": "question, reflection, resource, suggestion or reply",
            "body": "what you wrote",
            "created_at": "written",
            "edited_at": "last edited",
            "helpful_at": "when the log's author marked it helpful",
            "is_hidden": "hidden by a facilitator",
        },
        complete=True,
        omit=("body_html",),
    ),
    ExportKind(
        "responses_to_my_logs",
        "circles.Response",
        "log__author",
        "Responses peers wrote to your logs (their words stay theirs: who and when only), "
        "and the helpful marks you gave.",
        {
            "id": "the response's number",
            "log_id": "your log",
            "author__profile__display_name": PEER,
            "kind": "kind",
            "created_at": "written",
            "helpful_at": "when you marked it helpful",
        },
        exclude_own="author",
    ),
    ExportKind(
        "reports",
        "facilitation.Report",
        "reporter",
        "Posts you reported to a facilitator.",
        {
            "circle__name": "circle",
            "log_id": "the log reported",
            "response_id": "the response reported",
            "reason": "reason",
            "details": "what you wrote",
            "state": "open, actioned or dismissed",
            "created_at": "reported",
            "resolved_at": "dealt with",
        },
        complete=True,
        omit=("resolved_by",),
    ),
    ExportKind(
        "decisions_about_me",
        "facilitation.ModerationAction",
        "target_member",
        "Facilitators' decisions about you (admitted, declined, removed, made co-facilitator).",
        {
            "circle__name": "circle",
            "verb": "decision",
            "reason": "the reason given",
            "created_at": "when",
        },
    ),
    ExportKind(
        "digests_sent",
        "notifications.DigestDelivery",
        "member",
        "Weekly digests we sent you.",
        {"week": "week", "status": "sent, skipped or failed", "sent_at": "sent"},
        complete=True,
        omit=("run", "claim_token"),
    ),
    ExportKind(
        "nudges_sent",
        "notifications.NudgeDelivery",
        "member",
        "Nudges we sent you.",
        {
            "kind": "kind",
            "day": "day",
            "status": "status",
            "sent_at": "sent",
            "circle__name": "circle",
            "log_id": "log",
        },
        complete=True,
    ),
    ExportKind(
        "response_emails",
        "notifications.ResponseNotification",
        "recipient",
        "Emails telling you of responses.",
        {"response_id": "the response", "status": "status", "sent_at": "sent"},
        complete=True,
        omit=("claim_token",),
    ),
    ExportKind(
        "notifications",
        "notifications.Notification",
        "recipient",
        "What the bell told you.",
        {
            "verb": "what happened",
            "circle__name": "circle",
            "log_id": "log",
            "response_id": "response",
            "lesson_id": "a lesson in the commons (a question to you, or an answer to yours)",
            "reason": "the reason given",
            "created_at": "when",
            "read_at": "read",
            "email_status": "email",
            "email_claimed_at": "email claimed",
        },
        complete=True,
        omit=("actor",),
    ),
    ExportKind(
        "moderation_emails",
        "notifications.ModerationNotification",
        "recipient",
        "Emails telling you a facilitator hid or restored something you wrote.",
        {
            "circle__name": "circle",
            "log_id": "log",
            "response_id": "response",
            "hidden": "hidden (otherwise restored)",
            "reason": "the reason given",
            "decided_at": "when",
            "status": "status",
            "sent_at": "sent",
        },
        complete=True,
        omit=("claim_token",),
    ),
    ExportKind(
        "meeting_answers",
        "meetings.Rsvp",
        "member",
        "Your answers to circle meetings (going or not going).",
        {
            "occurrence__meeting__circle__name": "circle",
            "occurrence__meeting__title": "meeting",
            "occurrence__starts_at": "when it starts",
            "answer": "going or not going",
            "answered_at": "when you answered",
        },
        complete=True,
        omit=("occurrence",),
    ),
    ExportKind(
        "meetings_attended",
        "meetings.Attendance",
        "member",
        "Circle meetings a facilitator recorded you at.",
        {
            "occurrence__meeting__circle__name": "circle",
            "occurrence__meeting__title": "meeting",
            "occurrence__starts_at": "started",
            "occurrence__ends_at": "ended",
            "recorded_at": "when attendance was recorded",
        },
        complete=True,
        omit=("occurrence", "recorded_by"),
    ),
    ExportKind(
        "meeting_reminders",
        "meetings.MeetingReminder",
        "member",
        "Meeting reminders we sent you.",
        {
            "occurrence__meeting__title": "meeting",
            "occurrence__starts_at": "when it starts",
            "kind": "the day before or an hour before",
            "status": "status",
            "sent_at": "sent",
        },
        complete=True,
        omit=("occurrence", "claim_token"),
    ),
    ExportKind(
        "record_settings",
        "record.RecordSettings",
        "member",
        "Your CPD target and revalidation date.",
        {
            "hours_target": "CPD hours in three years",
            "participatory_target": "of which participatory",
            "revalidation_due": "next revalidation due",
        },
        complete=True,
    ),
    ExportKind(
        "reflective_accounts",
        "record.ReflectiveAccount",
        "member",
        "Your reflective accounts for NMC revalidation.",
        {
            "title": "title",
            "event_date": "date of the event or experience",
            "log_id": "the log it was drawn from",
            "nature": "what the event or experience was",
            "learning": "what you learnt",
            "changed": "how you changed or improved your practice",
            "code_relevance": "how it relates to the Code",
            "themes": "the Code's themes you ticked",
            "created_at": "written",
            "updated_at": "last edited",
        },
        complete=True,
        omit=("nature_html", "learning_html", "changed_html", "code_relevance_html"),
    ),
    ExportKind(
        "cpd_entries",
        "record.CpdEntry",
        "member",
        "CPD you recorded (meetings you attended are in meetings_attended).",
        {
            "activity": "activity",
            "date": "date",
            "hours": "hours",
            "participatory": "participatory",
            "log_id": "a log it links to",
            "created_at": "recorded",
        },
        complete=True,
    ),
)


@dataclass(frozen=True)
class Kept:
    """One line of "What we keep" on the privacy page, and the export files that give her
    a copy of it."""

    heading: str
    text: str
    exports: tuple[str, ...]


KEPT: tuple[Kept, ...] = (
    Kept(
        "Your account",
        "your email address and password (stored scrambled: nobody, staff included, can read it).",
        ("account", "email_addresses"),
    ),
    Kept(
        "Your profile",
        "the name your circles see, your roles, organisation, sector, time zone and short "
        "bio, and which emails you want.",
        ("profile", "roles"),
    ),
    Kept(
        "Your circles",
        "which circles you joined or asked to join, your answer to a circle's entry "
        "question, and facilitators' decisions about you (admitted, declined, removed).",
        ("memberships", "decisions_about_me"),
    ),
    Kept(
        "What you write",
        "your action logs (drafts too), your responses and replies, text a form kept that "
        "you had not sent yet, helpful marks, and reports you make to a facilitator.",
        ("logs", "log_tags", "unsent_text", "responses", "responses_to_my_logs", "reports"),
    ),
    Kept(
        "What you share beyond your circle",
        "lessons you share to the commons, and your questions to their authors.",
        ("lessons", "lesson_questions"),
    ),
    Kept(
        "Meetings",
        "your answers to circle meetings (going or not going), the meetings a facilitator "
        "recorded you at, and the secret link of your calendar feed.",
        ("meeting_answers", "meetings_attended"),
    ),
    Kept(
        "Your learning record",
        "your CPD entries, reflective accounts, CPD target and revalidation date.",
        ("cpd_entries", "reflective_accounts", "record_settings"),
    ),
    Kept(
        "What we send you",
        "a record of each digest, nudge, meeting reminder and email about responses or "
        "moderation, so nothing is sent twice, and the notifications under the bell.",
        (
            "digests_sent",
            "nudges_sent",
            "meeting_reminders",
            "response_emails",
            "moderation_emails",
            "notifications",
        ),
    ),
)
