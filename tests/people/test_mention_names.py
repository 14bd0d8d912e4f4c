"""@Grace: a first name that one member of the circle alone has stands for her; an @name
that matches two people, or nobody, is pointed out under the field before posting."""

import pytest
from django.urls import reverse

from circles.mentions import Mentions, mention_problems
from circles.services.responses import response_create
from notifications.models import Notification, Verb
from tests.factories import MembershipFactory
from tests.people.conftest import person

pytestmark = pytest.mark.django_db


def test_a_unique_first_name_mentions_her(people):
    response = response_create(
        author=people.member, log=people.log, kind="question", body="What would @Grace try?"
    )
    assert f'<a href="/people/{people.facilitator.pk}/"' in response.body_html
    assert ">@Grace</a> try?" in response.body_html
    assert response.mentioned_ids == [people.facilitator.pk]
    assert Notification.objects.filter(recipient=people.facilitator, verb=Verb.MENTIONED).exists()


def test_a_first_name_two_members_share_mentions_nobody(people):
    MembershipFactory(circle=people.circle, member=person("Grace Hopper"))
    response = response_create(
        author=people.member, log=people.log, kind="question", body="What would @Grace try?"
    )
    assert "<a " not in response.body_html and response.mentioned_ids == []


def test_a_full_name_still_wins_over_a_first_name():
    m = Mentions(members=[(1, "Sam"), (2, "Sam Lee")])
    html = m.link("<p>@Sam Lee and @Sam</p>")
    assert html == '<p><a href="/people/2/">@Sam Lee</a> and <a href="/people/1/">@Sam</a></p>'


def test_the_problems_name_an_ambiguous_and_an_unknown_name():
    members = [(1, "Sam Lee"), (2, "Sam Okafor"), (3, "Grace Hopper")]
    problems = mention_problems("Ask @Sam and @Grace, and @Nadia, mail sam@x.org", members)
    assert problems == [
        "@Sam matches two people — pick one: @Sam Lee, @Sam Okafor",
        "@Nadia matches nobody in this circle: check the spelling.",
    ]
    assert mention_problems("@Sam Lee and @sam okafor", members) == []


def test_the_check_answers_members_with_the_problems(client, people):
    MembershipFactory(circle=people.circle, member=person("Grace Hopper"))
    url = reverse("circles:mentions_check", kwargs={"slug": people.circle.slug})
    client.force_login(people.member)
    page = client.post(url, {"text": "What would @Grace try? @Bea?"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "@Grace matches two people — pick one" in text
    assert "@Grace Facilitator" in text and "@Grace Hopper" in text
    assert "Bea" not in text


@pytest.mark.parametrize("who", ["non_member", "requester", "removed", "stranger"])
def test_the_check_refuses_who_is_not_a_member(client, people, who):
    url = reverse("circles:mentions_check", kwargs={"slug": people.circle.slug})
    client.force_login(getattr(people, who))
    assert client.post(url, {"text": "@Grace"}).status_code == 404


def test_the_check_sends_anonymous_visitors_to_sign_in(client, people):
    url = reverse("circles:mentions_check", kwargs={"slug": people.circle.slug})
    assert client.post(url, {"text": "@Grace"}).status_code == 302


def test_every_form_that_takes_mentions_checks_them_before_posting(client, people):
    """The log form, the response form and each reply form ask for the check."""
    response_create(author=people.member, log=people.log, kind="question", body="Why?")
    check = reverse("circles:mentions_check", kwargs={"slug": people.circle.slug})
    client.force_login(people.facilitator)
    page = client.get(people.log.get_absolute_url()).content.decode()
    forms = page.count("data-mentions-url=")
    assert forms >= 2  # the response form and the reply form
    assert page.count(f'data-mentions-check-url="{check}"') == forms
