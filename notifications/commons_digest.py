"""The weekly digest's short "from the commons" section: one or two lessons from members
in other roles, chosen by the tags of her circles and by how many found them useful;
never her own, never one she was shown before. Picked for a whole batch in a fixed
number of queries; recorded as shown when the batch is sent (``LessonShown``)."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from circles.models import Circle
from commons.models import Lesson, LessonShown
from members.models import Profile

# The most useful lessons considered for a batch, and how many a digest shows.
CANDIDATES = 100
PER_DIGEST = 2


def _candidates() -> list[Lesson]:
    return list(
        Lesson.objects.listed()
        .with_useful_count()
        .select_related("role", "author__profile")
        .prefetch_related("tags")
        .order_by("-useful_count", "-shared_at", "-pk")[:CANDIDATES]
    )


def _roles_of(member_ids) -> dict[int, set[int]]:
    roles = defaultdict(set)
    rows = Profile.roles.through.objects.filter(profile__user_id__in=member_ids).values_list(
        "profile__user_id", "role_id"
    )
    for member_id, role_id in rows:
        roles[member_id].add(role_id)
    return roles


def _circle_tags(circle_ids) -> dict[int, set[str]]:
    tags = defaultdict(set)
    rows = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Circle), object_id__in=circle_ids
    ).values_list("object_id", "tag__name")
    for circle_id, name in rows:
        tags[circle_id].add(name)
    return tags


def digest_commons_pick(contents: dict, circles_of: dict) -> None:
    """Set ``content.commons`` (lessons, best first) on each member's digest."""
    lessons = _candidates()
    if not lessons:
        return
    roles = _roles_of(list(contents))
    circle_tags = _circle_tags({c for mine in circles_of.values() for c in mine})
    shown = set(
        LessonShown.objects.filter(
            member_id__in=list(contents), lesson_id__in=[lesson.pk for lesson in lessons]
        ).values_list("member_id", "lesson_id")
    )
    tags_of = {lesson.pk: {tag.name for tag in lesson.tags.all()} for lesson in lessons}
    for member_id, content in contents.items():
        interests = set().union(*(circle_tags[c] for c in circles_of[member_id]))
        mine = roles[member_id]
        fitting = [
            lesson
            for lesson in lessons
            if lesson.author_id != member_id
            and lesson.role_id not in mine
            and (member_id, lesson.pk) not in shown
        ]
        fitting.sort(key=lambda lesson: len(tags_of[lesson.pk] & interests), reverse=True)
        content.commons = fitting[:PER_DIGEST]


def digest_commons_record(*, contents, week) -> None:
    """Record the lessons these digests show, so none is shown to the same member again."""
    LessonShown.objects.bulk_create(
        [
            LessonShown(member_id=content.member.pk, lesson_id=lesson.pk, week=week)
            for content in contents
            for lesson in content.commons
        ],
        ignore_conflicts=True,
    )
