"""In-app notifications: written for every event the issue names, shown and counted only
while their object is visible, marked read by opening them or the log, agreeing with the
response email, and purged once read and old."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from circles.models import MembershipState
from circles.services.logs import log_create
from circles.services.memberships import (
    membership_admit,
    membership_decline,
    membership_leave,
    membership_request,
)
from circles.services.responses import reply_create, response_create
from facilitation.services import content_hide, content_restore, report_create
from notifications.inbox import bell_forget, unread_count
from notifications.models import Notification, Verb
from notifications.services.inbox import notifications_purge
from notifications.services.responses import response_emails_send
from notifications.tasks import inbox_purge_task
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def verbs(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def test_a_response_and_a_reply_tell_the_log_author_and_the_responder(people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    reply_create(author=people.author, response=response, body="A.")
    assert verbs(people.author) == [Verb.RESPONDED]
    assert verbs(people.member) == [Verb.REPLIED]


def test_hiding_and_restoring_tell_the_author_with_the_reason(people):
    content_hide(actor=people.facilitator, log=people.log, reason="Names a patient")
    content_restore(actor=people.facilitator, log=people.log, reason="Edited")
    notes = Notification.objects.filter(recipient=people.author).order_by("pk")
    assert [(n.verb, n.reason) for n in notes] == [
        (Verb.HIDDEN, "Names a patient"),
        (Verb.RESTORED, "Edited"),
    ]


def test_join_requests_tell_facilitators_and_decisions_tell_the_requester(people):
    circle = CircleFactory(slug="asks", join_policy="request", entry_question="Which ward?")
    fac = FacilitatorFactory(circle=circle).member
    first = membership_request(user=people.non_member, circle=circle, answer="Ward 7")
    second = membership_request(user=people.stranger, circle=circle, answer="Ward 8")
    assert verbs(fac) == [Verb.JOIN_REQUESTED, Verb.JOIN_REQUESTED]
    membership_admit(actor=fac, membership=first)
    membership_decline(actor=fac, membership=second, reason="Full for now")
    assert verbs(people.non_member) == [Verb.JOIN_ADMITTED]
    declined = Notification.objects.get(recipient=people.stranger)
    assert (declined.verb, declined.reason) == (Verb.JOIN_DECLINED, "Full for now")


def test_a_report_tells_the_circles_facilitators_only(people):
    report_create(reporter=people.member, response=people.response, reason="other")
    assert verbs(people.facilitator) == [Verb.REPORT_FILED]
    assert verbs(people.other_facilitator) == [] and verbs(people.staff) == []


def test_the_bell_counts_only_what_she_may_still_see(people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    response_create(author=people.facilitator, log=people.log, kind="reflection", body="R")
    assert unread_count(people.author) == 2
    content_hide(actor=people.facilitator, response=response, reason="Off topic")
    assert unread_count(people.author) == 1  # the hidden response no longer counts
    membership_leave(user=people.author, circle=people.circle)
    # She left: what the circle wrote is no longer hers to see; her own log's hiding is.
    assert unread_count(people.author) == 0


def test_a_facilitator_who_steps_down_no_longer_sees_reports(people):
    report_create(reporter=people.member, response=people.response, reason="other")
    assert unread_count(people.facilitator) == 1
    people.facilitator.memberships.update(kind="member")
    assert unread_count(people.facilitator) == 0


def test_a_notification_she_may_no_longer_see_is_404(client, people):
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    note = Notification.objects.get(recipient=people.author)
    content_hide(actor=people.facilitator, response=response, reason="Off topic")
    client.force_login(people.author)
    assert client.get(reverse("inbox:open", args=[note.pk])).status_code == 404
    assert client.get(reverse("inbox:open", args=[987654])).status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_opening_the_log_page_marks_its_notifications_read(client, people):
    response_create(author=people.member, log=people.log, kind="question", body="Q?")
    client.force_login(people.author)
    assert 'data-count="1"' in client.get(reverse("inbox:bell")).content.decode()
    client.get(people.log.get_absolute_url())
    assert unread_count(people.author) == 0
    assert "data-count" not in client.get(reverse("inbox:bell")).content.decode()


def test_notifications_page_groups_by_day_and_marks_all_read(client, people):
    response_create(author=people.member, log=people.log, kind="question", body="Q?")
    old = response_create(author=people.facilitator, log=people.log, kind="reflection", body="R")
    Notification.objects.filter(response=old).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(people.author)
    page = client.get(reverse("inbox:list")).content.decode()
    assert page.count('<h2 id="day-') == 2
    assert "Bea Member responded to your log “Handover huddle”" in page
    client.post(reverse("inbox:read_all"))
    assert unread_count(people.author) == 0
    assert "Mark all read" not in client.get(reverse("inbox:list")).content.decode()


def test_the_email_leaves_out_responses_she_saw_in_the_app(client, people):
    people.response.delete()  # made without the services: no notification to read
    seen = response_create(author=people.member, log=people.log, kind="question", body="Seen?")
    client.force_login(people.author)
    client.get(people.log.get_absolute_url())  # she reads it in the app
    unseen = response_create(
        author=people.facilitator, log=people.log, kind="reflection", body="New"
    )
    mail.outbox.clear()
    assert response_emails_send(recipient_id=people.author.pk) == 1
    (email,) = mail.outbox
    assert "New" in email.body and "Seen?" not in email.body
    assert unseen.pk and seen.pk
    # Nothing is left for the sweep to send again.
    assert response_emails_send(recipient_id=people.author.pk) == 0


def test_no_email_when_she_has_seen_everything(client, people):
    people.response.delete()  # made without the services: no notification to read
    response = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    client.force_login(people.author)
    client.get(reverse("inbox:open", args=[Notification.objects.get(response=response).pk]))
    mail.outbox.clear()
    assert response_emails_send(recipient_id=people.author.pk) == 0
    assert mail.outbox == []


def test_read_notifications_older_than_90_days_are_purged(people):
    now = timezone.now()
    for days, read in ((91, True), (91, False), (89, True)):
        response = ResponseFactory(log=people.log, author=people.member)
        Notification.objects.create(
            recipient=people.author,
            verb=Verb.RESPONDED,
            circle=people.circle,
            log=people.log,
            response=response,
            created_at=now - dt.timedelta(days=days),
            read_at=now if read else None,
        )
    assert notifications_purge(now=now) == 1
    left = sorted((now - n.created_at).days for n in Notification.objects.all())
    assert left == [89, 91]
    inbox_purge_task()  # the beat task calls the same service
    assert Notification.objects.count() == 2


def test_the_purge_runs_on_the_beat_schedule():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    importlib.import_module("notifications.migrations.0008_inbox_purge_schedule").create(apps, None)
    task = PeriodicTask.objects.get(task="notifications.inbox_purge")
    assert task.enabled and (task.crontab.minute, task.crontab.hour) == ("15", "4")


def test_a_member_of_one_circle_never_learns_of_another_through_notifications(people):
    log = log_create(
        author=people.stranger,
        circle=people.other_circle,
        data={"title": "T", "situation": "@Bea Member @Asha Author", "action": "A"},
        tags=[],
        publish=True,
    )
    assert log.mentioned_ids == []
    assert not Notification.objects.filter(recipient__in=[people.member, people.author]).exists()


def test_query_count_of_bell_and_page_does_not_grow(client, people, django_assert_num_queries):
    counts = []
    for n in (3, 50):
        for _ in range(n):
            response_create(author=people.member, log=people.log, kind="question", body="Q?")
        client.force_login(people.author)
        # user with profile, the count (the session from the cache)
        with django_assert_num_queries(2):
            client.get(reverse("inbox:bell"))
        with django_assert_num_queries(1):  # the count from the cache
            client.get(reverse("inbox:bell"))
        # user with profile, the page of notifications with actors and targets (the session
        # and the bell's count from the cache)
        with django_assert_num_queries(2) as ctx:
            page = client.get(reverse("inbox:list")).content.decode()
        counts.append(len(ctx.captured_queries))
        assert page.count('class="card notification') == min(Notification.objects.count(), 50)
    assert counts == [2, 2]


def test_the_page_holding_all_her_notifications_counts_the_bell_with_no_query(
    client, people, django_assert_num_queries
):
    hidden = response_create(author=people.member, log=people.log, kind="question", body="Q?")
    for _ in range(2):
        response_create(author=people.member, log=people.log, kind="question", body="Q?")
    content_hide(actor=people.facilitator, response=hidden, reason="Off topic")
    client.force_login(people.author)
    bell_forget([people.author.pk])
    # user with profile, the page of notifications (the session from the cache): the bell
    # is counted from the page's own rows, the hidden response left out of both
    with django_assert_num_queries(2):
        page = client.get(reverse("inbox:list")).content.decode()
    assert page.count('class="card notification') == 2
    assert 'data-count="2"' in page
    with django_assert_num_queries(1):  # the user: the bell the page kept
        assert 'data-count="2"' in client.get(reverse("inbox:bell")).content.decode()


def test_the_removed_member_is_not_told(people):
    people.member.memberships.update(state=MembershipState.REMOVED)
    response_create(author=people.facilitator, log=people.log, kind="question", body="@Bea Member?")
    assert verbs(people.member) == []


def test_a_new_member_can_be_mentioned(people):
    newcomer = MembershipFactory(circle=people.circle).member
    name = newcomer.display_name
    response_create(author=people.member, log=people.log, kind="question", body=f"Hi @{name}")
    assert verbs(newcomer) == [Verb.MENTIONED]


def test_a_commitment_due_is_told_in_the_app_once(people):
    import time_machine

    from notifications.services.nudges import nudges_send_due
    from tests.notifications.conftest import at, log_in

    log = log_in(
        people.circle, people.author, published_at=at(10), title="Board trial",
        next_step="run the board", next_step_due=dt.date(2026, 11, 20),
    )  # fmt: skip
    for hours in (0, 1, 25):
        with time_machine.travel(at(23, 10) + dt.timedelta(hours=hours), tick=False):
            nudges_send_due()
    (note,) = Notification.objects.filter(verb=Verb.COMMITMENT_DUE)
    assert (note.recipient, note.log) == (people.author, log)


def test_the_cached_bell_counts_a_new_notification_at_once(client, people):
    client.force_login(people.author)
    assert "data-count" not in client.get(reverse("inbox:bell")).content.decode()
    response_create(author=people.member, log=people.log, kind="question", body="Q?")
    assert 'data-count="1"' in client.get(reverse("inbox:bell")).content.decode()
    client.post(reverse("inbox:read_all"))
    assert "data-count" not in client.get(reverse("inbox:bell")).content.decode()


def test_a_report_notification_leads_to_the_queue(client, people):
    report_create(reporter=people.member, response=people.response, reason="other")
    note = Notification.objects.get(recipient=people.facilitator)
    client.force_login(people.facilitator)
    opened = client.get(reverse("inbox:open", args=[note.pk]))
    assert opened["Location"] == reverse("facilitation:queue", args=["ward-north"])


def test_the_bell_says_its_count_and_marks_itself_current_only_on_her_notifications(client, people):
    for _ in range(101):
        Notification.objects.create(
            recipient=people.author, verb="responded", circle=people.log.circle, log=people.log
        )
    client.force_login(people.author)
    poll = reverse("inbox:bell")
    on_feed = client.get(poll, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://t/circles/")
    html = on_feed.content.decode()
    assert (
        f'<a id="bell" class="bell" href="{reverse("inbox:list")}" hx-get="{poll}"'
        ' hx-trigger="every 60s" hx-swap="outerHTML">Notifications'
        ' <span class="bell-count" data-count="101">99+'
        '<span class="visually-hidden"> unread</span></span></a>'
    ) in html
    inbox = client.get(reverse("inbox:list")).content.decode()
    assert 'hx-swap="outerHTML" aria-current="page">Notifications' in inbox
    from_inbox = client.get(
        poll, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://t" + reverse("inbox:list")
    )
    assert 'aria-current="page"' in from_inbox.content.decode()
    feed = client.get(people.log.circle.get_absolute_url()).content.decode()
    assert 'id="bell"' in feed and 'aria-current="page">Notifications' not in feed
