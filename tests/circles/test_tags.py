"""Tags follow one rule wherever they are typed — a log, a circle's settings page, the
admin: django-taggit's parser, spaces collapsed, lower case, at most 8 tags of at most 50
characters — and come back for editing as taggit writes them."""

import pytest
from django.urls import reverse

from circles.models import ActionLog, Circle
from tests.factories import ActionLogFactory, CircleFactory, FacilitatorFactory, UserFactory

pytestmark = pytest.mark.django_db

TYPED = 'Safe  Staffing, handover, HANDOVER, "nights, weekends"'
STORED = ["handover", "nights, weekends", "safe staffing"]
TOO_MANY = ", ".join(f"t{i}" for i in range(9))
TOO_LONG = "x" * 51


@pytest.fixture
def circle():
    circle = CircleFactory(name="Ward managers", slug="ward-managers")
    circle.facilitator = FacilitatorFactory(circle=circle).member
    return circle


def _log_form(client, circle, tags):
    client.force_login(circle.facilitator)
    url = reverse("circles:log_create", kwargs={"slug": circle.slug})
    return client.post(url, {"title": "Tagged", "tags": tags})


def _settings(client, circle, tags):
    client.force_login(circle.facilitator)
    data = {"name": circle.name, "purpose": "P", "join_policy": "open", "entry_question": "",
            "capacity": "12", "rhythm_weekday": "0", "tags": tags}  # fmt: skip
    return client.post(reverse("facilitation:settings", args=[circle.slug]), data)


def _admin(client, circle, tags):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {"name": circle.name, "slug": circle.slug, "purpose": "P", "join_policy": "open",
            "entry_question": "", "capacity": 12, "rhythm_weekday": 0, "status": "active",
            "tags": tags, "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}  # fmt: skip
    return client.post(reverse("admin:circles_circle_change", args=[circle.pk]), data)


def _stored(circle, where):
    if where is _log_form:
        return sorted(ActionLog.objects.get(title="Tagged").tags.names())
    return sorted(Circle.objects.get(pk=circle.pk).tags.names())


@pytest.mark.parametrize("where", [_log_form, _settings, _admin])
def test_the_same_text_makes_the_same_tags_everywhere(client, circle, where):
    response = where(client, circle, TYPED)
    assert response.status_code == 302
    assert _stored(circle, where) == STORED


@pytest.mark.parametrize("where", [_log_form, _settings, _admin])
@pytest.mark.parametrize(
    ("typed", "message"),
    [(TOO_MANY, "Please use at most 8 tags."), (TOO_LONG, "Please keep each tag to 50 characters")],
)
def test_too_many_or_too_long_tags_are_refused_everywhere(client, circle, where, typed, message):
    response = where(client, circle, typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Circle.objects.get(pk=circle.pk).tags.exists()
    assert not ActionLog.objects.exists()


def test_tags_come_back_for_editing_as_taggit_writes_them(client, circle):
    log = ActionLogFactory(circle=circle, author=circle.facilitator)
    log.tags.set(["safe staffing", "handover"])
    circle.tags.set(["safe staffing", "handover"])
    client.force_login(circle.facilitator)
    edit = client.get(reverse("circles:log_edit", kwargs={"slug": circle.slug, "pk": log.pk}))
    settings = client.get(reverse("facilitation:settings", args=[circle.slug]))
    for page in (edit, settings):
        assert 'value="&quot;safe staffing&quot;, handover"' in page.content.decode()
