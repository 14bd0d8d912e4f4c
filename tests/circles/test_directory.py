"""The circle directory, "circles for your roles", and a circle's public page: who sees
what, filters, query counts, and that a circle's logs never leak to outsiders."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from circles.models import MembershipState
from circles.selectors import circle_public, circles_for_roles
from circles.services.memberships import invite_create, invite_token
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Confidential: the bed-management row with matron Okafor"
SECRET_BODY = "We moved two patients without telling the site team"


@pytest.fixture
def roles():
    return SimpleNamespace(
        # Seeded by members' migration.
        ward=RoleFactory(slug="ward-manager-senior-nurse"),
        city=RoleFactory(slug="city-official-service-delivery"),
    )


@pytest.fixture
def circles(roles):
    ward = CircleFactory(name="Ward managers north", slug="ward-north")
    ward.roles.add(roles.ward)
    ward.tags.add("safe staffing", "handover")
    city = CircleFactory(name="Street services", slug="street-services")
    city.roles.add(roles.city)
    city.tags.add("waste")
    both = CircleFactory(name="Crossing boundaries", slug="crossing", join_policy="invite")
    both.roles.add(roles.ward, roles.city)
    both.tags.add("handover")
    CircleFactory(name="Old ward circle", slug="old-ward", status="archived").roles.add(roles.ward)
    return SimpleNamespace(ward=ward, city=city, both=both)


def names(response):
    return [c.name for c in response.context["circles"]]


# --- directory ------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_directory_lists_active_circles_for_anyone(client, circles, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(reverse("circles:directory"))
    assert response.status_code == 200
    assert names(response) == ["Crossing boundaries", "Street services", "Ward managers north"]
    html = response.content.decode()
    assert "Old ward circle" not in html
    assert "Invite only" in html and "Open to join" in html


def test_directory_filters_by_role_tag_and_name(client, circles):
    url = reverse("circles:directory")
    assert names(client.get(url, {"role": "city-official-service-delivery"})) == [
        "Crossing boundaries",
        "Street services",
    ]
    assert names(client.get(url, {"tag": "handover"})) == [
        "Crossing boundaries",
        "Ward managers north",
    ]
    assert names(client.get(url, {"q": "STREET"})) == ["Street services"]
    assert names(
        client.get(url, {"role": "ward-manager-senior-nurse", "tag": "handover", "q": "north"})
    ) == ["Ward managers north"]
    response = client.get(url, {"q": "nothing like this"})
    assert names(response) == []
    assert "No circle matches these filters" in response.content.decode()


def test_directory_unknown_filter_value_is_reported_not_fatal(client, circles):
    response = client.get(reverse("circles:directory"), {"role": "astronaut", "q": "street"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert names(response) == ["Street services"]


def test_directory_shows_my_state_and_counts(client, circles):
    user = UserFactory()
    MembershipFactory(member=user, circle=circles.ward)
    MembershipFactory(member=user, circle=circles.city, state=MembershipState.PENDING)
    MembershipFactory(circle=circles.ward)
    MembershipFactory(circle=circles.ward, state=MembershipState.LEFT)
    client.force_login(user)
    response = client.get(reverse("circles:directory"))
    by_name = {c.name: c for c in response.context["circles"]}
    assert by_name["Ward managers north"].active_count == 2
    assert by_name["Ward managers north"].my_state == "active"
    assert by_name["Street services"].my_state == "pending"
    assert by_name["Crossing boundaries"].my_state is None
    html = response.content.decode()
    assert "You are a member" in html and "Request sent" in html
    assert "2 of 12 places taken" in html


def test_directory_is_paginated(client):
    for i in range(25):
        CircleFactory(name=f"Circle {i:02d}", slug=f"c-{i:02d}")
    first = client.get(reverse("circles:directory"))
    assert len(first.context["circles"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("circles:directory"), {"page": 2, "q": "circle"})
    assert names(second) == [f"Circle {i:02d}" for i in range(20, 25)]
    assert "?page=1&amp;q=circle" in second.content.decode()


def _many_circles(n, roles):
    for i in range(n):
        circle = CircleFactory()
        circle.roles.add(roles.ward, roles.city)
        circle.tags.add(f"tag-{i}", "common")
        MembershipFactory(circle=circle)
        FacilitatorFactory(circle=circle)


# Anonymous: tags in use, role choices, page count, circles, roles prefetch, tags prefetch.
DIRECTORY_QUERIES_ANONYMOUS = 6
# Signed in: + user with profile (members.auth); the session comes from the cache.
DIRECTORY_QUERIES_SIGNED_IN = 8  # with the bell


@pytest.mark.parametrize("n", [3, 30])
def test_directory_query_count_is_constant(client, roles, django_assert_num_queries, n):
    _many_circles(n, roles)
    with django_assert_num_queries(DIRECTORY_QUERIES_ANONYMOUS):
        response = client.get(reverse("circles:directory"))
    assert len(response.context["circles"]) == min(n, 20)
    client.force_login(UserFactory())
    with django_assert_num_queries(DIRECTORY_QUERIES_SIGNED_IN):
        client.get(reverse("circles:directory"), {"tag": "common"})


# --- circles for your roles -----------------------------------------------------------------


def test_circles_for_roles(circles, roles):
    user = UserFactory()
    user.profile.roles.add(roles.ward)
    # Open circles first, invite-only ones after them.
    assert [c.name for c in circles_for_roles(user=user)] == [
        "Ward managers north",
        "Crossing boundaries",
    ]
    MembershipFactory(member=user, circle=circles.ward)
    assert [c.name for c in circles_for_roles(user=user)] == ["Crossing boundaries"]
    user.profile.roles.add(roles.city)  # two matching roles: listed once
    assert [c.name for c in circles_for_roles(user=user)] == [
        "Street services",
        "Crossing boundaries",
    ]
    assert list(circles_for_roles(user=UserFactory())) == []


def test_circle_public_is_fully_prefetched(circles, django_assert_num_queries):
    circle = circle_public(slug="ward-north")
    with django_assert_num_queries(0):
        assert [r.slug for r in circle.roles.all()] == ["ward-manager-senior-nurse"]
        assert sorted(t.name for t in circle.tags.all()) == ["handover", "safe staffing"]
        assert circle.facilitator_memberships == []


# --- the public page ------------------------------------------------------------------------


@pytest.fixture
def ward(circles):
    circle = circles.ward
    facilitator = FacilitatorFactory(circle=circle)
    facilitator.member.profile.display_name = "Ada Obi"
    facilitator.member.profile.save()
    other = CircleFactory(slug="other-one")
    log = ActionLogFactory(circle=circle, title=SECRET_TITLE, situation=SECRET_BODY)
    return SimpleNamespace(
        circle=circle,
        log=log,
        facilitator=facilitator.member,
        member=MembershipFactory(circle=circle).member,
        pending=MembershipFactory(
            circle=circle, state=MembershipState.PENDING, joined_at=None
        ).member,
        left=MembershipFactory(circle=circle, state=MembershipState.LEFT).member,
        other_facilitator=FacilitatorFactory(circle=other).member,
        non_member=UserFactory(),
        staff=UserFactory(is_staff=True),
    )


@pytest.mark.parametrize("who", [None, "non_member", "pending", "left", "other_facilitator"])
def test_public_page_never_shows_logs_to_outsiders(client, ward, who):
    if who:
        client.force_login(getattr(ward, who))
    response = client.get(ward.circle.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ward managers north" in html
    assert "safe staffing" in html  # purpose (rendered Markdown) and tag
    assert "<strong>safe staffing</strong>" in html
    assert "Ward manager / senior nurse" in html
    assert "Ada Obi" in html
    assert "Open to join" in html
    assert SECRET_TITLE not in html
    assert SECRET_BODY not in html
    assert f"/circles/{ward.circle.slug}/logs/{ward.log.pk}" not in html
    assert not response.context.get("show_feed")


@pytest.mark.parametrize("who", ["member", "facilitator", "staff"])
def test_members_and_staff_get_the_feed(client, ward, who):
    client.force_login(getattr(ward, who))
    response = client.get(ward.circle.get_absolute_url())
    assert response.context["show_feed"] is True
    assert SECRET_TITLE in response.content.decode()


def test_public_page_join_section_per_visitor(client, ward):
    url = ward.circle.get_absolute_url()
    join_url = reverse("circles:join", args=[ward.circle.slug])
    leave_url = reverse("circles:leave", args=[ward.circle.slug])
    html = client.get(url).content.decode()
    assert "Sign in to join" in html and join_url not in html
    client.force_login(ward.non_member)
    assert join_url in client.get(url).content.decode()
    client.force_login(ward.left)
    assert "Welcome back" in client.get(url).content.decode()
    client.force_login(ward.pending)
    html = client.get(url).content.decode()
    assert "waiting for a facilitator" in html and "Withdraw my request" in html
    client.force_login(ward.member)
    html = client.get(url).content.decode()
    assert "You are a member" in html and leave_url in html and join_url not in html
    client.force_login(ward.facilitator)
    html = client.get(url).content.decode()
    assert "You facilitate this circle" in html
    assert reverse("circles:invites", args=[ward.circle.slug]) in html


def test_public_page_request_and_invite_policies(client, ward):
    ward.circle.join_policy = "request"
    ward.circle.entry_question = "Which ward do you run?"
    ward.circle.save()
    client.force_login(ward.non_member)
    html = client.get(ward.circle.get_absolute_url()).content.decode()
    assert "Which ward do you run?" in html
    assert reverse("circles:request", args=[ward.circle.slug]) in html
    ward.circle.join_policy = "invite"
    ward.circle.save()
    html = client.get(ward.circle.get_absolute_url()).content.decode()
    assert "invite only" in html
    assert reverse("circles:request", args=[ward.circle.slug]) not in html


def test_public_page_archived_circle(client, ward):
    ward.circle.status = "archived"
    ward.circle.save()
    client.force_login(ward.non_member)
    html = client.get(ward.circle.get_absolute_url()).content.decode()
    assert "This circle is archived" in html
    assert reverse("circles:join", args=[ward.circle.slug]) not in html


def test_public_page_unknown_circle_is_404(client):
    assert client.get(reverse("circles:detail", args=["nope"])).status_code == 404


# --- XSS ------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<iframe src=https://evil.example></iframe>",
]


def assert_inert(html):
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html
    assert "<iframe" not in html


def test_user_text_is_inert_on_directory_public_page_and_requests(client, roles):
    evil = " ".join(PAYLOADS)
    role = RoleFactory(name="<script>alert(1)</script> role", slug="evil-role")
    circle = CircleFactory(
        name="<script>alert(1)</script><img src=x onerror=alert(1)>",
        slug="evil",
        purpose=evil,
        join_policy="request",
        entry_question="<iframe src=x></iframe> <img src=x onerror=alert(1)>?",
    )
    circle.roles.add(role)
    circle.tags.add("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
    facilitator = FacilitatorFactory(circle=circle).member
    facilitator.profile.display_name = "<script>alert(1)</script>"
    facilitator.profile.save()
    applicant = MembershipFactory(
        circle=circle, state=MembershipState.PENDING, joined_at=None, entry_answer=evil
    )
    applicant.member.profile.display_name = "<img src=x onerror=alert(1)>"
    applicant.member.profile.save()
    pages = [
        client.get(reverse("circles:directory")),
        client.get(circle.get_absolute_url()),
    ]
    client.force_login(UserFactory())
    pages.append(client.get(circle.get_absolute_url()))
    pages.append(client.get(reverse("circles:request", args=[circle.slug])))
    client.force_login(facilitator)
    page = client.get(circle.get_absolute_url())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()  # shown, as text
    pages.append(page)
    pages.append(
        client.post(
            reverse("circles:decline", args=[circle.slug, applicant.pk]),
            headers={"HX-Request": "true"},
        )
    )
    invite = invite_create(actor=facilitator, circle=circle)
    pages.append(client.get(reverse("circles:invites", args=[circle.slug])))
    accept = reverse("circles:invite_accept", args=[invite_token(invite)])
    pages.append(client.get(accept))
    client.logout()
    pages.append(client.get(accept))
    for response in pages:
        assert response.status_code == 200
        assert_inert(response.content.decode())
