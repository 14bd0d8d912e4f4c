"""The people page and profiles: what they show, privacy settings, activity, and the
same number of queries for 3 people (or logs) as for 50."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import INTRODUCTION_MAX
from tests.factories import ActionLogFactory, CircleFactory, MembershipFactory, ResponseFactory
from tests.people.conftest import person

pytestmark = pytest.mark.django_db


def test_people_page_shows_roles_badges_activity_and_respects_privacy(client, people):
    people.author.profile.organisation = "St Mary's"
    people.author.profile.save()
    people.member.profile.organisation = "Leeds General"
    people.member.profile.hide_organisation = True
    people.member.profile.save()
    ResponseFactory(
        log=people.log, author=people.facilitator, created_at=timezone.now() - dt.timedelta(days=20)
    )
    client.force_login(people.facilitator)
    page = client.get(reverse("circles:people", args=["ward-north"])).content.decode()
    assert "St Mary&#x27;s" in page and "Leeds General" not in page
    assert "Facilitator</span>" in page
    # The author published today, the member responded today, the facilitator 20 days ago.
    asha = page.split(f'id="person-{people.author.pk}"')[1].split("</li>")[0]
    grace = page.split(f'id="person-{people.facilitator.pk}"')[1].split("</li>")[0]
    assert "Active this week" in asha and "Active this month" in grace
    assert "Rita Request" in page  # facilitators see pending requests here


def test_hidden_activity_is_not_shown(client, people):
    people.author.profile.hide_active_status = True
    people.author.profile.save()
    client.force_login(people.member)
    page = client.get(reverse("circles:people", args=["ward-north"])).content.decode()
    asha = page.split(f'id="person-{people.author.pk}"')[1].split("</li>")[0]
    assert "Active" not in asha
    assert "Rita Request" not in page  # members do not see requests


def test_profile_shows_shared_circles_and_only_their_visible_logs(client, people):
    other_log = ActionLogFactory(
        circle=people.other_circle, author=people.author, title="Elsewhere"
    )
    MembershipFactory(circle=people.other_circle, member=people.author)
    hidden = ActionLogFactory(
        circle=people.circle, author=people.author, title="Hidden one", is_hidden=True
    )
    client.force_login(people.member)
    page = client.get(reverse("people:profile", args=[people.author.pk])).content.decode()
    assert "Handover huddle" in page and "Ward managers North" in page
    assert other_log.title not in page and "City officials" not in page
    assert hidden.title not in page


def test_names_link_to_profiles_on_feed_and_log_page(client, people):
    client.force_login(people.member)
    url = reverse("people:profile", args=[people.author.pk])
    assert url in client.get(people.circle.get_absolute_url()).content.decode()
    page = client.get(people.log.get_absolute_url()).content.decode()
    assert url in page and reverse("people:profile", args=[people.member.pk]) in page


def test_a_former_members_name_does_not_link(client, people):
    people.author.memberships.update(state="left")
    client.force_login(people.member)
    page = client.get(people.circle.get_absolute_url()).content.decode()
    assert reverse("people:profile", args=[people.author.pk]) not in page


def test_unknown_person_and_circle_are_404(client, people):
    client.force_login(people.member)
    assert client.get("/people/999999/").status_code == 404
    assert client.get(reverse("circles:people", args=["no-such-circle"])).status_code == 404


def test_introduction_is_saved_shown_and_skippable(client, people):
    client.force_login(people.member)
    page = client.get(people.circle.get_absolute_url()).content.decode()
    assert "Introduce yourself" in page
    url = reverse("circles:introduce", args=["ward-north"])
    too_long = client.post(url, {"introduction": "x" * (INTRODUCTION_MAX + 1)})
    assert too_long.status_code == 200 and "Please keep this to" in too_long.content.decode()
    people.member.profile.refresh_from_db()
    assert people.member.profile.introduction == ""
    client.post(url, {"introduction": "I run Ward 7 at St Mary's."})
    feed = client.get(people.circle.get_absolute_url()).content.decode()
    assert "New in the circle" in feed and "I run Ward 7" in feed
    assert "Introduce yourself</h2>" not in feed
    client.force_login(people.author)
    client.post(url, {"skip": "1"})
    assert (
        "Introduce yourself</h2>"
        not in client.get(people.circle.get_absolute_url()).content.decode()
    )


def test_mention_suggestions_are_at_most_eight(client, people):
    for i in range(12):
        MembershipFactory(circle=people.circle, member=person(f"Anna {i:02d}"))
    client.force_login(people.member)
    page = client.get(
        reverse("circles:mentions", args=["ward-north"]), {"q": "anna"}
    ).content.decode()
    assert page.count('role="option"') == 8


def _crowd(n: int):
    circle = CircleFactory(slug=f"crowd-{n}", capacity=200)
    members = [
        MembershipFactory(circle=circle, member=person(f"Person {n}-{i:03d}")).member
        for i in range(n)
    ]
    for i, m in enumerate(members):
        m.profile.roles.create(name=f"Role {n}-{i}", slug=f"role-{n}-{i}", sector="health")
        log = ActionLogFactory(circle=circle, author=m)
        ResponseFactory(log=log, author=members[0])
    return circle, members


PEOPLE_PAGE_QUERIES = 8


@pytest.mark.parametrize("query", [{}, {"q": "PERSON", "page": "2"}])
@pytest.mark.parametrize("n", [3, 120])
def test_people_page_query_count_does_not_grow(client, django_assert_num_queries, n, query):
    """The user with her profile, the circle, her membership, the counts (the circle's
    members and those the filter matches), the page of members with profiles, their roles,
    their activity (one grouped query), and the bell: the same for 3 members as for 120,
    filtered or not, on any page."""
    circle, members = _crowd(n)
    client.force_login(members[0])
    members[0].profile.introduction_answered_at = timezone.now()
    members[0].profile.save()
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get(reverse("circles:people", args=[circle.slug]), query)
    shown = 3 if n == 3 else 50
    assert response.content.decode().count('class="card person"') == shown
    assert f'Members <span class="meta">({n})</span>' in response.content.decode()


PROFILE_QUERIES = 7


@pytest.mark.parametrize("n", [3, 50])
def test_profile_query_count_does_not_grow(client, django_assert_num_queries, n):
    """session, user, profile, the person with profile, her roles, shared circles, her
    logs, the members of those circles (whose names link), and the bell."""
    circle, members = _crowd(3)
    for i in range(n):
        ActionLogFactory(circle=circle, author=members[1])
        other = CircleFactory(slug=f"more-{n}-{i}")
        MembershipFactory(circle=other, member=members[1])
        MembershipFactory(circle=other, member=members[0])
    client.force_login(members[0])
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get(reverse("people:profile", args=[members[1].pk]))
    assert response.status_code == 200


def test_names_in_the_queue_link_to_profiles(client, people):
    from facilitation.services import report_create

    report_create(reporter=people.member, response=people.response, reason="other")
    client.force_login(people.facilitator)
    page = client.get(reverse("facilitation:queue", args=["ward-north"])).content.decode()
    assert reverse("people:profile", args=[people.member.pk]) in page


def test_privacy_settings_are_saved_from_the_profile_page(client, people):
    client.force_login(people.member)
    profile = people.member.profile
    data = {
        "display_name": "Bea Member",
        "roles": [people.circle.roles.create(name="Nurse X", slug="nurse-x", sector="health").pk],
        "organisation": "Leeds General",
        "sector": "health",
        "time_zone": "Europe/London",
        "bio": "",
        "introduction": "Ward 9.",
        "hide_organisation": "on",
        "hide_active_status": "on",
    }
    assert client.post(reverse("members:profile_edit"), data).status_code == 302
    profile.refresh_from_db()
    assert (profile.hide_organisation, profile.hide_active_status) == (True, True)
    assert profile.introduction == "Ward 9."


def test_the_admin_lists_notifications(admin_client, people):
    from circles.services.responses import response_create

    response_create(author=people.member, log=people.log, kind="question", body="Q?")
    assert admin_client.get("/admin/notifications/notification/").status_code == 200


def test_bad_input_gets_a_clear_answer_and_changes_nothing(client, people):
    from notifications.models import Notification

    client.force_login(people.member)
    suggestions = reverse("circles:mentions", args=["ward-north"])
    page = client.get(suggestions, {"q": "x" * 10_000}).content.decode()
    assert "No member of Ward managers North by that name." in page
    assert client.get(suggestions, {"q": "a\x00b"}).status_code == 200  # PostgreSQL refuses NUL
    assert client.get(reverse("circles:mentions", args=["city-officials"])).status_code == 404
    assert client.get(reverse("inbox:list"), {"before": "not-a-number"}).status_code == 200
    assert client.get("/notifications/not-a-number/").status_code == 404
    assert (
        client.post(
            reverse("circles:introduce", args=["city-officials"]), {"skip": "1"}
        ).status_code
        == 404
    )
    people.member.profile.refresh_from_db()
    assert people.member.profile.introduction_answered_at is None
    assert not Notification.objects.exists()
