"""A create form carries a one-time token: posting it again (Back, then Publish again; a
double click) makes nothing new and lands on what the first submission made."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from circles.models import ActionLog, Response
from notifications.models import Notification
from tests.circles.conftest import world_build
from tests.circles.helpers import log_post_data

pytestmark = pytest.mark.django_db


def _token(html: str, action: str) -> str:
    """The one-time token of the form that posts to ``action``."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S).group(0)
    return re.search(r'name="once" value="([^"]+)"', form).group(1)


def test_publishing_the_same_log_form_twice_makes_one_log(client, world):
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    html = client.get(url).content.decode()
    form = re.search(r'<form[^>]*id="log-form".*?</form>', html, re.S).group(0)
    token = re.search(r'name="once" value="([^"]+)"', form).group(1)
    before = ActionLog.objects.count()
    data = log_post_data(publish="1", once=token)
    first = client.post(url, data)
    log = ActionLog.objects.latest("pk")
    assert first.status_code == 302 and first["Location"] == log.get_absolute_url()

    again = client.post(url, data, follow=True)  # Back: the browser refills the form
    assert ActionLog.objects.count() == before + 1
    assert again.redirect_chain[-1][0] == log.get_absolute_url()
    assert "This was already sent" in again.content.decode()

    fresh = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode()).group(1)
    assert fresh != token  # the form drawn again is a new submission
    client.post(url, log_post_data(publish="1", once=fresh, title="A second log"))
    assert ActionLog.objects.count() == before + 2


def test_a_response_and_a_reply_posted_twice_are_posted_once(client, world):
    log = world.log
    client.force_login(world.member)
    page = client.get(log.get_absolute_url()).content.decode()
    respond = reverse("circles:response_create", args=[log.circle.slug, log.pk])
    data = {"kind": "question", "body": "What did the night staff say?"}
    data["once"] = _token(page, respond)
    client.post(respond, data)
    client.post(respond, data)
    assert Response.objects.filter(log=log, body=data["body"]).count() == 1

    page = client.get(log.get_absolute_url()).content.decode()
    response = Response.objects.get(log=log, body=data["body"])
    reply_url = reverse("circles:reply_create", args=[log.circle.slug, log.pk, response.pk])
    reply = {"body": "And the day staff?", "once": _token(page, reply_url)}
    for _ in range(2):
        client.post(reply_url, reply, HTTP_HX_REQUEST="true")
    assert Response.objects.filter(parent=response, body=reply["body"]).count() == 1
    # Each reading of the page draws the reply form with a token of its own.
    again = client.get(log.get_absolute_url()).content.decode()
    assert _token(again, reply_url) != reply["once"]


@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_of_one_form_make_one_log(postgres_only, race, world):
    """A double click: both requests are under way before either has committed."""
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})
    data = log_post_data(publish="1", once="6f1c2a8e-5b7d-4c3e-9a1f-0d2e4b6c8a10")
    before = ActionLog.objects.count()
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(world.member)
    statuses = []
    outcomes = race([lambda b=b: statuses.append(b.post(url, data).status_code) for b in browsers])
    assert outcomes == ["ok", "ok"] and statuses == [302, 302]
    assert ActionLog.objects.count() == before + 1


def test_the_same_invite_form_posted_twice_makes_one_link(client, world):
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    html = client.get(url).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', html).group(1)
    before = world.circle.invites.count()
    for _ in range(2):
        page = client.post(url, {"days": "7", "max_uses": "1", "once": token})
        assert page.status_code == 302 and page["Location"] == url
    assert world.circle.invites.count() == before + 1


def test_the_form_drawn_afresh_after_back_and_refilled_lands_on_the_first_log(client, world):
    """After Back the page is fetched again (it is never stored): a new token, and the
    browser refills the same words."""
    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})

    def drawn() -> str:
        html = client.get(url).content.decode()
        return re.search(r'name="once" value="([^"]+)"', html).group(1)

    before = ActionLog.objects.count()
    client.post(url, log_post_data(publish="1", once=drawn()))
    log = ActionLog.objects.latest("pk")
    again = client.post(url, log_post_data(publish="1", once=drawn()))
    assert again["Location"] == log.get_absolute_url()
    assert ActionLog.objects.count() == before + 1
    client.post(url, log_post_data(publish="1", once=drawn(), ask="A different ask"))
    assert ActionLog.objects.count() == before + 2


def test_two_invite_links_alike_are_two_links(client, world):
    """One single-use link each for two people: the same settings, two forms drawn."""
    client.force_login(world.facilitator)
    url = reverse("circles:invites", args=[world.circle.slug])
    before = world.circle.invites.count()
    for _ in range(2):
        html = client.get(url).content.decode()
        token = re.search(r'name="once" value="([^"]+)"', html).group(1)
        client.post(url, {"days": "7", "max_uses": "1", "once": token})
    assert world.circle.invites.count() == before + 2


def test_the_same_request_to_join_posted_twice_asks_the_facilitators_once(client):
    place = world_build(slug="ward-managers", policy="request", entry_question="Why?")
    client.force_login(place.non_member)
    url = reverse("circles:request", args=[place.circle.slug])
    token = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode()).group(1)
    for _ in range(2):
        page = client.post(url, {"answer": "Handovers that end on time.", "once": token})
        assert page.status_code == 302 and page["Location"] == place.circle.get_absolute_url()
    asked = Notification.objects.filter(recipient=place.facilitator, verb="join_requested")
    assert asked.count() == 1


def test_the_same_words_sent_again_later_are_a_new_submission(client, world):
    """A form drawn afresh with the same words counts as the first only for a few minutes:
    later it is new (an item removed and added again, a request sent again after a
    decline), never swallowed."""
    import time_machine
    from django.utils import timezone

    from circles.once import SAME_CONTENT_MINUTES

    client.force_login(world.member)
    url = reverse("circles:log_create", kwargs={"slug": world.circle.slug})

    def drawn() -> str:
        html = client.get(url).content.decode()
        return re.search(r'name="once" value="([^"]+)"', html).group(1)

    before = ActionLog.objects.count()
    client.post(url, log_post_data(publish="1", once=drawn()))
    later = timezone.now() + dt.timedelta(minutes=SAME_CONTENT_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        client.force_login(world.member)
        again = client.post(url, log_post_data(publish="1", once=drawn()))
        assert ActionLog.objects.count() == before + 2
        assert again["Location"] == ActionLog.objects.latest("pk").get_absolute_url()
        # and that second one is now the first of its own few minutes
        client.post(url, log_post_data(publish="1", once=drawn()))
        assert ActionLog.objects.count() == before + 2
