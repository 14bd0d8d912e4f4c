"""Every new URL of the people part, for each persona of the access matrix: allowed where
she should be, 404 where the thing is not hers to know about, sent to sign in or to
finish onboarding first; and nothing changes when she is refused."""

import pytest
from django.urls import reverse

from circles.services.responses import response_create
from members.models import Profile
from notifications.models import Notification
from tests.people.conftest import PERSONAS

pytestmark = pytest.mark.django_db

OK, LOGIN, ONBOARD = "ok", "login", "onboarding"
# The redirects every page shares: a visitor signs in; an unconfirmed address is signed
# out and asked to confirm; a member who has not finished onboarding finishes it first.
FIRST = {"anonymous": LOGIN, "unconfirmed": LOGIN, "not_onboarded": ONBOARD}
READERS = {"member", "author", "facilitator", "staff"}
MEMBERS = {"member", "author", "facilitator"}


def outcome(response) -> object:
    if response.status_code == 302:
        if response["Location"].startswith(reverse("account_login")):
            return LOGIN
        if response["Location"].startswith(reverse("members:onboarding")):
            return ONBOARD
    return OK if response.status_code == 200 else response.status_code


def expected(who: str, allowed: set[str]) -> object:
    return FIRST.get(who) or (OK if who in allowed else 404)


def state():
    return (
        sorted(Notification.objects.values_list("pk", "read_at")),
        sorted(Profile.objects.values_list("pk", "introduction", "introduction_answered_at")),
    )


def visit(client, people, who, method, url, data=None):
    user = people.user(who)
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("who", PERSONAS)
def test_people_page(client, people, who):
    response = visit(client, people, who, "get", reverse("circles:people", args=["ward-north"]))
    assert outcome(response) == expected(who, READERS)
    if outcome(response) == OK:
        page = response.content.decode()
        assert "Bea Member" in page and "Grace Facilitator" in page
        # Not listed: requesters, removed members, other circles' members.
        assert "Rita Request" not in page.split("Waiting to join")[-1].split("Members")[-1]
        assert "Remy Removed" not in page and "Stella Stranger" not in page


@pytest.mark.parametrize("who", PERSONAS)
def test_profile_of_a_circle_member(client, people, who):
    url = reverse("people:profile", args=[people.author.pk])
    response = visit(client, people, who, "get", url)
    assert outcome(response) == expected(who, READERS)
    if outcome(response) == OK:
        assert "Handover huddle" in response.content.decode()


@pytest.mark.parametrize("who", PERSONAS)
def test_profile_of_another_circles_member(client, people, who):
    """Only staff and those who share her circle see the stranger's profile."""
    url = reverse("people:profile", args=[people.stranger.pk])
    response = visit(client, people, who, "get", url)
    assert outcome(response) == expected(who, {"staff", "other_facilitator"})


@pytest.mark.parametrize("who", PERSONAS)
def test_mention_suggestions(client, people, who):
    url = reverse("circles:mentions", args=["ward-north"])
    response = visit(client, people, who, "get", url + "?q=a")
    assert outcome(response) == expected(who, MEMBERS)
    if outcome(response) == OK:
        page = response.content.decode()
        assert "Asha Author" in page
        assert "Stella Stranger" not in page and "Rita Request" not in page


@pytest.mark.parametrize("who", PERSONAS)
def test_introduce(client, people, who):
    url = reverse("circles:introduce", args=["ward-north"])
    assert outcome(visit(client, people, who, "get", url)) == expected(who, MEMBERS)
    before = state()
    response = visit(client, people, who, "post", url, {"introduction": "Hello, I run Ward 7."})
    if who in MEMBERS:
        assert response.status_code == 302
        assert people.user(who).profile.__class__.objects.get(user=people.user(who)).introduction
    else:
        assert state() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_notifications_page_and_bell(client, people, who):
    response = visit(client, people, who, "get", reverse("inbox:list"))
    assert outcome(response) == (FIRST.get(who) or OK)
    bell = client.get(reverse("inbox:bell"))
    # A visitor's poll (her session ended; the unconfirmed was just signed out) changes
    # nothing on the page: 204, no sign-in page swapped into the header.
    expected_bell = 204 if FIRST.get(who) == LOGIN else FIRST.get(who) or OK
    assert outcome(bell) == expected_bell


@pytest.mark.parametrize("who", PERSONAS)
def test_opening_a_notification_is_for_its_recipient_only(client, people, who):
    response_create(author=people.facilitator, log=people.log, kind="question", body="Why?")
    notification = Notification.objects.get(recipient=people.author)
    before = state()
    response = visit(client, people, who, "get", reverse("inbox:open", args=[notification.pk]))
    if who == "author":
        assert response.status_code == 302
        assert response["Location"].endswith(f"#response-{notification.response_id}")
        assert Notification.objects.get(pk=notification.pk).read_at is not None
    else:
        assert outcome(response) == (FIRST.get(who) or 404)
        assert state() == before


@pytest.mark.parametrize("who", PERSONAS)
def test_mark_all_read_touches_only_her_own(client, people, who):
    response_create(author=people.facilitator, log=people.log, kind="question", body="Why?")
    response = visit(client, people, who, "post", reverse("inbox:read_all"))
    author_unread = Notification.objects.filter(recipient=people.author, read_at__isnull=True)
    assert author_unread.exists() == (who != "author")
    if who in FIRST:
        assert outcome(response) == FIRST[who]
