import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from taggit.managers import TaggableManager

from circles.text import excerpt_text, render_markdown
from members.models import Role
from school.paths import reversed_path

# How long a facilitator's stated reason for a decision may be (kept in the audit log).
DECISION_REASON_MAX = 500


def circle_path(slug: str) -> str:
    """The circle page's path, reversed once per circle and process."""
    return reversed_path("circles:detail", slug=slug)


class JoinPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone with a matching interest can join"
    REQUEST = "request", "Request: answer an entry question, a facilitator admits"
    INVITE = "invite", "Invite only: join through an invite link"


class CircleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived (read-only)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class CircleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=CircleStatus.ACTIVE)

    def of_member(self, user):
        """Circles where ``user`` is an active member or facilitator."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=Membership.objects.circles_of(user))

    def facilitated_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            pk__in=Membership.objects.circles_of(user).filter(kind=MembershipKind.FACILITATOR)
        )


class Circle(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    purpose = models.TextField(max_length=4000, help_text="Markdown. Who it is for and why.")
    purpose_html = models.TextField(blank=True, editable=False)
    roles = models.ManyToManyField(Role, related_name="circles", blank=True)
    tags = TaggableManager(blank=True, help_text="Comma-separated topics.")
    join_policy = models.CharField(
        max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    entry_question = models.CharField(
        max_length=300,
        blank=True,
        help_text="Asked of people who request to join (request policy).",
    )
    capacity = models.PositiveSmallIntegerField(
        default=12, help_text="Most active members (facilitators included)."
    )
    rhythm_weekday = models.PositiveSmallIntegerField(
        "weekly rhythm", choices=Weekday.choices, default=Weekday.MONDAY
    )
    status = models.CharField(
        max_length=16, choices=CircleStatus.choices, default=CircleStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CircleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(join_policy="request") | ~Q(entry_question=""),
                name="circle_request_policy_has_question",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=2), name="circle_capacity_at_least_2"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.purpose_html = render_markdown(self.purpose)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return circle_path(self.slug)

    def clean(self):
        """The joining rules, for every way a circle is edited (``full_clean()``): a circle
        that takes requests asks an entry question, and its capacity has room for at least
        two people and for everyone already in it."""
        errors = {}
        if self.join_policy == JoinPolicy.REQUEST and not (self.entry_question or "").strip():
            errors["entry_question"] = "Circles that take requests need an entry question."
        if self.capacity is not None:
            active = self.memberships.active().count() if self.pk else 0
            if self.capacity < 2:
                errors["capacity"] = "A circle needs room for at least 2 people."
            elif self.capacity < active:
                errors["capacity"] = (
                    f"The circle has {active} active members: capacity cannot be lower."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_archived(self) -> bool:
        return self.status == CircleStatus.ARCHIVED


class MembershipKind(models.TextChoices):
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"


class MembershipState(models.TextChoices):
    PENDING = "pending", "Requested"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=MembershipState.ACTIVE)

    def pending(self):
        return self.filter(state=MembershipState.PENDING)

    def facilitators(self):
        return self.active().filter(kind=MembershipKind.FACILITATOR)

    def in_active_circles(self):
        """Active memberships of circles that are not archived."""
        return self.active().filter(circle__status=CircleStatus.ACTIVE)

    def circles_of(self, user):
        """Her active circles: the ids (a subquery) of the circles where ``user`` is an
        active member or facilitator. The one definition every rule and page uses."""
        return self.active().filter(member=user).values("circle_id")


class Membership(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(
        max_length=16, choices=MembershipKind.choices, default=MembershipKind.MEMBER
    )
    state = models.CharField(
        max_length=16, choices=MembershipState.choices, default=MembershipState.PENDING
    )
    entry_answer = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Fair rotation for "this log is waiting for a response" nudges: least recently asked first.
    last_asked_to_respond_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "circle"], name="one_membership_per_circle")
        ]
        indexes = [models.Index(fields=["circle", "state"])]

    def __str__(self):
        return f"{self.member} in {self.circle} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.kind == MembershipKind.FACILITATOR


def _invite_key() -> str:
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """An invite link a facilitator creates: expiring and revocable. The URL carries a
    signed form of ``key`` (see ``circles.services``)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="invites")
    key = models.CharField(max_length=64, unique=True, default=_invite_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    # How many people may join with the link (1: single use); empty: any number until
    # it expires.
    max_uses = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="invite_uses_within_max_uses",
            )
        ]

    def __str__(self):
        return f"Invite to {self.circle} ({self.created_at:%Y-%m-%d})"

    @property
    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.uses >= self.max_uses

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and not self.is_used_up


class LogState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ActionLogQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=LogState.PUBLISHED)

    def answered(self):
        """Logs someone other than their author has answered (``Response.objects.answering``)."""
        return self.filter(Exists(Response.objects.answering().filter(log=OuterRef("pk"))))

    def unanswered(self):
        """Logs still waiting for an answer: the author's own words never count."""
        return self.exclude(Exists(Response.objects.answering().filter(log=OuterRef("pk"))))

    def not_followed_up(self):
        return self.exclude(Exists(_published_follow_ups()))

    def open_commitments(self):
        """Published logs with a dated next step that no published follow-up has ended."""
        return (
            self.published()
            .filter(next_step_due__isnull=False)
            .exclude(next_step="")
            .not_followed_up()
        )

    def visible_to(self, user):
        """The one rule for who sees which log.

        Published logs: active members of the circle (and staff). Hidden logs: only the
        circle's facilitators, staff and the author (who sees it marked). Drafts: only
        their author.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.filter(Q(state=LogState.PUBLISHED) | Q(author=user))
        member_of = Membership.objects.circles_of(user)
        facilitates = member_of.filter(kind=MembershipKind.FACILITATOR)
        return self.filter(
            Q(author=user)
            | Q(state=LogState.PUBLISHED, is_hidden=False, circle__in=member_of)
            | Q(state=LogState.PUBLISHED, circle__in=facilitates)
        )

    def readable_in(self, access):
        """The published logs of ``access.circle`` that its reader sees: the rule of
        ``visible_to`` for a reader whose access to that one circle is known
        (``circles.permissions.circle_access``), as a plain filter on the circle's index
        instead of subqueries over every circle."""
        if not access.can_read:
            return self.none()
        qs = self.filter(circle=access.circle, state=LogState.PUBLISHED)
        if not access.can_moderate:
            qs = qs.filter(Q(is_hidden=False) | Q(author=access.user))
        return qs


def _published_follow_ups():
    return ActionLog.objects.filter(
        follows=OuterRef("pk"), author=OuterRef("author"), state=LogState.PUBLISHED
    )


# How many characters of a log's situation a card shows.
CARD_EXCERPT_LENGTH = 180

LOG_TEXT_FIELDS = (
    "situation", "action", "prediction", "outcome", "insight", "next_step", "ask",
)  # fmt: skip


class ActionLog(models.Model):
    """One turn of the action-learning cycle (Revans; Plan-Do-Study-Act)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="logs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_logs"
    )
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    title = models.CharField(max_length=140)
    situation = models.TextField(max_length=5000, blank=True)
    situation_html = models.TextField(blank=True, editable=False)
    # What a card shows of the situation: plain text, made when the Markdown is rendered.
    situation_excerpt = models.CharField(max_length=CARD_EXCERPT_LENGTH, blank=True, editable=False)
    action = models.TextField(max_length=5000, blank=True)
    action_html = models.TextField(blank=True, editable=False)
    prediction = models.TextField(max_length=3000, blank=True)
    prediction_html = models.TextField(blank=True, editable=False)
    outcome = models.TextField(max_length=5000, blank=True)
    outcome_html = models.TextField(blank=True, editable=False)
    insight = models.TextField(max_length=5000, blank=True)
    insight_html = models.TextField(blank=True, editable=False)
    next_step = models.TextField(max_length=2000, blank=True)
    next_step_html = models.TextField(blank=True, editable=False)
    next_step_due = models.DateField(null=True, blank=True)
    ask = models.TextField(max_length=2000, blank=True)
    ask_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(blank=True)
    state = models.CharField(max_length=16, choices=LogState.choices, default=LogState.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Moderation state (the decisions themselves are recorded as moderation actions).
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # The active members its text @mentions (found when it is rendered), in order.
    mentioned_ids = models.JSONField(default=list, blank=True, editable=False)

    objects = ActionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            # The feed, health and digest filters: one circle's published, shown logs by date.
            models.Index(
                fields=["circle", "state", "is_hidden", "published_at"],
                name="log_circle_shown_idx",
            ),
            models.Index(fields=["author", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False),
                name="published_log_has_published_at",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(LOG_TEXT_FIELDS):
            self._render(circle_filter={"circle_id": self.circle_id})
        if update_fields is not None and set(update_fields) & set(LOG_TEXT_FIELDS):
            kwargs["update_fields"] = set(update_fields) | {
                *(f"{n}_html" for n in LOG_TEXT_FIELDS),
                "situation_excerpt",
                "mentioned_ids",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # circles:log_detail, "<slug>/logs/<pk>/", from the circle's cached path.
        return f"{circle_path(self.circle.slug)}logs/{self.pk}/"

    def _render(self, *, circle_filter: dict) -> None:
        """Render every text field, with the circle's members' @mentions made links."""
        from circles.mentions import mentions_for

        mentions = mentions_for([getattr(self, n) for n in LOG_TEXT_FIELDS], circle_filter)
        for name in LOG_TEXT_FIELDS:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name), mentions=mentions))
        self.mentioned_ids = mentions.found if mentions is not None else []
        self.situation_excerpt = excerpt_text(self.situation_html, CARD_EXCERPT_LENGTH)

    @property
    def is_published(self) -> bool:
        return self.state == LogState.PUBLISHED

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ResponseKind(models.TextChoices):
    # Order matters: questions come first (Revans: questions before answers).
    QUESTION = "question", "Question"
    REFLECTION = "reflection", "Reflection"
    RESOURCE = "resource", "Resource"
    SUGGESTION = "suggestion", "Suggestion"


RESPONSE_KIND_ORDER = {kind: i for i, kind in enumerate(ResponseKind.values)}

# A reply answers one response (one level deep) and has no kind of its own; its ``kind``
# is this value, so that "reply" reads wherever a response's kind is named.
REPLY = "reply"


class ResponseQuerySet(models.QuerySet):
    def answering(self, *, log_author=None):
        """Responses (and replies) that count as the circle answering a log: shown (not
        hidden, nor under a hidden response) and written by someone other than the log's
        author. ``log_author``: her id where the caller has it (an ``OuterRef`` to the log's
        row, which PostgreSQL plans as an index lookup per log), else read through the log."""
        return (
            self.filter(is_hidden=False)
            .exclude(parent__is_hidden=True)
            .exclude(author_id=F("log__author_id") if log_author is None else log_author)
        )

    def top_level(self):
        return self.filter(parent__isnull=True)

    def replies(self):
        return self.filter(parent__isnull=False)

    def counted(self):
        """What "N responses" counts wherever a log's responses are counted: responses
        that are shown (not hidden), replies apart (``replies_counted``)."""
        return self.top_level().filter(is_hidden=False)

    def replies_counted(self):
        """What "N replies" counts: replies that are shown, under responses that are."""
        return self.replies().filter(is_hidden=False, parent__is_hidden=False)

    def visible_to(self, user):
        """Responses on logs the user may see, in circles where they are an active member
        (staff: every circle); hidden ones only for the circle's facilitators, staff and the
        response's author. A reply is seen only by those who may see the response it
        answers. A log's author who left or was removed still sees their own log, but no
        longer what the circle writes in response to it."""
        if not user.is_authenticated:
            return self.none()
        logs = ActionLog.objects.visible_to(user).published()
        qs = self.filter(log__in=logs)
        if user.is_staff:
            return qs
        member_of = Membership.objects.circles_of(user)
        facilitates = member_of.filter(kind=MembershipKind.FACILITATOR)
        qs = qs.filter(log__circle__in=member_of)
        return qs.filter(
            Q(is_hidden=False) | Q(author=user) | Q(log__circle__in=facilitates)
        ).filter(
            Q(parent__isnull=True)
            | Q(parent__is_hidden=False)
            | Q(parent__author=user)
            | Q(log__circle__in=facilitates)
        )

    def readable_on(self, log, access):
        """The responses to ``log`` that its reader sees: the rule of ``visible_to`` for a
        log she may see, in a circle whose access is known (``circle_access``), without
        subqueries over every circle."""
        if not access.can_read:
            return self.none()
        qs = self.filter(log=log)
        if not access.can_moderate:
            user = access.user
            qs = qs.filter(Q(is_hidden=False) | Q(author=user)).filter(
                Q(parent__isnull=True) | Q(parent__is_hidden=False) | Q(parent__author=user)
            )
        return qs


class Response(models.Model):
    log = models.ForeignKey(ActionLog, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="log_responses"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="The response this replies to (replies go one level deep).",
    )
    kind = models.CharField(max_length=16, choices=[*ResponseKind.choices, (REPLY, "Reply")])
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    helpful_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    # The active members its text @mentions (found when it is rendered), in order.
    mentioned_ids = models.JSONField(default=list, blank=True, editable=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["log", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True, kind__in=ResponseKind.values)
                | Q(parent__isnull=False, kind=REPLY),
                name="response_has_a_kind_and_reply_has_a_parent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.log}"

    def save(self, *args, **kwargs):
        from circles.mentions import mentions_for

        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            mentions = mentions_for([self.body], {"circle__logs": self.log_id})
            self.body_html = render_markdown(self.body, mentions=mentions)
            self.mentioned_ids = mentions.found if mentions is not None else []
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"body_html", "mentioned_ids"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.log.get_absolute_url() + f"#response-{self.pk}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def is_counted(self) -> bool:
        """Counted among a log's responses (``ResponseQuerySet.counted``)."""
        return self.parent_id is None and not self.is_hidden

    @property
    def recipient_ids(self) -> list[int]:
        """Who hears of it (emails, digest): the log's author and, for a reply, the author
        of the response it answers; never the one who wrote it."""
        ids = [self.log.author_id]
        if self.parent_id is not None:
            ids.append(self.parent.author_id)
        return [pk for pk in dict.fromkeys(ids) if pk != self.author_id]


class TextDraft(models.Model):
    """What a member is writing in a log or response form and has not sent yet, kept by
    the form's autosave (``circles.drafts``) under the form's key ("log-new-3",
    "log-12", "response-12") and forgotten once the form is sent."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="text_drafts"
    )
    key = models.CharField(max_length=40)
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="text_draft_one_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.key} of member {self.member_id}"


class FormSubmission(models.Model):
    """A create form's one-time token, once it has made something: the form carries a new
    token each time it is drawn, so the same token posted again (Back, then the button
    again; a double click) is a resubmission and lands on what the first one made."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_submissions"
    )
    token = models.UUIDField()
    made_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "token"], name="one_submission_per_token")
        ]
        indexes = [models.Index(fields=["created_at"], name="form_submission_created")]

    def __str__(self):
        return f"{self.token} → {self.made_url}"
