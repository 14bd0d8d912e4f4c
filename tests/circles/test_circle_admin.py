"""The circles admin: staff can manage circles and memberships; moderation records and
reports are read-only."""

import pytest
from django.urls import reverse

from circles.models import Circle, Invite
from circles.services.memberships import invite_create
from facilitation.models import ModerationAction
from tests.factories import (
    ActionLogFactory,
    CircleFactory,
    FacilitatorFactory,
    MembershipFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def data():
    circle = CircleFactory(name="Ward managers north")
    facilitator = FacilitatorFactory(circle=circle).member
    MembershipFactory(circle=circle)
    invite = invite_create(actor=facilitator, circle=circle)
    log = ActionLogFactory(circle=circle)
    from facilitation.models import Report

    Report.objects.create(circle=circle, reporter=facilitator, log=log, reason="other")
    return circle, invite


@pytest.mark.parametrize(
    "model",
    [
        "circles_circle",
        "circles_membership",
        "circles_invite",
        "facilitation_moderationaction",
        "facilitation_report",
    ],
)
def test_changelists_load(admin_client, data, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_circle_list_shows_status_policy_and_active_members(admin_client, data):
    html = admin_client.get(reverse("admin:circles_circle_changelist")).content.decode()
    assert "Ward managers north" in html
    assert "Open: anyone with a matching interest can join" in html
    assert 'class="field-active_members">2<' in html


def test_circle_change_page_and_add(admin_client, data):
    circle, _ = data
    assert (
        admin_client.get(reverse("admin:circles_circle_change", args=[circle.pk])).status_code
        == 200
    )
    role = RoleFactory()
    response = admin_client.post(
        reverse("admin:circles_circle_add"),
        {
            "name": "Matrons",
            "slug": "matrons",
            "purpose": "Matrons *together*",
            "roles": [role.pk],
            "tags": "standards, safety",
            "join_policy": "request",
            "entry_question": "Which wards do you cover?",
            "capacity": 10,
            "rhythm_weekday": 2,
            "status": "active",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Circle.objects.get(slug="matrons")
    assert created.purpose_html == "<p>Matrons <em>together</em></p>\n"
    assert sorted(t.name for t in created.tags.all()) == ["safety", "standards"]
    assert list(created.roles.all()) == [role]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "invite"}, "used by the site itself"),
        ({"slug": "my-logs"}, "used by the site itself"),
        ({"join_policy": "request", "entry_question": ""}, "need an entry question"),
    ],
)
def test_circle_add_refuses_bad_values(admin_client, changes, message):
    data = {
        "name": "Bad",
        "slug": "bad",
        "purpose": "x",
        "join_policy": "open",
        "capacity": 10,
        "rhythm_weekday": 0,
        "status": "active",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        **changes,
    }
    response = admin_client.post(reverse("admin:circles_circle_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Circle.objects.filter(name="Bad").exists()


def test_records_are_read_only(admin_client, data):
    assert admin_client.get(reverse("admin:facilitation_moderationaction_add")).status_code == 403
    assert admin_client.get(reverse("admin:facilitation_report_add")).status_code == 403
    assert admin_client.get(reverse("admin:circles_invite_add")).status_code == 403
    action = ModerationAction.objects.get()
    url = reverse("admin:facilitation_moderationaction_delete", args=[action.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ModerationAction.objects.filter(pk=action.pk).exists()


def test_invite_admin_hides_the_key(admin_client, data):
    _, invite = data
    html = admin_client.get(reverse("admin:circles_invite_change", args=[invite.pk])).content
    assert invite.key.encode() not in html
    assert Invite.objects.get().key == invite.key


def test_admin_refuses_non_staff(client, data):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:circles_circle_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
