"""PRODUCT.md journey 2 through the real views: a member joins an open circle, requests
to join a circle that asks an entry question, and joins through an invite link; a
facilitator admits or declines the request."""

import re

import pytest
from django.urls import reverse

from circles.models import Membership, MembershipState
from facilitation.models import ModerationAction, ModerationVerb
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOG_TITLE = "Protected mealtimes, second attempt"


def sign_in(client, user, password, next_url):
    response = client.post(
        reverse("account_login") + f"?next={next_url}",
        {"login": user.email, "password": password},
    )
    assert response.status_code == 302
    assert response.url == next_url
    return client.get(next_url)


def test_join_request_admit_decline_and_invite(client, password):
    role = RoleFactory(slug="ward-manager-senior-nurse")
    open_circle = CircleFactory(name="Ward managers north", slug="ward-north")
    open_circle.roles.add(role)
    ActionLogFactory(circle=open_circle, title=LOG_TITLE)
    asking = CircleFactory(
        name="Night shift leads",
        slug="night-shift",
        join_policy="request",
        entry_question="What keeps you awake about nights?",
    )
    asking.roles.add(role)
    facilitator = FacilitatorFactory(circle=asking).member
    FacilitatorFactory(circle=open_circle)
    nurse = UserFactory()
    nurse.profile.roles.add(role)

    # A visitor finds circles for the role, and the public page shows no logs.
    directory = client.get(reverse("circles:directory"), {"role": role.slug})
    html = directory.content.decode()
    assert "Ward managers north" in html and "Night shift leads" in html
    page = client.get(open_circle.get_absolute_url()).content.decode()
    assert LOG_TITLE not in page
    assert "Sign in to join" in page

    # They sign in, come back to the circle and join it.
    sign_in(client, nurse, password, open_circle.get_absolute_url())
    response = client.post(reverse("circles:join", args=[open_circle.slug]), follow=True)
    assert "Welcome to Ward managers north" in response.content.decode()
    assert "You are a member of this circle" in response.content.decode()
    assert LOG_TITLE in response.content.decode()  # members see the circle's feed

    # They ask to join the circle with an entry question.
    page = client.get(asking.get_absolute_url()).content.decode()
    assert "What keeps you awake about nights?" in page
    response = client.post(
        reverse("circles:request", args=[asking.slug]),
        {"answer": "Escalation at 3am when the registrar is in theatre."},
        follow=True,
    )
    assert "Your request to join is waiting for a facilitator" in response.content.decode()

    # A second person asks too.
    other = UserFactory()
    client.force_login(other)
    client.post(reverse("circles:request", args=[asking.slug]), {"answer": "Just curious."})

    # The facilitator sees both answers and admits the nurse (HTMX), declines the other.
    client.force_login(facilitator)
    page = client.get(asking.get_absolute_url()).content.decode()
    assert "Escalation at 3am" in page and "Just curious." in page
    nurse_request = Membership.objects.get(member=nurse, circle=asking)
    other_request = Membership.objects.get(member=other, circle=asking)
    fragment = client.post(
        reverse("circles:admit", args=[asking.slug, nurse_request.pk]),
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "is now a member of Night shift leads" in fragment
    assert "Escalation at 3am" not in fragment and "Just curious." in fragment
    response = client.post(
        reverse("circles:decline", args=[asking.slug, other_request.pk]),
        {"reason": "This circle is for people who lead night shifts."},
        follow=True,
    )
    assert "You declined the request" in response.content.decode()
    assert list(
        ModerationAction.objects.filter(circle=asking)
        .order_by("pk")
        .values_list("verb", "target_member", "actor")
    ) == [
        (ModerationVerb.ADMIT, nurse.pk, facilitator.pk),
        (ModerationVerb.DECLINE, other.pk, facilitator.pk),
    ]

    client.force_login(nurse)
    assert (
        "You are a member of this circle" in client.get(asking.get_absolute_url()).content.decode()
    )
    client.force_login(other)
    page = client.get(asking.get_absolute_url()).content.decode()
    assert "Your earlier request was declined" in page

    # The facilitator makes an invite link; a newcomer follows it, signs in, and joins.
    client.force_login(facilitator)
    invites = client.post(reverse("circles:invites", args=[asking.slug]), {"days": 7}, follow=True)
    link = re.search(r'value="http://testserver(/circles/invite/[^"]+/)"', invites.content.decode())
    assert link, "the invites page shows the new link"
    invite_url = link.group(1)
    client.logout()
    newcomer = UserFactory()
    page = client.get(invite_url).content.decode()
    assert "You are invited to join Night shift leads" in page
    page = sign_in(client, newcomer, password, invite_url).content.decode()
    assert "Join Night shift leads" in page
    response = client.post(invite_url, follow=True)
    assert "Welcome to Night shift leads" in response.content.decode()
    assert Membership.objects.get(member=newcomer, circle=asking).state == MembershipState.ACTIVE
