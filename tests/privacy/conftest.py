import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from circles.models import ActionLog, Circle, Response, TextDraft
from facilitation.models import ModerationAction, ModerationVerb, Report
from meetings.models import (
    Attendance,
    Meeting,
    MeetingReminder,
    MemberCalendar,
    Occurrence,
    Rsvp,
)
from members.models import User
from notifications.models import (
    DeliveryStatus,
    DigestDelivery,
    ModerationNotification,
    Notification,
    NudgeDelivery,
    ResponseNotification,
)
from record.models import CpdEntry, RecordSettings, ReflectiveAccount
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    LessonFactory,
    MembershipFactory,
    ProfileFactory,
    ResponseFactory,
    RoleFactory,
    UserFactory,
)

ALICE_NAME = "Alice Nightingale"
ALICE_EMAIL = "alice.nightingale@example.org"
ALICE_ORG = "St Swithin's Hospital"
ALICE_LOG_TEXT = "Our night handover on Willow ward kept overrunning"


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    circle: Circle
    log: ActionLog
    bobs_log: ActionLog
    bobs_response: Response
    alices_response: Response
    alices_reply: Response


def _named(email, name, org="A Trust"):
    user = UserFactory(email=email)
    ProfileFactory(user=user)
    user.profile.display_name = name
    user.profile.organisation = org
    user.profile.bio = f"I am {name}."
    user.profile.save()
    return user


def _meetings_and_record(alice, carol, circle, log):
    """A meeting she answered, attended and was reminded of; a calendar feed; her record."""
    start = timezone.now() - dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        circle=circle, title="Tuesday circle", time_zone="Europe/London", first_start=start,
        duration_minutes=60, created_by=carol,
    )  # fmt: skip
    occurrence = Occurrence.objects.create(
        meeting=meeting, circle=circle, original_start=start, starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )  # fmt: skip
    Rsvp.objects.create(occurrence=occurrence, member=alice, answer="going")
    Attendance.objects.create(occurrence=occurrence, member=alice, recorded_by=carol)
    MeetingReminder.objects.create(
        occurrence=occurrence, member=alice, kind="hour_before", status="sent"
    )
    MemberCalendar.objects.create(member=alice)
    RecordSettings.objects.create(member=alice)
    ReflectiveAccount.objects.create(
        member=alice, log=log, title="Handover huddles", event_date=start.date(),
        nature=ALICE_LOG_TEXT, learning="Boards help.", changed="We use a board.",
    )  # fmt: skip
    CpdEntry.objects.create(
        member=alice, activity="Reading on handover", date=start.date(), hours=2
    )


@pytest.fixture
def world(db) -> World:
    """Alice writes a log, a response and a reply, reports a post, gets digests and a
    nudge; Bob responds to her log naming her; Carol facilitates and admitted her."""
    alice = _named(ALICE_EMAIL, ALICE_NAME, ALICE_ORG)
    bob = _named("bob@example.org", "Bob Okafor")
    carol = _named("carol@example.org", "Carol Reyes")
    circle = CircleFactory(name="Ward managers")
    FacilitatorFactory(circle=circle, member=carol)
    MembershipFactory(circle=circle, member=alice, entry_answer="I run Willow ward.")
    MembershipFactory(circle=circle, member=bob)
    log = ActionLogFactory(
        circle=circle, author=alice, title="Handover huddles", situation=ALICE_LOG_TEXT
    )
    log.tags.set(["handover"])
    bobs_log = ActionLogFactory(circle=circle, author=bob, title="Rota gaps")
    bobs_response = ResponseFactory(
        log=log, author=bob, body=f"Thanks {ALICE_NAME}, what did the day team say?"
    )
    alices_reply = ResponseFactory(
        log=log, author=alice, parent=bobs_response, kind="reply", body="They liked the board."
    )
    alices_response = ResponseFactory(
        log=bobs_log, author=alice, body="Could you swap with the bank team?"
    )
    bobs_response.helpful_at = timezone.now()
    bobs_response.save()
    Report.objects.create(circle=circle, reporter=alice, log=bobs_log, reason="other")
    TextDraft.objects.create(
        member=alice, key=f"response-{bobs_log.pk}", fields={"body": f"{ALICE_NAME} of {ALICE_ORG}"}
    )
    ModerationAction.objects.create(
        circle=circle,
        actor=carol,
        verb=ModerationVerb.ADMIT,
        target_member=alice,
        target_label=ALICE_NAME,
    )
    alice.profile.roles.add(RoleFactory(name="Ward manager"))
    ResponseNotification.objects.create(
        response=bobs_response, recipient=alice, status=DeliveryStatus.SENT, sent_at=timezone.now()
    )
    ModerationNotification.objects.create(
        recipient=alice, circle=circle, log=log, hidden=True, reason="Names a patient."
    )
    Notification.objects.create(
        recipient=alice, verb="responded", actor=bob, circle=circle, log=log
    )
    monday = dt.date(2026, 11, 23)
    DigestDelivery.objects.create(member=alice, week=monday, status=DeliveryStatus.SENT)
    NudgeDelivery.objects.create(
        member=alice, kind="quiet_member", subject_key="c1", day=monday, status="sent"
    )
    _meetings_and_record(alice, carol, circle, log)
    LessonFactory(source_log=log, title="A board beats a briefing")
    bobs_lesson = LessonFactory(source_log=bobs_log, title="Cover from another ward")
    bobs_lesson.questions.create(asker=alice, body="How did the other ward take it?")
    return World(alice, bob, carol, circle, log, bobs_log, bobs_response, alices_response,
                  alices_reply)  # fmt: skip
