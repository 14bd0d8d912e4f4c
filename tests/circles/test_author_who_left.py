"""A log's author who left the circle, or was removed from it, keeps their own log but no
longer sees (on the page or by email) what the circle writes in response, and cannot act on
those responses."""

import pytest
from django.core import mail
from django.urls import reverse

from circles.models import MembershipState, Response
from notifications.services.responses import response_emails_send
from tests.factories import ResponseFactory


def _leave(world, state):
    membership = world.author.memberships.get(circle=world.circle)
    membership.state = state
    membership.save()


@pytest.mark.parametrize("state", [MembershipState.REMOVED, MembershipState.LEFT])
def test_author_no_longer_in_the_circle_does_not_see_new_responses(client, world, state):
    _leave(world, state)
    later = ResponseFactory(log=world.log, author=world.member, body="Posted after they went")
    client.force_login(world.author)
    page = client.get(world.log.get_absolute_url())
    assert page.status_code == 200  # their own log stays theirs
    text = page.content.decode()
    assert "Posted after they went" not in text
    assert "What did nights think?" not in text
    assert not Response.objects.visible_to(world.author).filter(pk=later.pk).exists()


def test_author_still_in_the_circle_sees_responses(client, world):
    client.force_login(world.author)
    assert "What did nights think?" in client.get(world.log.get_absolute_url()).content.decode()


def test_removed_author_gets_no_email_with_the_circles_responses(world):
    _leave(world, MembershipState.REMOVED)
    ResponseFactory(log=world.log, author=world.member, body="Posted after removal")
    assert response_emails_send(recipient_id=world.author.pk) == 0
    assert mail.outbox == []


def test_removed_author_cannot_mark_a_response_helpful(client, world):
    _leave(world, MembershipState.REMOVED)
    client.force_login(world.author)
    url = reverse(
        "circles:response_helpful",
        kwargs={"slug": world.circle.slug, "pk": world.log.pk, "rpk": world.response.pk},
    )
    assert client.post(url).status_code == 404
    world.response.refresh_from_db()
    assert world.response.helpful_at is None
