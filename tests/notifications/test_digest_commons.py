"""The digest's "from the commons" section: one or two lessons from other roles, chosen by
her circles' tags and usefulness, never her own, never the same one twice, never naming an
anonymous author; picked for a batch in a fixed number of queries."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commons.models import LessonMark
from notifications.selectors import digest_contents
from notifications.services.digests import digest_send_batch
from tests.factories import LessonFactory, RoleFactory, UserFactory
from tests.notifications.conftest import WEEK, at, log_in, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(circle):
    """A ward manager with something in her digest this week."""
    nurse = RoleFactory(name="Ward manager", slug="ward-manager")
    reader = member_of(circle)
    reader.profile.roles.add(nurse)
    circle.tags.add("handover")
    log_in(circle, member_of(circle), published_at=at(20), title="New this week")
    return reader, nurse


def official_lesson(**kwargs):
    city = RoleFactory(name="City official", slug="city-official")
    author = UserFactory()
    author.profile.display_name = "Olu Hidden"
    author.profile.organisation = "Hidden City Council"
    author.profile.save()
    log = log_in(kwargs.pop("circle", None) or _other_circle(), author, published_at=at(2))
    return LessonFactory(source_log=log, role=city, **kwargs)


def _other_circle():
    from tests.factories import CircleFactory

    return CircleFactory(name="Secret Council Circle")


def test_a_lesson_from_another_role_on_her_tags_is_chosen(frozen, reader):
    member, nurse = reader
    on_topic = official_lesson(title="Handover at the contact centre")
    on_topic.tags.add("handover")
    useful = official_lesson(title="Most useful elsewhere")
    LessonMark.objects.create(lesson=useful, member=UserFactory())
    LessonFactory(role=nurse, title="Same role lesson")
    LessonFactory(source_log=log_in(member.memberships.get().circle, member, published_at=at(3)),
                  role=RoleFactory(), title="Her own lesson")  # fmt: skip
    content = digest_contents(member_ids=[member.pk], week=WEEK)[member.pk]
    assert [lesson.title for lesson in content.commons] == [
        "Handover at the contact centre",
        "Most useful elsewhere",
    ]


def test_the_sent_digest_has_the_section_and_never_repeats_a_lesson(frozen, reader):
    member, _nurse = reader
    lesson = official_lesson(title="Queue triage by phone")
    digest_send_batch(week=WEEK, member_ids=[member.pk])
    (sent,) = mail.outbox
    assert "FROM THE COMMONS" in sent.body and "Queue triage by phone" in sent.body
    assert lesson.get_absolute_url() in sent.alternatives[0][0]
    html = sent.body + sent.alternatives[0][0]
    for giveaway in ("Olu Hidden", "Hidden City Council", "Secret Council Circle"):
        assert giveaway not in html
    assert "a city official in the North West" in sent.body
    next_week = WEEK + dt.timedelta(days=7)
    content = digest_contents(member_ids=[member.pk], week=next_week)[member.pk]
    assert content.commons == []


def test_a_withdrawn_lesson_is_never_chosen(frozen, reader):
    member, _nurse = reader
    official_lesson(state="withdrawn")
    assert digest_contents(member_ids=[member.pk], week=WEEK)[member.pk].commons == []


def test_picking_lessons_costs_the_same_for_a_batch_of_2_or_20(frozen, circle, reader):
    for i in range(5):
        official_lesson(title=f"Lesson {i}").tags.add("handover")
    few = [member_of(circle) for _ in range(2)]
    many = [member_of(circle) for _ in range(20)]
    with CaptureQueriesContext(connection) as small:
        digest_contents(member_ids=[m.pk for m in few], week=WEEK)
    with CaptureQueriesContext(connection) as large:
        contents = digest_contents(member_ids=[m.pk for m in many], week=WEEK)
    assert len(small) == len(large)
    assert all(len(content.commons) == 2 for content in contents.values())
