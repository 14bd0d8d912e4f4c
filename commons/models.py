"""The lessons commons: what a member learnt, shared beyond her circle by her choice.

A lesson is a copy the author edits before sharing (title, insight and a short situation →
action → outcome), never a link that shows the log: nothing else of the log, its responses
or its circle leaves the circle. ``source_log`` and ``circle`` are kept only so that the
circle's facilitators can withdraw it; no page shows them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from taggit.managers import TaggableManager

from circles.models import DECISION_REASON_MAX
from circles.text import render_markdown
from members.models import Role
from school.paths import reversed_path


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "the North East"
    NORTH_WEST = "north_west", "the North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "the East Midlands"
    WEST_MIDLANDS = "west_midlands", "the West Midlands"
    EAST = "east", "the East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "the South East"
    SOUTH_WEST = "south_west", "the South West"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    ELSEWHERE = "elsewhere", "another region"


class Credit(models.TextChoices):
    NAME = "name", "By my name"
    ROLE_REGION = "role_region", "As my role and region only"


class LessonState(models.TextChoices):
    SHARED = "shared", "Shared"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LessonQuerySet(models.QuerySet):
    def listed(self):
        """The one rule for which lessons anyone signed in sees: shared, not withdrawn."""
        return self.filter(state=LessonState.SHARED)

    def with_useful_count(self):
        return self.annotate(useful_count=Count("marks", distinct=True))


LESSON_TEXT_FIELDS = ("insight", "situation", "action", "outcome")


class Lesson(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons"
    )
    source_log = models.ForeignKey(
        "circles.ActionLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=140)
    insight = models.TextField("what I learnt", max_length=3000)
    insight_html = models.TextField(blank=True, editable=False)
    situation = models.TextField(max_length=1500)
    situation_html = models.TextField(blank=True, editable=False)
    action = models.TextField("what I tried", max_length=1500)
    action_html = models.TextField(blank=True, editable=False)
    outcome = models.TextField("what happened", max_length=1500)
    outcome_html = models.TextField(blank=True, editable=False)
    tags = TaggableManager(blank=True)
    credit = models.CharField(max_length=16, choices=Credit.choices, default=Credit.ROLE_REGION)
    role = models.ForeignKey(Role, null=True, on_delete=models.SET_NULL, related_name="lessons")
    region = models.CharField(max_length=32, choices=Region.choices, default=Region.ELSEWHERE)
    state = models.CharField(max_length=16, choices=LessonState.choices, default=LessonState.SHARED)
    shared_at = models.DateTimeField(default=timezone.now, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_log"],
                condition=Q(state="shared"),
                name="one_shared_lesson_per_log",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name in LESSON_TEXT_FIELDS:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reversed_path("commons:lesson", pk=self.pk)

    @property
    def is_listed(self) -> bool:
        return self.state == LessonState.SHARED

    @property
    def is_anonymous(self) -> bool:
        return self.credit == Credit.ROLE_REGION

    @property
    def credit_line(self) -> str:
        """Who the lesson is from, as she chose: her name, or her role and region only
        ("a ward manager in the North West"). Needs ``author__profile`` and ``role``."""
        if not self.is_anonymous:
            return self.author.display_name
        return role_and_region(self.role, self.region)


def role_and_region(role: Role | None, region: str) -> str:
    what = "practitioner"
    if role is not None:
        what = role.name[:1].lower() + role.name[1:]
    article = "an" if what[:1] in "aeiou" else "a"
    return f"{article} {what} in {Region(region).label}"


class LessonMark(models.Model):
    """A member found the lesson useful (one mark each)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="marks")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "member"], name="one_useful_mark_per_member")
        ]

    def __str__(self):
        return f"Useful mark on {self.lesson_id}"


class LessonQuestion(models.Model):
    """A question to the lesson's author ("ask the author"), and her answer. The author is
    told by email without the asker learning who she is."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_questions"
    )
    body = models.TextField(max_length=2000)
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(max_length=3000, blank=True)
    answer_html = models.TextField(blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Claimed before the email to the author goes out, released if the send fails.
    author_emailed_at = models.DateTimeField(null=True, blank=True)
    asker_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Question on {self.lesson}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)


class WithdrawnBy(models.TextChoices):
    AUTHOR = "author", "Its author"
    FACILITATOR = "facilitator", "A facilitator of the author's circle"
    STAFF = "staff", "The school's staff"


class LessonWithdrawal(models.Model):
    """The audit record of a lesson taken out of the commons: who, as what, why, when."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="withdrawals")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=16, choices=WithdrawnBy.choices)
    reason = models.CharField(max_length=DECISION_REASON_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Claimed before the author is told (only when someone else withdrew it).
    author_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.lesson} withdrawn by {self.get_actor_kind_display().lower()}"


class LessonReport(models.Model):
    """A member's report that a lesson should not be in the commons: for staff."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=DECISION_REASON_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    staff_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Report on {self.lesson}"


class LessonShown(models.Model):
    """A lesson the weekly digest showed a member: never the same one twice."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="lesson_shown_once")
        ]

    def __str__(self):
        return f"Lesson {self.lesson_id} in the digest of {self.week}"
