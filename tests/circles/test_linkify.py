"""A bare URL pasted into anything written in Markdown (a SharePoint or Teams link) is a
link, marked ``rel="nofollow noopener"``, its text the whole URL, on the site and in the
emails that carry it."""

import pytest
from django.core import mail

from circles.services.responses import response_create
from commons.models import LessonQuestion
from notifications.models import Notification, Verb
from notifications.services.mentions import mention_email_send
from tests.factories import ActionLogFactory, LessonFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TEAMS = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA1ZTk2@thread.v2/0"
    "?context=%7b%22Tid%22%3a%22abc%22%7d"
)
SHAREPOINT = "https://nhs.sharepoint.com/sites/Ward7/Shared%20Documents/Rota.xlsx?web=1"


def link_to(url: str) -> str:
    return f'<a href="{url}" rel="nofollow noopener">'


def test_a_pasted_url_in_a_log_is_a_link_with_rel_nofollow_noopener():
    log = ActionLogFactory(situation=f"The rota: {SHAREPOINT}\n\nThe call: {TEAMS}")

    assert link_to(SHAREPOINT) in log.situation_html
    assert link_to(TEAMS) in log.situation_html
    # Its text is the whole address, not a shortened one.
    assert "Shared Documents/Rota.xlsx?web=1</a>" in log.situation_html


def test_a_www_address_and_an_email_address_are_links_too():
    log = ActionLogFactory(action="See www.england.nhs.uk or write to ward7@nhs.net.")

    assert link_to("http://www.england.nhs.uk") in log.action_html
    assert link_to("mailto:ward7@nhs.net") in log.action_html


def test_a_url_in_code_or_already_in_a_link_is_left_as_it_is():
    log = ActionLogFactory(situation=f"`{SHAREPOINT}` and [the rota]({SHAREPOINT}) and <{TEAMS}>")

    assert f"<code>{SHAREPOINT.replace('&', '&amp;')}</code>" in log.situation_html
    assert log.situation_html.count("<a ") == 2


def test_responses_and_questions_to_the_commons_are_linkified():
    log = ActionLogFactory()
    peer = MembershipFactory(circle=log.circle).member
    response = response_create(author=peer, log=log, kind="resource", body=SHAREPOINT)
    question = LessonQuestion(lesson=LessonFactory(), asker=log.author, body=f"Is it {TEAMS}?")
    question.save()

    assert link_to(SHAREPOINT) in response.body_html
    assert link_to(TEAMS) in question.body_html


def test_an_email_carries_the_link_whole_in_both_parts():
    log = ActionLogFactory()
    grace = MembershipFactory(circle=log.circle).member
    grace.profile.display_name = "Grace Okafor"
    grace.profile.save(update_fields=["display_name"])
    peer = MembershipFactory(circle=log.circle).member
    response_create(author=peer, log=log, kind="resource", body=f"@Grace Okafor the call: {TEAMS}")
    mail.outbox.clear()

    note = Notification.objects.get(verb=Verb.MENTIONED, recipient=grace)
    assert mention_email_send(notification_id=note.pk)

    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert link_to(TEAMS).replace(' rel="nofollow noopener"', "") in html.replace(
        ' rel="nofollow noopener"', ""
    )
    assert message.body.count(TEAMS) == 1
