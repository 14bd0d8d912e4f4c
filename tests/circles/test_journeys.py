"""PRODUCT.md journeys 2–4 through the real views, one person after another:
join (open, request + admit, invite link), write a draft and publish it with tags, peers
see it in the feed and as "waiting for a response", a peer asks a question, the author
answers and marks the question helpful."""

import pytest
from django.urls import reverse

from circles.models import ActionLog, Invite, LogState, Membership, MembershipState, Response
from circles.services.memberships import invite_token
from tests.circles.helpers import log_post_data
from tests.factories import CircleFactory, FacilitatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_journeys_2_to_4(client):
    open_circle = CircleFactory(name="Ward managers", slug="ward-managers", join_policy="open")
    asking = CircleFactory(
        name="City lab",
        slug="city-lab",
        join_policy="request",
        entry_question="Which service do you run?",
    )
    invite_only = CircleFactory(name="Across", slug="across", join_policy="invite")
    facilitator = FacilitatorFactory(circle=open_circle).member
    FacilitatorFactory(circle=asking, member=facilitator)
    FacilitatorFactory(circle=invite_only, member=facilitator)
    asha = UserFactory(email="asha@example.org")
    tom = UserFactory(email="tom@example.org")

    # --- Journey 2: join an open circle, request to join, join through an invite --------
    for person in (asha, tom):
        client.force_login(person)
        client.post(reverse("circles:join", kwargs={"slug": open_circle.slug}))
    assert Membership.objects.filter(circle=open_circle, state=MembershipState.ACTIVE).count() == 3

    client.force_login(asha)
    client.post(
        reverse("circles:request", kwargs={"slug": asking.slug}),
        {"answer": "Acute medicine, 28 beds."},
    )
    request = Membership.objects.get(circle=asking, member=asha)
    assert request.state == MembershipState.PENDING
    client.force_login(facilitator)
    client.post(reverse("circles:admit", kwargs={"slug": asking.slug, "pk": request.pk}))
    request.refresh_from_db()
    assert request.state == MembershipState.ACTIVE

    client.post(reverse("circles:invites", kwargs={"slug": invite_only.slug}), {"days": 7})
    token = invite_token(Invite.objects.get(circle=invite_only))
    client.force_login(asha)
    client.post(reverse("circles:invite_accept", kwargs={"token": token}))
    assert Membership.objects.get(circle=invite_only, member=asha).state == MembershipState.ACTIVE

    # --- Journey 3: a draft first, then published, with tags ----------------------------
    create = reverse("circles:log_create", kwargs={"slug": open_circle.slug})
    assert client.get(create).status_code == 200
    response = client.post(create, log_post_data(title="Huddle at 07:30", save="1"))
    log = ActionLog.objects.get(title="Huddle at 07:30")
    assert log.state == LogState.DRAFT and response["Location"] == log.get_absolute_url()
    client.force_login(tom)
    assert client.get(log.get_absolute_url()).status_code == 404
    assert "Huddle at 07:30" not in client.get(open_circle.get_absolute_url()).content.decode()

    client.force_login(asha)
    client.post(reverse("circles:log_publish", kwargs={"slug": open_circle.slug, "pk": log.pk}))
    log.refresh_from_db()
    assert log.state == LogState.PUBLISHED
    assert sorted(t.name for t in log.tags.all()) == ["nights", "staffing"]

    client.force_login(tom)
    feed = client.get(open_circle.get_absolute_url()).content.decode()
    assert "Huddle at 07:30" in feed and "No response yet" in feed
    assert (
        "staffing" in client.get(open_circle.get_absolute_url() + "?tag=staffing").content.decode()
    )
    dashboard = client.get(reverse("dashboard")).content.decode()
    waiting = dashboard.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Huddle at 07:30" in waiting

    # --- Journey 4: a question, the author's answer, marked helpful ----------------------
    respond = reverse("circles:response_create", kwargs={"slug": open_circle.slug, "pk": log.pk})
    html = client.post(
        respond,
        {"kind": "question", "body": "Who runs it when you are off?"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    question = Response.objects.get(body="Who runs it when you are off?")
    assert f'id="response-{question.pk}"' in html and 'hx-swap-oob="true"' in html
    # The log is no longer waiting for a first response.
    waiting = client.get(reverse("dashboard")).content.decode().split('id="waiting-title"')[1]
    assert "Huddle at 07:30" not in waiting.split("</section>")[0]

    client.force_login(asha)
    page = client.get(log.get_absolute_url()).content.decode()
    assert "Who runs it when you are off?" in page and "Mark helpful" in page
    client.post(
        reverse(
            "circles:reply_create",
            kwargs={"slug": open_circle.slug, "pk": log.pk, "rpk": question.pk},
        ),
        {"body": "The senior nurse on shift does."},
    )
    client.post(
        reverse(
            "circles:response_helpful",
            kwargs={"slug": open_circle.slug, "pk": log.pk, "rpk": question.pk},
        ),
        {"helpful": "1"},
    )
    question.refresh_from_db()
    assert question.helpful_at is not None
    page = client.get(log.get_absolute_url()).content.decode()
    assert page.index("Who runs it when you are off?") < page.index("The senior nurse on shift")
    assert "Question: 1" in page and "Reflections: 0" in page and "Helpful" in page
    assert "Answered" in page
