"""A circle's joining rules hold the same way, with the same words, wherever a circle is
edited: the staff admin, the facilitators' settings page and the service behind it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from circles.models import Circle
from facilitation.services import circle_update
from tests.factories import CircleFactory, FacilitatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEEDS_QUESTION = "Circles that take requests need an entry question."
TOO_SMALL = "The circle has 4 active members: capacity cannot be lower."


@pytest.fixture
def circle():
    circle = CircleFactory(name="Ward managers", slug="ward-managers", capacity=12)
    facilitator = FacilitatorFactory(circle=circle).member
    for _ in range(3):
        MembershipFactory(circle=circle)
    circle.facilitator = facilitator
    return circle


def _admin_post(client, circle, **changes):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "name": circle.name,
        "slug": circle.slug,
        "purpose": "Purpose",
        "join_policy": "open",
        "entry_question": "",
        "capacity": 12,
        "rhythm_weekday": 0,
        "status": "active",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        **changes,
    }
    return client.post(reverse("admin:circles_circle_change", args=[circle.pk]), data)


def _settings_post(client, circle, **changes):
    client.force_login(circle.facilitator)
    data = {
        "name": circle.name,
        "purpose": "Purpose",
        "join_policy": "open",
        "entry_question": "",
        "capacity": "12",
        "rhythm_weekday": "0",
        "tags": "",
        **changes,
    }
    return client.post(reverse("facilitation:settings", args=[circle.slug]), data)


RULES = [
    ({"join_policy": "request", "entry_question": ""}, "entry_question", NEEDS_QUESTION),
    ({"capacity": 3}, "capacity", TOO_SMALL),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_the_admin_refuses_with_the_rule_s_own_words(client, circle, changes, field, message):
    response = _admin_post(client, circle, **changes)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field]
    assert Circle.objects.get(pk=circle.pk).capacity == 12


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_the_settings_page_refuses_with_the_same_words(client, circle, changes, field, message):
    response = _settings_post(client, circle, **changes)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Circle.objects.get(pk=circle.pk).join_policy == "open"


@pytest.mark.parametrize(("changes", "field", "message"), RULES)
def test_the_service_refuses_with_the_same_words(circle, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        circle_update(actor=circle.facilitator, circle=circle, data=changes)
    assert refused.value.message_dict[field] == [message]
    assert Circle.objects.get(pk=circle.pk).capacity == 12


def test_a_question_of_spaces_is_no_question(circle):
    with pytest.raises(ValidationError) as refused:
        circle_update(
            actor=circle.facilitator,
            circle=circle,
            data={"join_policy": "request", "entry_question": "   "},
        )
    assert refused.value.message_dict["entry_question"] == [NEEDS_QUESTION]


def test_capacity_equal_to_the_active_members_is_fine(client, circle):
    assert _admin_post(client, circle, capacity=4).status_code == 302
    assert Circle.objects.get(pk=circle.pk).capacity == 4
