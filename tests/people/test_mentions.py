"""@mentions: linked at save for active members of the circle (longest name first, any
case), plain text for anyone else; announced on publish only, at most ten, never to the
writer or to anyone outside the circle."""

import re

import pytest
from django.urls import reverse

from circles.mentions import MENTIONS_NOTIFIED, Mentions
from circles.models import LogState, MembershipState
from circles.services.logs import log_create, log_publish, log_update
from circles.services.responses import response_create, response_update
from notifications.models import Notification, Verb
from tests.factories import MembershipFactory
from tests.people.conftest import person

pytestmark = pytest.mark.django_db


def mentioned(user) -> list:
    return list(Notification.objects.filter(recipient=user, verb=Verb.MENTIONED))


def log_data(text: str) -> dict:
    return {"title": "Rota swap", "situation": text, "action": "Asked the team."}


def test_a_mention_links_to_her_profile_and_tells_her(people):
    response = response_create(
        author=people.member,
        log=people.log,
        kind="question",
        body="What would @grace facilitator try?",
    )
    link = (
        f'<a href="/people/{people.facilitator.pk}/" rel="nofollow noopener">@grace facilitator</a>'
    )
    assert link in response.body_html
    assert response.mentioned_ids == [people.facilitator.pk]
    (note,) = mentioned(people.facilitator)
    assert note.response == response and note.actor == people.member


def test_the_log_author_mentioned_in_a_response_is_told_once(people):
    response_create(author=people.member, log=people.log, kind="question", body="@Asha Author?")
    assert list(
        Notification.objects.filter(recipient=people.author).values_list("verb", flat=True)
    ) == [Verb.RESPONDED]


def test_the_longest_name_wins():
    m = Mentions(members=[(1, "Sam Lee"), (2, "Sam Lee-Jones")])
    html = m.link("<p>Thanks @Sam Lee-Jones and @sam lee.</p>")
    assert html == (
        '<p>Thanks <a href="/people/2/">@Sam Lee-Jones</a> and '
        '<a href="/people/1/">@sam lee</a>.</p>'
    )
    assert m.found == [2, 1]


def test_no_mention_inside_code_links_or_email_addresses():
    m = Mentions(members=[(1, "Sam")])
    html = m.link('<p><code>@Sam</code> <a href="x">@Sam</a> sam@Sam.org @Samuel</p>')
    assert "/people/1/" not in html and m.found == []


def test_a_name_that_is_no_member_is_plain_text(people):
    body = "@Stella Stranger and @Rita Request and @Remy Removed, what do you think?"
    response = response_create(author=people.member, log=people.log, kind="question", body=body)
    assert "<a " not in response.body_html and response.mentioned_ids == []
    assert not Notification.objects.filter(verb=Verb.MENTIONED).exists()


def test_a_name_cannot_inject_markup(people):
    odd = person("<b>Bold</b> & Co")
    MembershipFactory(circle=people.circle, member=odd)
    response = response_create(
        author=people.member, log=people.log, kind="question", body="@<b>Bold</b> & Co hello"
    )
    assert "<b>" not in response.body_html and "&lt;b&gt;" in response.body_html
    assert response.mentioned_ids == [odd.pk]


def test_a_draft_tells_nobody_until_it_is_published(people):
    draft = log_create(
        author=people.author, circle=people.circle, data=log_data("@Bea Member?"), tags=[]
    )
    assert draft.state == LogState.DRAFT and draft.mentioned_ids == [people.member.pk]
    assert mentioned(people.member) == []
    log_publish(author=people.author, log=draft)
    assert [n.log_id for n in mentioned(people.member)] == [draft.pk]


def test_an_edit_tells_only_the_newly_mentioned(people):
    log = log_create(
        author=people.author,
        circle=people.circle,
        data=log_data("@Bea Member"),
        tags=[],
        publish=True,
    )
    log_update(
        author=people.author, log=log, data=log_data("@Bea Member @Grace Facilitator"), tags=[]
    )
    assert len(mentioned(people.member)) == 1 and len(mentioned(people.facilitator)) == 1
    response = response_create(author=people.member, log=log, kind="question", body="Hi")
    response_update(
        author=people.member, response=response, body="Hi @Grace Facilitator", kind="question"
    )
    assert len(mentioned(people.facilitator)) == 2


def test_the_writer_is_never_told_of_her_own_mention(people):
    response_create(author=people.member, log=people.log, kind="question", body="I, @Bea Member")
    assert mentioned(people.member) == []


def test_at_most_ten_are_told(people):
    names = [f"Peer Number {i:02d}" for i in range(14)]
    peers = [MembershipFactory(circle=people.circle, member=person(n)).member for n in names]
    body = " ".join(f"@{n}" for n in names)
    response = response_create(author=people.member, log=people.log, kind="question", body=body)
    assert len(response.mentioned_ids) == 14
    told = set(Notification.objects.filter(verb=Verb.MENTIONED).values_list("recipient", flat=True))
    assert told == {p.pk for p in peers[:MENTIONS_NOTIFIED]}


def test_a_thousand_mentions_tell_at_most_ten_and_change_nothing_else(people):
    body = "@Bea Member " + "@nobody " * 600
    body = body[:5000]
    response = response_create(
        author=people.facilitator, log=people.log, kind="question", body=body
    )
    assert response.mentioned_ids == [people.member.pk]
    assert Notification.objects.filter(verb=Verb.MENTIONED).count() == 1


def test_someone_who_left_after_the_draft_is_not_told(people):
    draft = log_create(
        author=people.author, circle=people.circle, data=log_data("@Bea Member"), tags=[]
    )
    people.member.memberships.filter(circle=people.circle).update(state=MembershipState.LEFT)
    log_publish(author=people.author, log=draft)
    assert mentioned(people.member) == []


# --- the email that goes with a mention -----------------------------------------------------


def _mention(people):
    from django.core import mail

    response_create(
        author=people.member, log=people.log, kind="question", body="@Grace Facilitator, thoughts?"
    )
    mail.outbox.clear()
    return Notification.objects.get(verb=Verb.MENTIONED, recipient=people.facilitator)


def test_a_mention_is_emailed_once(people, django_capture_on_commit_callbacks):
    from django.core import mail

    from notifications.services.mentions import mention_email_send

    with django_capture_on_commit_callbacks() as callbacks:
        note = _mention(people)
    assert len(callbacks) >= 1  # the email is queued after commit
    assert mention_email_send(notification_id=note.pk) is True
    (email,) = mail.outbox
    assert email.subject == "Bea Member mentioned you in “Handover huddle”"
    assert f"#response-{note.response_id}" in email.body and "thoughts?" in email.body
    assert mention_email_send(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_the_mention_emails_links_are_absolute(people, settings):
    from django.core import mail

    from notifications.services.mentions import mention_email_send

    settings.SITE_URL = "https://school.example.org"
    response_create(
        author=people.member,
        log=people.log,
        kind="question",
        body="@Grace Facilitator, see [our rota](/circles/ward/) and [the guide](guide/).",
    )
    mail.outbox.clear()
    note = Notification.objects.get(verb=Verb.MENTIONED, recipient=people.facilitator)
    assert mention_email_send(notification_id=note.pk) is True
    ((html, _),) = mail.outbox[0].alternatives
    site = "https://school.example.org"
    assert f'href="{site}/people/{people.facilitator.pk}/"' in html
    assert f'href="{site}/circles/ward/"' in html and f'href="{site}/guide/"' in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "mailto:")) for h in hrefs), hrefs


def test_no_mention_email_when_turned_off_or_already_seen(client, people):
    from django.core import mail

    from notifications.services.mentions import mention_email_send

    people.facilitator.profile.mention_emails_enabled = False
    people.facilitator.profile.save()
    note = _mention(people)
    assert mention_email_send(notification_id=note.pk) is False
    people.facilitator.profile.mention_emails_enabled = True
    people.facilitator.profile.save()
    Notification.objects.all().delete()
    note = _mention(people)
    client.force_login(people.facilitator)
    client.get(reverse("inbox:open", args=[note.pk]))  # she saw it in the app first
    assert mention_email_send(notification_id=note.pk) is False
    assert mail.outbox == []


def test_the_sweep_sends_a_mention_email_whose_task_was_lost(people):
    import datetime as dt

    from django.core import mail
    from django.utils import timezone

    from notifications.services.mentions import mention_emails_sweep

    note = _mention(people)
    assert mention_emails_sweep() == 0  # its own task still has time
    later = timezone.now() + dt.timedelta(minutes=5)
    assert mention_emails_sweep(now=later) == 1
    assert mention_emails_sweep(now=later) == 0
    assert [m.to for m in mail.outbox] == [[people.facilitator.email]]
    assert note.pk
