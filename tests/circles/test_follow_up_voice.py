"""A follow-up shows the earlier log's prediction and commitment: in the author's own
voice ("you") to her alone, and under her name to everyone else who reads it."""

import pytest
from django.urls import reverse

from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up():
    circle = CircleFactory()
    asha = MembershipFactory(circle=circle).member
    asha.profile.display_name = "Asha Patel"
    asha.profile.save()
    tom = MembershipFactory(circle=circle).member
    earlier = ActionLogFactory(circle=circle, author=asha, title="Handover huddle")
    later = ActionLogFactory(circle=circle, author=asha, follows=earlier, title="Weekend huddle")
    return asha, tom, later


def test_a_peer_reads_the_authors_name_where_the_author_reads_you(client, follow_up):
    asha, tom, later = follow_up
    client.force_login(tom)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "What Asha Patel expected then" in page
    assert "Asha Patel’s commitment" in page
    assert "What you expected then" not in page and "Your commitment" not in page

    client.force_login(asha)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "What you expected then" in page and "Your commitment" in page
    assert "Asha Patel’s commitment" not in page


def test_the_writer_of_a_follow_up_reads_you_beside_her_form(client, follow_up):
    asha, _, later = follow_up
    client.force_login(asha)
    url = reverse("circles:log_edit", args=[later.circle.slug, later.pk])
    page = client.get(url).content.decode()
    assert "What you expected then" in page and "Your commitment" in page
